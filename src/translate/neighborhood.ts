/**
 * An entity's neighbourhood as Cypher (for schema/subgraph.ts): the entities within `hops` of it,
 * breadth first along each entity's strongest links (strongest.ts), and every link among them,
 * reading only the node and edge fields the request needs.
 */
import { int } from "../db/database.js";
import { type CypherBuilder, firstArg, intArg } from "./cypher.js";
import { DOCUMENT_NEEDS, type ExportDocument, entityFields, LINK_FIELDS } from "./export.js";
import { checkId } from "./ids.js";
import { childSelection, type FieldSelection } from "./selection.js";
import { type LinkDirection, strongestRows } from "./strongest.js";

export const MAX_NEIGHBORHOOD_HOPS = 3;
const MAX_EDGES = 1000;

/** Entities with more links one way than this are dense: their links are found from the other end. */
export const DENSE_DEGREE = 200;

type Direction = LinkDirection | "BOTH";

/**
 * The links one level of the neighbourhood follows from an entity x, as rows (rid, rscore, m):
 * x's strongest FANOUT links each way, the same links a chain search follows. A hub thus costs
 * at most FANOUT reads per direction, not thousands; an entity with fewer links has them all
 * followed.
 */
function follow(direction: Direction, q: CypherBuilder): string {
  const sides: LinkDirection[] = direction === "BOTH" ? ["OUT", "IN"] : [direction];
  return sides.map((side) => `WITH x ${strongestRows("x", side, q)}`).join(" UNION ALL ");
}

/** The chosen entities `ns` with more than DENSE_DEGREE links out, and in (degrees are O(1) reads). */
const DENSE_ENDS = `WITH a, members, ns,
     [n IN ns WHERE COUNT { (n)-[:LINK]->() } > ${DENSE_DEGREE}] AS denseOut,
     [n IN ns WHERE COUNT { (n)<-[:LINK]-() } > ${DENSE_DEGREE}] AS denseIn`;

/**
 * Cypher leaving `around`: the entities within `hops` of `a`, breadth first (one level per hop,
 * the count from the argument's bounds, never from request text), each level strongest first
 * (best score of a link reaching it from the level before, then that link's id), until `room`
 * entities are chosen.
 */
function levels(hops: number, direction: Direction, room: string, q: CypherBuilder): string {
  const followed = follow(direction, q);
  let cypher = "WITH a, [a] AS seen, [a] AS frontier, [] AS around";
  for (let d = 1; d <= hops; d++) {
    cypher += `
CALL {
  WITH seen, frontier, around
  WITH seen, frontier, ${room} - size(around) AS left WHERE left > 0
  UNWIND frontier AS x
  CALL { ${followed} }
  WITH m AS b, rscore AS score, rid AS lid, left WHERE NOT b IN seen
  WITH b, score, lid, left ORDER BY score DESC, lid
  WITH b, collect({score: score, lid: lid})[0] AS best, left
  ORDER BY best.score DESC, best.lid
  RETURN coalesce(collect(b)[0..max(left)], []) AS level
}
WITH a, seen + level AS seen, level AS frontier, around + [b IN level | {node: b, d: ${d}}] AS around`;
  }
  return cypher;
}

/** Cypher for each GraphNode field (and each exported one), over a member map m ({node, d}). */
const NODE_FIELDS: Record<string, string> = { ...entityFields("m.node"), distance: "m.d" };
/** Cypher for each GraphEdge field (and each exported one), over a LINK l. */
const EDGE_FIELDS = LINK_FIELDS;

/**
 * The node and edge fields a request needs, so that a query for ids does not read every link's
 * ends and evidence; null for edges when neither edges nor a document (cytoscape, graphml, kgx)
 * is asked for (then the links among the nodes are not looked up at all).
 */
