/** Subgraphs for visualisations: an entity's neighbourhood as nodes, edges and Cytoscape.js JSON. */
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { FANOUT } from "../graph/strongest-links.js";
import { readTraversal } from "../graph/traversal-cache.js";
import { ENTITY_KINDS, type EntityKind } from "../model/vocabulary.js";
import { CypherBuilder, firstArg } from "../translate/projection.js";
import { childSelection, type FieldSelection, selectionOf } from "../translate/selection.js";
import { builder } from "./builder.js";
import { DirectionEnum, EntityKindEnum, EvidenceLevelEnum, PredicateEnum, type Projected } from "./common.js";
import { checkId } from "./ids.js";

export const MAX_NEIGHBORHOOD_HOPS = 3;
const MAX_EDGES = 1000;

/**
 * The links one level of the neighbourhood follows from an entity x, as rows (b, score, lid):
 * x's strongest FANOUT links each way, read from the strongest-link shortcuts
 * (strongest-links.ts), the same links a chain search follows. A hub thus costs at most FANOUT
 * reads per direction, not thousands; an entity with fewer links has them all followed.
 */
const FOLLOW_OUT = "WITH x MATCH (x)-[s:STRONGEST_OUT]->(b) RETURN b, s.score AS score, s.linkId AS lid";
const FOLLOW_IN = "WITH x MATCH (x)<-[s:STRONGEST_IN]-(b) RETURN b, s.score AS score, s.linkId AS lid";
const FOLLOW = { OUT: [FOLLOW_OUT], IN: [FOLLOW_IN], BOTH: [FOLLOW_OUT, FOLLOW_IN] } as const;

/** Entities with more links one way than this are dense: their links are found from the other end. */
export const DENSE_DEGREE = 200;

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
function levels(hops: number, direction: keyof typeof FOLLOW, room: string): string {
  let cypher = "WITH a, [a] AS seen, [a] AS frontier, [] AS around";
  for (let d = 1; d <= hops; d++) {
    cypher += `
CALL {
  WITH seen, frontier, around
  WITH seen, frontier, ${room} - size(around) AS left WHERE left > 0
  UNWIND frontier AS x
  CALL { ${FOLLOW[direction].join(" UNION ALL ")} }
  WITH b, score, lid, left WHERE NOT b IN seen
  WITH b, score, lid, left ORDER BY score DESC, lid
  WITH b, collect({score: score, lid: lid})[0] AS best, left
  ORDER BY best.score DESC, best.lid
  RETURN coalesce(collect(b)[0..max(left)], []) AS level
}
WITH a, seen + level AS seen, level AS frontier, around + [b IN level | {node: b, d: ${d}}] AS around`;
  }
  return cypher;
}
/** Cypher for each GraphNode field, over a member map m ({node, d}). */
const NODE_FIELDS: Record<string, string> = {
  id: "m.node.id",
  label: "m.node.name",
  kind: "m.node.kind",
  distance: "m.d",
};
/** Cypher for each GraphEdge field, over a LINK l. */
const EDGE_FIELDS: Record<string, string> = {
  id: "l.id",
  source: "startNode(l).id",
  target: "endNode(l).id",
  predicate: "l.predicate",
  score: "coalesce(l.score, 0.0)",
  level: "coalesce(l.level, 'NONE_CITED')",
  claimCount: "size(coalesce(l.claimIds, []))",
};
/** What `cytoscape` reads (toCytoscape). */
const CYTOSCAPE_NEEDS = {
  nodes: ["id", "label", "kind", "distance"],
  edges: ["id", "source", "target", "predicate", "score", "level"],
};

/**
 * The node and edge fields a request needs, so that a query for ids does not read every link's
 * ends and evidence; null for edges when neither edges nor cytoscape are asked for (then the links
 * among the nodes are not looked up at all).
 */
function neededFields(fields: readonly FieldSelection[]): { nodes: string[]; edges: string[] | null } {
  const names = (type: string, field: string) => childSelection(fields, field, type).map((f) => f.name);
  const cytoscape = fields.some((f) => f.name === "cytoscape");
  const nodes = new Set(["id", ...names("GraphNode", "nodes"), ...(cytoscape ? CYTOSCAPE_NEEDS.nodes : [])]);
  if (nodes.has("biolinkCategory")) nodes.add("kind");
  const edgesAsked = cytoscape || fields.some((f) => f.name === "edges");
  const edges = new Set(["id", ...names("GraphEdge", "edges"), ...(cytoscape ? CYTOSCAPE_NEEDS.edges : [])]);
  return {
    nodes: [...nodes].filter((n) => n in NODE_FIELDS),
    edges: edgesAsked ? [...edges].filter((e) => e in EDGE_FIELDS) : null,
  };
}

const mapOf = (keys: string[], table: Record<string, string>) => `{${keys.map((k) => `${k}: ${table[k]}`).join(", ")}}`;

