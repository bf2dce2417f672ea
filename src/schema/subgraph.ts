/**
 * Subgraphs for visualisations: an entity's neighbourhood as nodes, edges and Cytoscape.js JSON.
 * Declared here; the Cypher is built by translate/neighborhood.ts.
 */
import { clientError } from "../errors.js";
import { readTraversal } from "../graph/traversal-cache.js";
import { ENTITY_KINDS, type EntityKind } from "../model/vocabulary.js";
import { CypherBuilder } from "../translate/cypher.js";
import { MAX_NEIGHBORHOOD_HOPS, neighborhoodCypher } from "../translate/neighborhood.js";
import { selectionOf } from "../translate/selection.js";
import { FANOUT } from "../translate/strongest.js";
import { builder } from "./builder.js";
import { DirectionEnum, EntityKindEnum, EvidenceLevelEnum, PredicateEnum, type Projected } from "./common.js";

export { DENSE_DEGREE, MAX_NEIGHBORHOOD_HOPS } from "../translate/neighborhood.js";

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
      const q = new CypherBuilder();
      const row = await readTraversal(ctx, neighborhoodCypher(selectionOf(info).get("Subgraph") ?? [], args, q), q);
      if (!row?.found) {
        throw clientError("NOT_FOUND", `No entity with id "${args.id}".`, { ids: [args.id] });
      }
      return row;
    },
  }),
}));
