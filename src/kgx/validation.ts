/**
 * Row checks with located problems (file, line, column, what was expected), and the mapping of a
 * valid row to what the graph stores (mapping.ts). Errors refuse the import; warnings (unknown
 * categories, unmodelled predicates) are reported and the row is kept.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config.js";
import type { KgProvenance } from "../graph/write/links.js";
import { MAX_ID_LENGTH } from "../model/vocabulary.js";
import { CURIE, fromCurie, KIND_COLUMN } from "./format.js";
import { kindNamed, kindOfCategories, ownPredicateOf, predicateOf, QUALIFIER_PROPS } from "./mapping.js";
import type { KgxProblem, KgxRecord, Row } from "./reader.js";

export const REQUIRED_NODE_COLUMNS = ["id", "category"] as const;
export const REQUIRED_EDGE_COLUMNS = ["subject", "predicate", "object"] as const;

/** Biolink 4.4 enums of the provenance slots (schema/biolink-model.json): other values are warned and kept. */
const ENUMS = (() => {
  const model = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "schema", "biolink-model.json"), "utf8")) as {
    enums: Record<string, string[]>;
  };
  return {
    knowledge_level: new Set(model.enums.KnowledgeLevelEnum ?? []),
    agent_type: new Set(model.enums.AgentTypeEnum ?? []),
  };
})();

export interface KgxNode {
  id: string;
  name: string;
  kind: string;
  categories: string[];
  description: string | null;
  synonyms: string[];
  xrefs: string[];
  providedBy: string[];
  /** Content hash of what the row says (duplicates with other content are errors). */
  hash: string;
}

export interface KgxEdge extends KgProvenance {
  edgeId: string | null;
  subject: string;
  object: string;
  predicate: string;
  biolinkPredicate: string;
  negated: boolean;
  hash: string;
}

const one = (v: KgxRecord[string] | undefined): string | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v.join("|") : String(v);
const many = (v: KgxRecord[string] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : typeof v === "boolean" ? [String(v)] : [v];

/** A small, stable content hash (FNV-1a, 2 × 32 bits) of a row's mapped content. */
export function contentHash(value: unknown): string {
  const text = JSON.stringify(value);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c, 2246822519) >>> 0;
  }
  return h1.toString(36) + h2.toString(36);
}

function problem(
  row: Row,
  code: string,
  column: string | undefined,
  message: string,
  severity: "error" | "warning" = "error",
): KgxProblem {
  return { severity, code, file: row.file, line: row.line, column, message };
}

function checkCurie(row: Row, column: string, value: string | undefined, problems: KgxProblem[]): value is string {
  if (value === undefined || value === "") {
    problems.push(problem(row, "MISSING_VALUE", column, `expected a CURIE in \`${column}\`, found nothing`));
    return false;
  }
  if (!CURIE.test(value) || value.length > MAX_ID_LENGTH) {
    problems.push(
      problem(
        row,
        "MALFORMED_CURIE",
        column,
        `expected a CURIE like "CHEBI:6636" (prefix:local, at most ${MAX_ID_LENGTH} characters), found "${value}"`,
      ),
    );
    return false;
  }
  return true;
}