const GraphNodeRef = builder.objectRef<Projected>("GraphNode").implement({
  description: "A node of a subgraph, ready for a visualisation.",
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.id, description: "The entity id." }),
    label: t.string({ resolve: (p) => p.label, description: "The entity name, for display." }),
    kind: t.field({ type: EntityKindEnum, resolve: (p) => p.kind, description: "The entity kind." }),
    biolinkCategory: t.string({ resolve: (p) => ENTITY_KINDS[p.kind as EntityKind].biolink, description: "Biolink category." }),
    distance: t.int({ resolve: (p) => p.distance, description: "Hops from the centre (0 for the centre)." }),
  }),
});

const GraphEdgeRef = builder.objectRef<Projected>("GraphEdge").implement({
  description: "An edge of a subgraph: one mechanism link.",
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.id, description: "The link id." }),
    source: t.id({ resolve: (p) => p.source, description: "Id of the subject entity." }),
    target: t.id({ resolve: (p) => p.target, description: "Id of the object entity." }),
    predicate: t.field({ type: PredicateEnum, resolve: (p) => p.predicate, description: "The relation." }),
    score: t.float({ resolve: (p) => p.score, description: "The link's evidence score (0..1)." }),
    level: t.field({ type: EvidenceLevelEnum, resolve: (p) => p.level, description: "The link's evidence level." }),
    claimCount: t.int({ resolve: (p) => p.claimCount, description: "How many claims assert the link." }),
  }),
});

const SubgraphRef = builder.objectRef<Projected>("Subgraph").implement({
  description: "Nodes and edges ready for a visualisation library (Cytoscape.js, D3, Gephi).",
  fields: (t) => ({
    nodes: t.field({
      type: [GraphNodeRef],
      resolve: (p) => p.nodes,
      description: "Entities, nearest first, then by their strongest link.",
    }),
    edges: t.field({
      type: [GraphEdgeRef],
      resolve: (p) => p.edges,
      description: "Every mechanism link between the nodes (at most 1000).",
    }),
    cytoscape: t.field({
      type: "JSON",
      resolve: (p) => toCytoscape(p.nodes, p.edges),
      description:
        "A Cytoscape.js elements document: { elements: { nodes: [{ data: { id, label, kind, distance } }], edges: [{ data: { id, source, target, predicate, label, score, level } }] } }. Pass it to cytoscape({ elements }) as it is.",
    }),
  }),
});

export function toCytoscape(nodes: Projected[], edges: Projected[]) {
  return {
    elements: {
      nodes: nodes.map((n) => ({ data: { id: n.id, label: n.label, kind: n.kind, distance: n.distance } })),
      edges: edges.map((e) => ({
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          predicate: e.predicate,
          label: e.predicate,
          score: e.score,
          level: e.level,
        },
      })),
    },
  };
}

builder.queryFields((t) => ({
  neighborhood: t.field({
    type: SubgraphRef,
    args: {
      id: t.arg.id({ required: true, description: "The centre entity." }),
      hops: t.arg.int({ required: false, defaultValue: 1, description: `How far out, 1..${MAX_NEIGHBORHOOD_HOPS}.` }),
      direction: t.arg({ type: DirectionEnum, required: false, defaultValue: "BOTH", description: "Which links to follow." }),
      first: t.arg.int({
        required: false,
        defaultValue: 50,
        description: "At most this many nodes, centre included (1..100): nearest first, then strongest link first.",
      }),
    },
    description: `The entities around one entity and every link between them, for visualisations. Found breadth first along each entity's ${FANOUT} strongest links each way (all of them for entities with fewer), strongest first within each distance. NOT_FOUND for an unknown id.`,
    resolve: async (_root, args, ctx, info) => {
      const hops = args.hops ?? 1;
      if (!Number.isInteger(hops) || hops < 1 || hops > MAX_NEIGHBORHOOD_HOPS) {
        throw clientError("BAD_USER_INPUT", `\`hops\` must be a whole number from 1 to ${MAX_NEIGHBORHOOD_HOPS}.`, {
          argument: "hops",
        });
      }
      const q = new CypherBuilder();
      const centre = q.param(checkId("entity", args.id));
      const others = q.param(int(firstArg(args.first, 50) - 1));
      const direction = (args.direction ?? "BOTH") as keyof typeof FOLLOW;
      const needed = neededFields(selectionOf(info).get("Subgraph") ?? []);
      const cypher = `OPTIONAL MATCH (a:Entity {id: ${centre}})
CALL {
  WITH a
  WITH a WHERE a IS NOT NULL
  ${levels(hops, direction, others)}
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
      const row = await readTraversal(ctx, cypher, q);
      if (!row?.found) {
        throw clientError("NOT_FOUND", `No entity with id "${args.id}".`, { ids: [args.id] });
      }
      return row;
    },
  }),
}));

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
