/**
 * Subgraphs for visualisations and exchange: an entity's neighbourhood, the union of the best
 * chains between two entities, and the whole graph (bounded), as nodes, edges and documents
 * (Cytoscape.js JSON, GraphML, KGX; written by export/*.ts, the same documents the /export/ routes
 * serve). Declared here; the Cypher is built by translate/neighborhood.ts and translate/export.ts.
 */
import { clientError } from "../errors.js";
import { toCytoscape } from "../export/cytoscape.js";
import { toGraphml } from "../export/graphml.js";
import { type KgxFiles, toKgx } from "../export/kgx.js";
import { biolinkCategory, DEFAULT_EXPORT_LIMITS, type ExportSubgraph, readChains, readGraph } from "../export/subgraph.js";
import { readTraversal } from "../graph/traversal-cache.js";
import type { EntityKind } from "../model/vocabulary.js";
import { CypherBuilder } from "../translate/cypher.js";
import { MAX_NEIGHBORHOOD_HOPS, neighborhoodCypher } from "../translate/neighborhood.js";
import { selectionOf } from "../translate/selection.js";
import { FANOUT } from "../translate/strongest.js";
import { builder } from "./builder.js";
import { chainSearchArgs } from "./chain.js";
import { DirectionEnum, EntityKindEnum, EvidenceLevelEnum, PredicateEnum, type Projected } from "./common.js";

export { DENSE_DEGREE, MAX_NEIGHBORHOOD_HOPS } from "../translate/neighborhood.js";

const GraphNodeRef = builder.objectRef<Projected>("GraphNode").implement({
  description: "A node of a subgraph, ready for a visualisation.",
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.id, description: "The entity id." }),
    label: t.string({ resolve: (p) => p.label, description: "The entity name, for display." }),
    kind: t.field({ type: EntityKindEnum, resolve: (p) => p.kind, description: "The entity kind." }),
    biolinkCategory: t.string({
      resolve: (p) => biolinkCategory({ kind: p.kind as EntityKind, categories: p.categories as string[] | null }),
      description: "Biolink category (Entity.biolinkCategory).",
    }),
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

/** Cytoscape.js: what to pass, exactly (the document is an options object's `elements` entry). */
const CYTOSCAPE_DESCRIPTION =
  "A Cytoscape.js elements document: { elements: { nodes: [{ data: { id, label, kind, biolinkCategory, distance } }], edges: [{ data: { id, source, target, predicate, label, score, level, biolinkPredicate } }] } }. Spread it into the options, cytoscape({ container, ...doc }), or pass its value, cytoscape({ container, elements: doc.elements }); cytoscape({ elements: doc }) would read the whole document as one element.";

const KgxFilesRef = builder.objectRef<KgxFiles>("KgxFiles").implement({
  description:
    "A subgraph in KGX, the Biolink community's exchange format: nodes and edges as TSV (multi-valued cells joined with |) and as JSON Lines; ids as CURIEs (the graph's own with the gbkg: prefix), Biolink categories, predicates and qualifiers, primary_knowledge_source infores:gut-brain-kg, knowledge_level, agent_type, publications (PMID, PMCID, DOI of the supporting works). Rows sorted by id.",
  fields: (t) => ({
    nodesTsv: t.exposeString("nodesTsv", { description: "nodes.tsv: a header row, then one node per row." }),
    edgesTsv: t.exposeString("edgesTsv", { description: "edges.tsv: a header row, then one edge per row." }),
    nodesJsonl: t.exposeString("nodesJsonl", { description: "nodes.jsonl: one JSON object per line." }),
    edgesJsonl: t.exposeString("edgesJsonl", { description: "edges.jsonl: one JSON object per line." }),
  }),
});

/** The name of a subgraph's documents (GraphML graph id), set by the field that read it. */
const exportName = (p: Projected) => String(p.exportName ?? "subgraph");

const SubgraphRef = builder.objectRef<Projected>("Subgraph").implement({
  description: "Nodes and edges ready for a visualisation library (Cytoscape.js, D3, Gephi), and as exchange documents.",
  fields: (t) => ({
    nodes: t.field({
      type: [GraphNodeRef],
      resolve: (p) => p.nodes,
      description: "Entities, nearest first, then by their strongest link (a chains subgraph: nearest the start, then by id).",
    }),
    edges: t.field({
      type: [GraphEdgeRef],
      resolve: (p) => p.edges,
      description: "Every mechanism link between the nodes (at most 1000); in a chains subgraph, the chains' links.",
    }),
    cytoscape: t.field({
      type: "JSON",
      resolve: (p) => toCytoscape(p as ExportSubgraph),
      description: CYTOSCAPE_DESCRIPTION,
    }),
    graphml: t.string({
      resolve: (p) => toGraphml(p as ExportSubgraph, exportName(p)),
      description:
        "The subgraph as GraphML (directed), its attributes declared with <key>s: nodes label, kind, biolinkCategory, distance; edges predicate, score, level, claimCount, biolinkPredicate and the Biolink qualifiers.",
    }),
    kgx: t.field({
      type: KgxFilesRef,
      resolve: (p) => toKgx(p as ExportSubgraph),
      description: "The subgraph as KGX files (TSV and JSON Lines).",
    }),
  }),
});

const GraphExportRef = builder.objectRef<Projected>("GraphExport").implement({
  description:
    "The whole graph as exchange documents, when it is within the export bound (KG_EXPORT_MAX_NODES, KG_EXPORT_MAX_EDGES).",
  fields: (t) => ({
    nodeCount: t.int({ resolve: (p) => p.nodeCount, description: "Entities in the graph." }),
    edgeCount: t.int({ resolve: (p) => p.edgeCount, description: "Mechanism links in the graph." }),
    cytoscape: t.field({ type: "JSON", resolve: (p) => toCytoscape(p as ExportSubgraph), description: CYTOSCAPE_DESCRIPTION }),
    graphml: t.string({
      resolve: (p) => toGraphml(p as ExportSubgraph, "graph"),
      description: "The whole graph as GraphML (as Subgraph.graphml, without distances).",
    }),
    kgx: t.field({ type: KgxFilesRef, resolve: (p) => toKgx(p as ExportSubgraph), description: "The whole graph as KGX files." }),
  }),
});

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
      return { ...row, exportName: `neighborhood-${args.id}` };
    },
  }),
  mechanismChainsSubgraph: t.field({
    type: SubgraphRef,
    args: chainSearchArgs,
    description:
      "The best chains from one entity to another (mechanismChains' search, bounds and order) as one subgraph: their entities (distance: fewest hops from `from` along them) and their links, for visualisations and exports. NOT_FOUND when either end does not exist; empty when they are not connected.",
    resolve: async (_root, args, ctx) => ({
      ...(await readChains(ctx, args)),
      exportName: `chains-${args.from}-to-${args.to}`,
    }),
  }),
  graphExport: t.field({
    type: GraphExportRef,
    // A whole-graph read: priced as a 10-hop traversal, so one fits an operation and five do not.
    complexity: 10_000,
    description: `The whole graph as exchange documents. Bounded: at most KG_EXPORT_MAX_NODES entities (default ${DEFAULT_EXPORT_LIMITS.nodes}) and KG_EXPORT_MAX_EDGES links (default ${DEFAULT_EXPORT_LIMITS.edges}); a larger graph is refused with EXPORT_TOO_LARGE, saying its size.`,
    resolve: (_root, _args, ctx) => readGraph(ctx, ctx.exportLimits),
  }),
}));
