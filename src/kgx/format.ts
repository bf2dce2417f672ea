/**
 * The KGX exchange format as this service writes and reads it (the Biolink community's
 * "KGX" files: nodes and edges as TSV, or as JSON Lines). Shared by the exporter and the
 * importer, so that an exported graph imports back to the same files.
 *
 * - TSV: one header row naming the columns below, in this order; multi-valued columns join
 *   their values with `|`; an empty cell is an absent value.
 * - JSON Lines: one object per line with the same keys; multi-valued columns are arrays; absent
 *   values are left out.
 * - Ids are CURIEs. The graph's own slug ids (`magnesium`, `gut-microbiome`) are written with the
 *   LOCAL_PREFIX (`gbkg:magnesium`) and read back without it; an id that is already a CURIE
 *   (`CHEBI:6636`) is kept as it is both ways.
 * - One extra node column, KIND_COLUMN, names the graph's own kind (KGX allows extra node
 *   properties): two kinds share a Biolink category (GrossAnatomicalStructure: ANATOMICAL_STRUCTURE
 *   and BODY_SYSTEM; ChemicalEntity: CHEMICAL_ENTITY and INTERVENTION), so the category alone cannot
 *   say which. The importer reads it when present; other graphs' files lack it.
 * - A link's id names its predicate (`link:<from>:<PREDICATE>:<to>`), which Biolink cannot always
 *   say (COMMUNICATES_WITH and REGULATES may both be `biolink:affects`): the importer reads it back
 *   from an id of that form (mapping.ts, ownPredicateOf).
 */

/** The extra node column naming the graph's own kind (ANATOMICAL_STRUCTURE, BODY_SYSTEM ...). */
export const KIND_COLUMN = "gbkg_kind";

/** Node columns, in the order written. */
export const NODE_COLUMNS = ["id", "category", "name", "description", "xref", "synonym", "provided_by", KIND_COLUMN] as const;

/** Edge columns, in the order written (Biolink 4.4 slot names). */
export const EDGE_COLUMNS = [
  "id",
  "subject",
  "predicate",
  "object",
  "negated",
  "qualified_predicate",
  "subject_aspect_qualifier",
  "subject_direction_qualifier",
  "object_aspect_qualifier",
  "object_direction_qualifier",
  "primary_knowledge_source",
  "aggregator_knowledge_source",
  "knowledge_level",
  "agent_type",
  "publications",
  "provided_by",
] as const;

export type NodeColumn = (typeof NODE_COLUMNS)[number];
export type EdgeColumn = (typeof EDGE_COLUMNS)[number];

/** Columns that hold a list (joined with MULTI_VALUE_SEPARATOR in TSV, arrays in JSON Lines). */
export const MULTI_VALUED: ReadonlySet<string> = new Set([
  "category",
  "xref",
  "synonym",
  "provided_by",
  "aggregator_knowledge_source",
  "publications",
]);

export const MULTI_VALUE_SEPARATOR = "|";

/** The prefix of this graph's own ids when written as CURIEs. */
export const LOCAL_PREFIX = "gbkg";

/** A CURIE: a prefix (letter first; letters, digits, `_`, `.`, `-`), a colon, a non-empty local part. */
export const CURIE = /^[A-Za-z][A-Za-z0-9_.-]*:[^\s|]+$/;

/** This graph's id as a CURIE: a slug gets the local prefix; a CURIE stays as it is. */
export function toCurie(id: string): string {
  return CURIE.test(id) ? id : `${LOCAL_PREFIX}:${id}`;
}

/** A CURIE as this graph's id: the local prefix is dropped; any other CURIE stays as it is. */
export function fromCurie(curie: string): string {
  return curie.startsWith(`${LOCAL_PREFIX}:`) ? curie.slice(LOCAL_PREFIX.length + 1) : curie;
}

/**
 * This service as a knowledge source (`primary_knowledge_source` of every edge, `provided_by` of
 * every node), in the Translator infores style. Its curators turned the source article's text into
 * the graph's claims and links, in the project's own words: the assertions are this knowledge
 * base's, and the works they rest on are in `publications`. Not (yet) in the infores catalogue.
 */
export const SERVICE_INFORES = "infores:gut-brain-kg";