/** A nodes row as the graph stores it, or undefined (problems say why). */
export function mapNode(row: Row, problems: KgxProblem[]): KgxNode | undefined {
  const r = row.record;
  const rawId = one(r.id);
  if (!checkCurie(row, "id", rawId, problems)) return undefined;
  const categories = many(r.category);
  if (!categories.length) {
    problems.push(
      problem(row, "MISSING_VALUE", "category", "expected at least one Biolink category (e.g. biolink:SmallMolecule)"),
    );
    return undefined;
  }
  let ok = true;
  for (const c of categories) ok = checkCurie(row, "category", c, problems) && ok;
  for (const x of many(r.xref)) ok = checkCurie(row, "xref", x, problems) && ok;
  const named = one(r[KIND_COLUMN]);
  const ownKind = named === undefined ? undefined : kindNamed(named);
  if (named !== undefined && !ownKind) {
    problems.push(
      problem(row, "BAD_VALUE", KIND_COLUMN, `expected one of this graph's kinds (e.g. BODY_SYSTEM), found "${named}"`),
    );
    ok = false;
  }
  if (!ok) return undefined;
  const { kind: categoryKind, known } = kindOfCategories(categories);
  // This graph's own export names the kind: the category alone cannot tell two kinds that share one.
  const kind = ownKind ?? categoryKind;
  if (!known) {
    problems.push(
      problem(
        row,
        "UNKNOWN_CATEGORY",
        "category",
        `no category we model (${categories.join(", ")}): kept as NAMED_THING with its categories`,
        "warning",
      ),
    );
  }
  const id = fromCurie(rawId);
  const name = one(r.name) ?? id;
  const content = {
    name,
    kind,
    categories,
    description: one(r.description) ?? null,
    synonyms: many(r.synonym),
    xrefs: many(r.xref),
    providedBy: many(r.provided_by),
  };
  return { id, ...content, hash: contentHash(content) };
}

const BOOL = new Map([
  ["true", true],
  ["false", false],
  ["True", true],
  ["False", false],
  ["TRUE", true],
  ["FALSE", false],
]);

/** An edges row as the graph stores it, or undefined (problems say why). */
export function mapEdge(row: Row, problems: KgxProblem[]): KgxEdge | undefined {
  const r = row.record;
  const subject = one(r.subject);
  const object = one(r.object);
  const predicate = one(r.predicate);
  let ok = checkCurie(row, "subject", subject, problems);
  ok = checkCurie(row, "object", object, problems) && ok;
  ok = checkCurie(row, "predicate", predicate, problems) && ok;
  let negated = false;
  if (r.negated !== undefined) {
    const v = typeof r.negated === "boolean" ? r.negated : BOOL.get(String(r.negated));
    if (v === undefined) {
      problems.push(problem(row, "BAD_VALUE", "negated", `expected true or false, found "${String(r.negated)}"`));
      ok = false;
    } else negated = v;
  }
  const pubs = many(r.publications);
  for (const p of pubs) ok = checkCurie(row, "publications", p, problems) && ok;
  if (!ok || !subject || !object || !predicate) return undefined;
  const qualifiers: Record<string, string> = {};
  for (const q of Object.keys(QUALIFIER_PROPS)) {
    const v = one(r[q]);
    if (v !== undefined) qualifiers[q] = v;
  }
  const edgeId = one(r.id);
  const own = edgeId && ownPredicateOf(fromCurie(edgeId), fromCurie(subject), fromCurie(object), predicate, negated);
  const mapped = own ? { predicate: own, modelled: true } : predicateOf(predicate, qualifiers);
  if (!mapped.modelled) {
    problems.push(
      problem(
        row,
        "UNKNOWN_PREDICATE",
        "predicate",
        `${predicate}${qualifiers.object_direction_qualifier ? ` (${qualifiers.object_direction_qualifier})` : ""} is not a predicate we model: kept as RELATED_TO with its CURIE`,
        "warning",
      ),
    );
  }
  for (const slot of ["knowledge_level", "agent_type"] as const) {
    const v = one(r[slot]);
    if (v !== undefined && !ENUMS[slot].has(v)) {
      problems.push(
        problem(
          row,
          "UNKNOWN_VALUE",
          slot,
          `expected a Biolink ${slot} (${[...ENUMS[slot]].join(", ")}), found "${v}": kept as given`,
          "warning",
        ),
      );
    }
  }
  const content = {
    subject: fromCurie(subject),
    object: fromCurie(object),
    predicate: mapped.predicate,
    biolinkPredicate: predicate,
    negated,
    qualifiers,
    primaryKnowledgeSource: one(r.primary_knowledge_source) ?? null,
    aggregatorKnowledgeSources: many(r.aggregator_knowledge_source),
    knowledgeLevel: one(r.knowledge_level) ?? null,
    agentType: one(r.agent_type) ?? null,
    publications: pubs,
  };
  return { edgeId: edgeId ?? null, ...content, hash: contentHash(content) };
}
