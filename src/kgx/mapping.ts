/**
 * KGX → this graph (documented as a table in schema/biolink-mapping.md, generated from the tables
 * below by `npm run schema:print`):
 *
 * - A node's `category` list gives its kind: the most specific category we know wins (deepest on
 *   its Biolink is_a chain, schema/biolink-model.json); a category we do not model but whose is_a
 *   chain reaches one we do takes that kind; a node with no known category is NAMED_THING, and
 *   every category CURIE is kept on the entity (`categories`), never dropped.
 * - An edge's `predicate` and qualifiers give its predicate (PREDICATE_FROM_BIOLINK, and
 *   `biolink:affects` + object_direction_qualifier increased/upregulated is INCREASES,
 *   decreased/downregulated DECREASES); any other predicate is RELATED_TO with its CURIE kept
 *   (`biolinkPredicate`), with a warning. The predicate CURIE and every qualifier are kept on the
 *   link as given, whatever it maps to.
 * - `negated: true` is never the positive statement: such an edge becomes a NEGATED_LINK
 *   relationship, which no chain, neighbourhood or strongest-link shortcut reads.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../config.js";
import { biolinkEdge } from "../model/biolink.js";
import { ENTITY_KIND_NAMES, ENTITY_KINDS, type EntityKind, PREDICATE_NAMES, type Predicate } from "../model/vocabulary.js";

/** Our kinds by Biolink category; where two kinds share one, the first listed in ENTITY_KINDS. */
export const KIND_OF_CATEGORY: ReadonlyMap<string, EntityKind> = (() => {
  const map = new Map<string, EntityKind>();
  for (const [kind, info] of Object.entries(ENTITY_KINDS) as Array<[EntityKind, { biolink: string }]>) {
    if (kind === "NAMED_THING") continue;
    if (!map.has(info.biolink)) map.set(info.biolink, kind);
  }
  return map;
})();

interface ModelClass {
  name: string;
  is_a: string | null;
}

const PARENT: ReadonlyMap<string, string | null> = (() => {
  const file = path.join(PROJECT_ROOT, "schema", "biolink-model.json");
  const model = JSON.parse(fs.readFileSync(file, "utf8")) as { classes: ModelClass[] };
  return new Map(model.classes.map((c) => [c.name, c.is_a]));
})();

/** Depth on the is_a chain (NamedThing 1 ...); -1 for a category the model table does not hold. */
function depth(category: string): number {
  if (!PARENT.has(category)) return -1;
  let d = 0;
  for (let c: string | null | undefined = category; c; c = PARENT.get(c)) d += 1;
  return d;
}

/**
 * The most specific of an entity's Biolink categories (deepest on the is_a chain of the model
 * table; the first listed when none is in the table); undefined for none.
 */
export function mostSpecificCategory(categories: readonly string[] | null | undefined): string | undefined {
  let best: { category: string; depth: number } | undefined;
  for (const c of categories ?? []) {
    const d = depth(c);
    if (!best || d > best.depth) best = { category: c, depth: d };
  }
  return best?.category;
}

/** An entity's Biolink category: the most specific of its own (an imported entity's), else its kind's. */
export const categoryOf = (kind: EntityKind, categories?: readonly string[] | null): string =>
  mostSpecificCategory(categories) ?? ENTITY_KINDS[kind].biolink;

/** A kind named in KIND_COLUMN (format.ts), or undefined when it is not one of ours. */
export const kindNamed = (name: string): EntityKind | undefined =>
  (ENTITY_KIND_NAMES as readonly string[]).includes(name) ? (name as EntityKind) : undefined;

/** The kind a category maps to, itself or through its is_a chain; undefined: not one we model. */
function kindOf(category: string): EntityKind | undefined {
  for (let c: string | null | undefined = category; c; c = PARENT.get(c)) {
    const kind = KIND_OF_CATEGORY.get(c);
    if (kind) return kind;
  }
  return undefined;
}

/** The kind of a node with these categories (the most specific known one wins), and whether any was known. */
export function kindOfCategories(categories: readonly string[]): { kind: EntityKind; known: boolean } {
  let best: { kind: EntityKind; depth: number } | undefined;
  for (const c of categories) {
    const kind = kindOf(c);
    if (!kind) continue;
    const d = depth(c);
    if (!best || d > best.depth) best = { kind, depth: d };
  }
  return best ? { kind: best.kind, known: true } : { kind: "NAMED_THING", known: false };
}

