/**
 * Subgraphs for export as Cypher (for export/subgraph.ts): the fields every export document reads,
 * the chains subgraph (the union of the best mechanism chains between two entities) and the whole
 * graph, each one query. The neighbourhood is neighborhood.ts's query, with these field tables.
 */
import { int } from "../db/database.js";
import { bestChainsCypher, type ChainSearch } from "./chain.js";
import type { CypherBuilder } from "./cypher.js";

/** Cypher for each exported node field, over an entity expression `x`. */
export const entityFields = (x: string): Record<string, string> => ({
  id: `${x}.id`,
  label: `${x}.name`,
  kind: `${x}.kind`,
  synonyms: `coalesce(${x}.synonyms, [])`,
  description: `${x}.description`,
  xrefs: `coalesce(${x}.xrefs, [])`,
  // An imported entity's own Biolink categories and sources (null for a curated one).
  categories: `${x}.categories`,
  providedBy: `CASE WHEN ${x}.kgxHash IS NULL THEN null ELSE coalesce(${x}.providedBy, []) END`,
});

/**
 * The publications behind LINK `l`, for KGX `publications`: the PMID, PMCID and DOI identifiers of
 * the works cited in support of the link by the claims asserting it (`bearsOn`), taking every
 * record of a work (SAME_AS), and only the works the evidence rule lets add support there
 * (model/evidence-rule.ts: not NOT_ADDRESSED, UNVERIFIED or CONTRADICTED, a curator's inference
 * only once checked). Never the graph's own study ids; sorted, so exports are deterministic.
 */
const PUBLICATIONS = `COLLECT {
      UNWIND coalesce(l.claimIds, []) AS pubClaimId
      MATCH (pubStudy:Study)-[pubEdge:SUPPORTS|MIXED]->(:Claim {id: pubClaimId})
      WHERE (pubEdge.bearsOn IS NULL OR l.id IN pubEdge.bearsOn)
        AND (pubEdge.addresses IS NULL OR l.id IN pubEdge.addresses)
        AND NOT coalesce(pubEdge.verdict, 'UNCHECKED') IN ['NOT_ADDRESSED', 'UNVERIFIED', 'CONTRADICTED']
        AND (coalesce(pubEdge.voice, 'ARTICLE') <> 'CURATOR_INFERENCE' OR pubEdge.verdict IS NOT NULL)
      UNWIND [pubStudy] + [(pubStudy)-[:SAME_AS*1..3]-(pubRecord:Study) | pubRecord] AS pubWork
      UNWIND coalesce(pubWork.identifiers, []) AS publication
      WITH DISTINCT publication WHERE publication =~ '(?i)(PMID|PMCID|PMC|DOI):.+'
      RETURN publication ORDER BY publication
    }`;

/**
 * What the knowledge graphs a link `l` was imported from said of it (graph/write/links.ts keeps it on the
 * link: its KG parts, read in Node by graph/kg-parts.ts), or null for a link no import touched: the
 * exporter writes it for links no claim asserts. The lists are those of links written before the
 * parts were JSON.
 */
export const kgStatement = (l: string) =>
  `CASE WHEN size(coalesce(${l}.kgSources, [])) = 0 THEN null ELSE ${l} {.biolinkPredicate, .qualifiedPredicate,
      .subjectAspectQualifier, .subjectDirectionQualifier, .objectAspectQualifier, .objectDirectionQualifier,
      .kgSources, .kgContributions, .primaryKnowledgeSources, .aggregatorKnowledgeSources, .knowledgeLevels, .agentTypes,
      .publications} END`;
const KG_STATEMENT = kgStatement("l");

/** Cypher for each exported edge field, over a LINK `l`. */
export const LINK_FIELDS: Record<string, string> = {
  id: "l.id",
  source: "startNode(l).id",
  target: "endNode(l).id",
  predicate: "l.predicate",
  score: "coalesce(l.score, 0.0)",
  level: "coalesce(l.level, 'NONE_CITED')",
  claimCount: "size(coalesce(l.claimIds, []))",
  publications: PUBLICATIONS,
  kg: KG_STATEMENT,
};

/** Cypher for each exported field of a NEGATED_LINK `l` (imported "not" statements; KGX only). */
const NEGATED_LINK_FIELDS: Record<string, string> = {
  id: "l.id",
  source: "startNode(l).id",
  target: "endNode(l).id",
  predicate: "l.predicate",
  negated: "true",
  kg: KG_STATEMENT,
};

