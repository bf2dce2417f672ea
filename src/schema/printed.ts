/** The files generated from the code into schema/ (see scripts/print-schema.ts). */
import fs from "node:fs";
import path from "node:path";
import { printSchema } from "graphql";
import { z } from "zod";
import { PROJECT_ROOT } from "../config.js";
import { mappingTable } from "../kgx/mapping.js";
import {
  CHEMICAL_KINDS,
  CHEMICAL_OR_TREATMENT_KINDS,
  CONDITION_KINDS,
  MOLECULAR_KINDS,
  OBJECT_ASPECT,
  PHYSICAL_OR_OCCURRENT_KINDS,
  PROCESS_KINDS,
} from "../model/biolink.js";
import { Bundle } from "../model/bundle.js";
import { ENTITY_KINDS, PREDICATES, STUDY_DESIGNS } from "../model/vocabulary.js";
import { sortedSchema } from "./index.js";

interface BiolinkTableHeader {
  target_version: string;
  read_from: { repository: string; path: string; commit: string };
  cross_checked_against: { repository: string; commit: string; version: string };
}

function biolinkMapping(): string {
  const biolinkTable: { header: BiolinkTableHeader; enums: { KnowledgeLevelEnum: string[]; AgentTypeEnum: string[] } } =
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "schema/biolink-model.json"), "utf8"));
  const rows = (header: string, lines: string[]) => [header, header.replace(/[^|]+/g, " --- "), ...lines].join("\n");
  const kinds = (set: ReadonlySet<string>) => [...set].join(", ");
  const quals = (q: Record<string, string> | undefined) =>
    Object.entries(q ?? {})
      .map(([k, x]) => `${k}: ${x}`)
      .join("; ");
  const { read_from: src, cross_checked_against: official } = biolinkTable.header;
  return [
    "# Biolink Model mapping",
    "",
    "Generated from `src/model/vocabulary.ts` and `src/model/biolink.ts` by `npm run schema:print`; do not edit by hand.",
    "",
    "## Target version",
    `Biolink Model **${biolinkTable.header.target_version}** (4.4.x), read from \`${src.repository}\` \`${src.path}\` at commit \`${src.commit}\`.`,
    `That copy is a fork of the official repository: the only 4.4.x YAML that could be read here, so where it departs from upstream 4.4.4 is unconfirmed. The newest official copy that could be read is ${official.version} (\`${official.repository}\` at \`${official.commit}\`).`,
    "4.4.x is the target because the graph keeps its studies as nodes: only 4.4 has `has_supporting_studies` and `study_size` on Study (4.2.2 has only the per-edge `supporting_study_size`). The classes and predicates used below have the same is_a, abstract flag, domain and range in 4.2.2 (4.4 adds the OntologyClass mixin to several classes), except `biolink:ClinicalTrial`, which is new in 4.4.",
    "`schema/biolink-model.json` is the table taken from that YAML; `tests/biolink-mapping.test.ts` holds this mapping to it.",
    "",
    "## Entity kinds",
    rows(
      "| kind | Biolink category | meaning |",
      Object.entries(ENTITY_KINDS).map(([k, v]) => `| ${k} | ${v.biolink} | ${v.description} |`),
    ),
    "",
    "- MICROBIAL_COMMUNITY: the model has no class for a microbial community; `PopulationOfIndividualOrganisms` is the nearest concrete class (its parent `OrganismalEntity`, used before, is abstract).",
    "- INTERVENTION: a supplement product as people take it; `ChemicalMixture` carries the `is_supplement` flag. A single compound named as such is better a SMALL_MOLECULE or CHEMICAL_ENTITY; probiotic organisms fit no chemical class.",
    "",
    "## Link predicates",
    "The Biolink predicate when the ends fit, with the qualifiers every such edge carries. Biolink 4 has no `positively_regulates`: INCREASES and DECREASES are `biolink:affects` with a direction qualifier. No mixin predicate (`interacts_with`, `treats`, `treats_or_applied_or_studied_to_treat`) is used on an edge.",
    "",
    rows(
      "| predicate | Biolink predicate | qualifiers | meaning |",
      Object.entries(PREDICATES).map(
        ([k, v]) => `| ${k} | ${v.biolink} | ${quals("qualifiers" in v ? v.qualifiers : undefined)} | ${v.description} |`,
      ),
    ),
    "",
    "### Where the ends change the mapping (`biolinkEdge` in src/model/biolink.ts)",
    `- INCREASES / DECREASES: when the object is a chemical, gene or gene product (${kinds(MOLECULAR_KINDS)}), add \`object_aspect_qualifier: ${OBJECT_ASPECT}\` and \`qualified_predicate: biolink:causes\`. The aspect values describe "a gene, gene product, or chemical entity", so other objects get the direction qualifier only.`,
    `- TREATS → \`ameliorates_condition\` and PREVENTS → \`preventative_for_condition\` only from a chemical, drug or treatment (${kinds(CHEMICAL_OR_TREATMENT_KINDS)}) to a disease or phenotype (${kinds(CONDITION_KINDS)}); any other ends → \`affects\` with \`object_direction_qualifier: decreased\`.`,
    `- REGULATES → \`regulates\` only between physical or processual ends (${kinds(PHYSICAL_OR_OCCURRENT_KINDS)}), from an endogenous subject (not INTERVENTION or FOOD: "exogenous chemical-affects-gene relationships are not cases of regulation"), and not between two molecular ends (GeneRegulatesGeneAssociation would require a direction); otherwise \`affects\`.`,
    `- PRODUCES → \`has_output\` when the subject is a process (${kinds(PROCESS_KINDS)}).`,
    `- SOURCE_OF → \`has_food_component\` from FOOD to a chemical (${kinds(CHEMICAL_KINDS)}); otherwise \`has_part\`.`,
    "- CONTRAINDICATED_IN (`contraindicated_in`) needs a chemical, drug or treatment subject, and SUBCLASS_OF (`subclass_of`) needs ontology-class ends (not CHEMICAL_ENTITY, PROTEIN or MICROBIAL_COMMUNITY); the test reports seed links that break this.",
    "",
    `## Evidence slots (Biolink ${biolinkTable.header.target_version})`,
    "- `publications`: PMIDs or DOIs of the cited works (range `Publication`), not the graph's `study:` ids.",
    "- `has_supporting_studies` (4.4 only): the `Study` nodes behind the claim; each Study carries its sample size as `study_size`. `supporting_study_size` is deprecated in 4.4 in favour of `study_size` on Study; do not put a size on the edge.",
    `- \`knowledge_level\` (required; ${biolinkTable.enums.KnowledgeLevelEnum.join(", ")}): knowledge_assertion for claims with studies, not_provided for evidence gaps.`,
    `- \`agent_type\` (required; ${biolinkTable.enums.AgentTypeEnum.join(", ")}): manual_agent, as the claims are curated.`,
    "- `primary_knowledge_source`: one source only.",
    "",
    "## Study designs",
    rows(
      "| design | Biolink class | evidence level | weight |",
      Object.entries(STUDY_DESIGNS).map(([k, v]) => `| ${k} | ${v.biolink} | ${v.level} | ${v.weight} |`),
    ),
    "",
    "## KGX import (the reverse mapping: `npm run import`, src/kgx/mapping.ts)",
    "What a KGX nodes or edges row becomes. Nothing is dropped: an unknown category keeps its CURIE on a NAMED_THING entity, an unmodelled predicate its CURIE on a RELATED_TO link (with a warning), and every qualifier and provenance slot is kept on the link as given.",
    "",
    ...mappingTable(),
    "",
    "- Merge by xref: a KGX node whose `id` or one of whose `xref`s is an xref of a curated entity (one written by a bundle or a mutation) *is* that entity: its edges attach to the curated entity, whose fields are kept; the node's id is added to its xrefs. So chains, neighbourhoods and search run through the article's entities and the imported ones alike.",
    "- Evidence (evidence-rule.ts step 8): an imported link's publications are works of unknown design in the KNOWLEDGE_GRAPH voice (weight 0.1 each; none: NONE_CITED, score 0); its certainty follows `knowledge_level` (knowledge_assertion, logical_entailment: ASSERTED; prediction, statistical_association: ASSOCIATIONAL; anything else: HEDGED). A link a curated claim asserts keeps its claims' evidence and only gains the KG's provenance. A negated edge (NEGATED_LINK) denying a link no claim asserts counts against it (step 9): each of its publications is a contradicting work of the same weight; `MechanismLink.deniedBy` shows it, and `contradictions` lists every denied link (DENIED_BY_KNOWLEDGE_GRAPH).",
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
