/** The files generated from the code into schema/ (see scripts/print-schema.ts). */
import { printSchema } from "graphql";
import { z } from "zod";
import { Bundle } from "../model/bundle.js";
import { ENTITY_KINDS, PREDICATES, STUDY_DESIGNS } from "../model/vocabulary.js";
import { sortedSchema } from "./index.js";

function biolinkMapping(): string {
  const rows = (header: string, lines: string[]) => [header, header.replace(/[^|]+/g, " --- "), ...lines].join("\n");
  return [
    "# Biolink Model mapping",
    "",
    "Generated from `src/model/vocabulary.ts` by `npm run schema:print`; do not edit by hand.",
    "",
    "## Entity kinds",
    rows(
      "| kind | Biolink category | meaning |",
      Object.entries(ENTITY_KINDS).map(([k, v]) => `| ${k} | ${v.biolink} | ${v.description} |`),
    ),
    "",
    "## Link predicates",
    "Biolink 4 has no `positively_regulates`: INCREASES and DECREASES are `biolink:affects` with direction and aspect qualifiers.",
    "",
    rows(
      "| predicate | Biolink predicate | qualifiers | meaning |",
      Object.entries(PREDICATES).map(
        ([k, v]) =>
          `| ${k} | ${v.biolink} | ${
            "qualifiers" in v
              ? Object.entries(v.qualifiers)
                  .map(([q, x]) => `${q}: ${x}`)
                  .join("; ")
              : ""
          } | ${v.description} |`,
      ),
    ),
    "",
    "## Study designs",
    "Evidence slots on exported edges: `publications` (study identifiers), `has_supporting_studies`, `supporting_study_size`, `knowledge_level` (knowledge_assertion for claims with studies, not_provided for evidence gaps), `agent_type` (manual_agent: curated).",
    "",
    rows(
      "| design | Biolink class | evidence level | weight |",
      Object.entries(STUDY_DESIGNS).map(([k, v]) => `| ${k} | ${v.biolink} | ${v.level} | ${v.weight} |`),
    ),
    "",
  ].join("\n");
}

export function generatedSchemaFiles(): Record<string, string> {
  return {
    "schema/schema.graphql": `${printSchema(sortedSchema)}\n`,
    "schema/bundle.schema.json": `${JSON.stringify(z.toJSONSchema(Bundle, { io: "input" }), null, 2)}\n`,
    "schema/biolink-mapping.md": biolinkMapping(),
  };
}