/** Biolink predicates read as ours (without qualifiers); `biolink:affects` is read by its direction. */
export const PREDICATE_FROM_BIOLINK: Readonly<Record<string, Predicate>> = {
  "biolink:regulates": "REGULATES",
  "biolink:produces": "PRODUCES",
  "biolink:has_output": "PRODUCES",
  "biolink:part_of": "PART_OF",
  "biolink:has_part": "HAS_PART",
  "biolink:contributes_to": "CONTRIBUTES_TO",
  "biolink:preventative_for_condition": "PREVENTS",
  "biolink:ameliorates_condition": "TREATS",
  "biolink:treats": "TREATS",
  "biolink:associated_with": "ASSOCIATED_WITH",
  "biolink:has_food_component": "SOURCE_OF",
  "biolink:subclass_of": "SUBCLASS_OF",
  "biolink:contraindicated_in": "CONTRAINDICATED_IN",
  "biolink:related_to": "RELATED_TO",
};

const DIRECTIONS: Readonly<Record<string, Predicate>> = {
  increased: "INCREASES",
  upregulated: "INCREASES",
  decreased: "DECREASES",
  downregulated: "DECREASES",
};

/** The qualifier columns kept on a link (KGX / Biolink 4.4 slot names → link property names). */
export const QUALIFIER_PROPS = {
  qualified_predicate: "qualifiedPredicate",
  subject_aspect_qualifier: "subjectAspectQualifier",
  subject_direction_qualifier: "subjectDirectionQualifier",
  object_aspect_qualifier: "objectAspectQualifier",
  object_direction_qualifier: "objectDirectionQualifier",
} as const;

/** Our predicate for a Biolink predicate and its qualifiers; `modelled` false: kept as RELATED_TO. */
export function predicateOf(biolink: string, qualifiers: Readonly<Record<string, string | undefined>>) {
  if (biolink === "biolink:affects") {
    const direction = qualifiers.object_direction_qualifier;
    const p = direction ? DIRECTIONS[direction] : undefined;
    return p ? { predicate: p, modelled: true } : { predicate: "RELATED_TO" as Predicate, modelled: false };
  }
  const p = PREDICATE_FROM_BIOLINK[biolink];
  return p ? { predicate: p, modelled: true } : { predicate: "RELATED_TO" as Predicate, modelled: false };
}

/**
 * A link's id: `link:<from>:<PREDICATE>:<to>` as for curated links; a RELATED_TO link also names
 * its Biolink predicate (`|biolink:interacts_with`), so that two unmodelled predicates between the
 * same ends stay two links (`|` is never part of a CURIE).
 */
export function kgxLinkId(from: string, predicate: Predicate, to: string, biolink: string): string {
  const id = `link:${from}:${predicate}:${to}`;
  return predicate === "RELATED_TO" ? `${id}|${biolink}` : id;
}

/** What a negated link's id (a NEGATED_LINK's) puts before the id of the link it denies. */
export const NEGATED_ID_PREFIX = "not-";
/** A negated link's id, from the id of the link it denies. */
export const negatedLinkId = (linkId: string) => `${NEGATED_ID_PREFIX}${linkId}`;
/** The same in Cypher, from a Cypher expression for a link id; and back, from a negated link's id. */
export const negatedLinkIdCypher = (linkId: string) => `'${NEGATED_ID_PREFIX}' + ${linkId}`;
export const deniedLinkIdCypher = (negatedId: string) => `substring(${negatedId}, ${NEGATED_ID_PREFIX.length})`;

/** Every Biolink predicate the exporter may write for each of our predicates, whatever the ends' kinds. */
const EXPORTED_AS: ReadonlyMap<Predicate, ReadonlySet<string>> = new Map(
  PREDICATE_NAMES.map((p) => [
    p,
    new Set(ENTITY_KIND_NAMES.flatMap((s) => ENTITY_KIND_NAMES.map((o) => biolinkEdge(p, s, o).predicate))),
  ]),
);