function neededFields(fields: readonly FieldSelection[]): { nodes: string[]; edges: string[] | null } {
  const names = (type: string, field: string) => childSelection(fields, field, type).map((f) => f.name);
  const documents = fields.flatMap((f) => (f.name in DOCUMENT_NEEDS ? [DOCUMENT_NEEDS[f.name as ExportDocument]] : []));
  const nodes = new Set(["id", ...names("GraphNode", "nodes"), ...documents.flatMap((d) => d.nodes)]);
  if (nodes.has("biolinkCategory")) {
    nodes.add("kind");
    nodes.add("categories");
  }
  const edgesAsked = documents.length > 0 || fields.some((f) => f.name === "edges");
  const edges = new Set(["id", ...names("GraphEdge", "edges"), ...documents.flatMap((d) => d.edges)]);
  return {
    nodes: [...nodes].filter((n) => n in NODE_FIELDS),
    edges: edgesAsked ? [...edges].filter((e) => e in EDGE_FIELDS) : null,
  };
}

const mapOf = (keys: string[], table: Record<string, string>) => `{${keys.map((k) => `${k}: ${table[k]}`).join(", ")}}`;

/**
 * Every link among the entities `ns` (mechanism links never loop on one entity), at most
 * MAX_EDGES by id, each as `projection` of l. Most entities' outgoing links are read once. A
 * dense entity's (a hub's thousands) are found from the other end instead, by reading the
 * incoming links of each chosen entity once; only links between two dense entities are looked up
 * pair by pair, from whichever end has fewer links.
 */
function edgesCypher(projection: string): string {
  return `COLLECT {
    CALL {
      WITH ns, denseOut
      UNWIND ns AS x
      WITH x, ns WHERE NOT x IN denseOut
      MATCH (x)-[l:LINK]->(y) WHERE y IN ns RETURN l
      UNION ALL
      WITH ns, denseOut, denseIn
      UNWIND ns AS y
      WITH y, denseOut WHERE denseOut <> [] AND NOT y IN denseIn
      MATCH (y)<-[l:LINK]-() WHERE startNode(l) IN denseOut RETURN l
      UNION ALL
      WITH denseOut, denseIn
      UNWIND denseOut AS x
      UNWIND denseIn AS y
      WITH x, y, COUNT { (y)<-[:LINK]-() } <= COUNT { (x)-[:LINK]->() } AS fromTarget WHERE y <> x
      CALL {
        WITH x, y, fromTarget
        WITH x, y WHERE fromTarget
        MATCH (y)<-[l:LINK]-() WHERE startNode(l) = x RETURN l
        UNION ALL
        WITH x, y, fromTarget
        WITH x, y WHERE NOT fromTarget
        MATCH (x)-[l:LINK]->() WHERE endNode(l) = y RETURN l
      }
      RETURN l
    }
    WITH l ORDER BY l.id LIMIT ${MAX_EDGES}
    RETURN ${projection}
  }`;
}

/** The coerced arguments of `neighborhood`. */
export interface NeighborhoodArgs {
  id: string;
  hops?: number | null;
  direction?: Direction | null;
  first?: number | null;
}

/**
 * `neighborhood` as one query over the Subgraph selection `fields`; its single `value` is
 * {found, nodes, edges} (nodes and edges with the fields asked for, the documents' included).
 */
export function neighborhoodCypher(fields: readonly FieldSelection[], args: NeighborhoodArgs, q: CypherBuilder): string {
  const hops = intArg(args.hops, { name: "hops", min: 1, max: MAX_NEIGHBORHOOD_HOPS }, 1);
  const centre = q.param(checkId("entity", args.id));
  const others = q.param(int(firstArg(args.first, 50) - 1));
  const needed = neededFields(fields);
  return `OPTIONAL MATCH (a:Entity {id: ${centre}})
CALL {
  WITH a
  WITH a WHERE a IS NOT NULL
  ${levels(hops, args.direction ?? "BOTH", others, q)}
  RETURN around
}
WITH a, [{node: a, d: 0}] + around AS members
WITH a, members, [m IN members | m.node] AS ns
${needed.edges ? DENSE_ENDS : ""}
RETURN {
  found: a IS NOT NULL,
  nodes: [m IN members | ${mapOf(needed.nodes, NODE_FIELDS)}],
  edges: ${needed.edges ? edgesCypher(mapOf(needed.edges, EDGE_FIELDS)) : "[]"}
} AS value`;
}