/** The node and edge fields each export document reads (export/*.ts). */
export const DOCUMENT_NEEDS = {
  cytoscape: {
    nodes: ["id", "label", "kind", "categories", "distance"],
    edges: ["id", "source", "target", "predicate", "score", "level", "claimCount", "kg"],
  },
  graphml: {
    nodes: ["id", "label", "kind", "categories", "distance"],
    edges: ["id", "source", "target", "predicate", "score", "level", "claimCount", "kg"],
  },
  kgx: {
    nodes: ["id", "label", "kind", "synonyms", "description", "xrefs", "categories", "providedBy"],
    edges: ["id", "source", "target", "predicate", "level", "claimCount", "publications", "kg"],
  },
} as const;
export type ExportDocument = keyof typeof DOCUMENT_NEEDS;

const mapOf = (table: Record<string, string>) =>
  `{${Object.entries(table)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")}}`;

/**
 * The chains subgraph as one query: the best `first` chains (mechanismChains' search and order),
 * their entities (distance: fewest hops from `from` along them; nearest first, then by id) and
 * their links (by id), with every export field. Its `value` is {fromFound, toFound, chainCount,
 * nodes, edges}.
 */
export function chainsSubgraphCypher(args: ChainSearch, native: boolean, q: CypherBuilder): string {
  return `${bestChainsCypher(args, native, q, () => "collect(p)")}
CALL {
  WITH chains
  UNWIND chains AS p
  UNWIND range(0, size(p.nodes) - 1) AS i
  WITH p.nodes[i] AS x, i
  WITH x, min(i) AS d
  ORDER BY d, x.id
  RETURN collect(${mapOf({ ...entityFields("x"), distance: "d" })}) AS nodes
}
CALL {
  WITH chains
  UNWIND chains AS p
  UNWIND p.ids AS lid
  WITH DISTINCT lid
  MATCH ()-[l:LINK {id: lid}]->() USING INDEX SEEK l:LINK(id)
  WITH l ORDER BY l.id
  RETURN collect(${mapOf(LINK_FIELDS)}) AS edges
}
RETURN {fromFound: a IS NOT NULL, toFound: b IS NOT NULL, chainCount: size(chains), nodes: nodes, edges: edges} AS value`;
}

/** The most a whole-graph export holds (KG_EXPORT_MAX_NODES, KG_EXPORT_MAX_EDGES). */
export interface ExportLimits {
  nodes: number;
  edges: number;
}

/**
 * The whole graph as one query: its sizes first (from the count store: no scan), and only when
 * both are within `limits` (negated links counting as links) every entity (by id), every link
 * and every negated link (by id) with every export field. Its `value` is {nodeCount, edgeCount,
 * negatedCount, within, nodes, edges, negatedEdges}.
 */
/** Every relationship of `type` by id, as maps of `fields`, collected as `name`, when within bounds. */
const everyRelationship = (type: string, fields: Record<string, string>, name: string) => `CALL {
  WITH within
  WITH within WHERE within
  MATCH ()-[l:${type}]->()
  WITH l ORDER BY l.id
  RETURN collect(${mapOf(fields)}) AS ${name}
}`;

export function graphExportCypher(limits: ExportLimits, q: CypherBuilder): string {
  const maxNodes = q.param(int(limits.nodes));
  const maxEdges = q.param(int(limits.edges));
  return `CALL { MATCH (x:Entity) RETURN count(x) AS nodeCount }
CALL { MATCH ()-[l:LINK]->() RETURN count(l) AS edgeCount }
CALL { MATCH ()-[l:NEGATED_LINK]->() RETURN count(l) AS negatedCount }
WITH nodeCount, edgeCount, negatedCount, nodeCount <= ${maxNodes} AND edgeCount + negatedCount <= ${maxEdges} AS within
CALL {
  WITH within
  WITH within WHERE within
  MATCH (x:Entity)
  WITH x ORDER BY x.id
  RETURN collect(${mapOf(entityFields("x"))}) AS nodes
}
${everyRelationship("LINK", LINK_FIELDS, "edges")}
${everyRelationship("NEGATED_LINK", NEGATED_LINK_FIELDS, "negatedEdges")}
RETURN {nodeCount: nodeCount, edgeCount: edgeCount, negatedCount: negatedCount, within: within, nodes: nodes, edges: edges,
  negatedEdges: negatedEdges} AS value`;
}