/**
 * Our predicate, when an edge's id is one of our link ids for its ends (`link:<from>:<P>:<to>`,
 * with `not-` before it for a negated link: what the exporter writes) and the edge's Biolink
 * predicate is one the exporter writes for P; undefined otherwise. Biolink maps some of ours alike
 * (COMMUNICATES_WITH and, between some ends, REGULATES and TREATS are `biolink:affects`): the id
 * says which it was, so our own export imports back to the same links.
 */
export function ownPredicateOf(
  edgeId: string,
  from: string,
  to: string,
  biolink: string,
  negated: boolean,
): Predicate | undefined {
  const id = negated && edgeId.startsWith(NEGATED_ID_PREFIX) ? edgeId.slice(NEGATED_ID_PREFIX.length) : edgeId;
  const head = `link:${from}:`;
  if (!id.startsWith(head)) return undefined;
  return PREDICATE_NAMES.find((p) => id === kgxLinkId(from, p, to, biolink) && EXPORTED_AS.get(p)?.has(biolink));
}

/** A slug for a CURIE, for the ids of the work records and sources an import makes (PMID:123 → pmid-123). */
export function slugOf(curie: string): string {
  return curie
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
}

/** The publication prefixes read as work records (study records with those identifiers). */
export const PUBLICATION_PREFIXES = ["PMID", "PMC", "PMCID", "DOI", "doi"] as const;

/** Rows for the mapping table in schema/biolink-mapping.md. */
export function mappingTable(): string[] {
  const kinds = [...KIND_OF_CATEGORY.entries()].map(([c, k]) => `| node \`category\` ${c} | kind ${k} |`);
  const preds = Object.entries(PREDICATE_FROM_BIOLINK).map(([b, p]) => `| edge \`predicate\` ${b} | ${p} |`);
  return [
    "| KGX | this graph |",
    "|---|---|",
    ...kinds,
    "| node `category` descending (is_a) from one above | that kind; the most specific category of the list wins |",
    "| node `category` none known | kind NAMED_THING; every category CURIE kept in `categories` |",
    "| node `gbkg_kind` (this graph's own export) | the kind it names, whatever the category (two kinds share GrossAnatomicalStructure, two ChemicalEntity) |",
    "| node `id`, `name`, `description`, `synonym`, `xref`, `provided_by` | `id` (CURIE kept as it is; `gbkg:` dropped), `name`, `description`, `synonyms`, `xrefs`, `providedBy` |",
    "| edge `predicate` biolink:affects + `object_direction_qualifier` increased / upregulated | INCREASES |",
    "| edge `predicate` biolink:affects + `object_direction_qualifier` decreased / downregulated | DECREASES |",
    ...preds,
    "| edge `predicate` any other (biolink:affects without a direction included) | RELATED_TO, the CURIE kept in `biolinkPredicate`; warned |",
    "| edge `id` `link:<subject>:<PREDICATE>:<object>` (this graph's own export) whose Biolink predicate the exporter writes for PREDICATE | PREDICATE, and that link id |",
    "| edge `negated: true` | NEGATED_LINK (never a LINK: no chain, neighbourhood or shortcut reads it; GraphQL `Entity.denials`, `MechanismLink.deniedBy`; it counts against the link it denies while no claim asserts that link) |",
    "| edge `qualified_predicate`, `*_aspect_qualifier`, `*_direction_qualifier` | kept on the link as given |",
    "| edge `primary_knowledge_source`, `aggregator_knowledge_source`, `knowledge_level`, `agent_type` | kept on the link, in the KG's part (`kgContributions`, one JSON per KG: `primaryKnowledgeSources`, `aggregatorKnowledgeSources`, `knowledgeLevels`, `agentTypes`, `publications`, `kgxEdgeIds`); GraphQL `MechanismLink.statedBy` |",
    "| edge `publications` (PMID:, PMC:, DOI:) | work records `study:<slug>` with that identifier, design UNKNOWN, not checked, listed in the link's `studyIds`; the link's evidence voice is KNOWLEDGE_GRAPH |",
    "| the import itself | a Source `source:kgx-<name>`; every link and imported entity lists it in `kgSources` |",
    "| a node whose `id` or `xref` is an `xref` of a curated entity | that entity (merge by xref): its edges attach to it, the node's id is added to its xrefs |",
  ];
}
