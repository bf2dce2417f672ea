/**
 * Cytoscape.js JSON: `{ elements: { nodes: [{ data }], edges: [{ data }] } }`. The document is the
 * options object's `elements` key with its value, so it is spread into the options:
 * `cytoscape({ container, ...doc })`, or its value passed: `cytoscape({ container, elements:
 * doc.elements })`. `cytoscape({ elements: doc })` would read the whole document as one element
 * (a single node with no data), which is what "pass it as it is" used to produce.
 */
import { biolinkCategory, biolinkEdges, type ExportSubgraph } from "./subgraph.js";

export interface CytoscapeDocument {
  elements: {
    nodes: Array<{ data: Record<string, unknown> }>;
    edges: Array<{ data: Record<string, unknown> }>;
  };
}

/** The subgraph as a Cytoscape.js elements document (fields a subgraph lacks are left out). */
export function toCytoscape(g: ExportSubgraph): CytoscapeDocument {
  const biolink = biolinkEdges(g);
  return {
    elements: {
      nodes: g.nodes.map((n) => ({
        data: {
          id: n.id,
          label: n.label,
          kind: n.kind,
          biolinkCategory: n.kind ? biolinkCategory(n) : undefined,
          distance: n.distance ?? undefined,
        },
      })),
      edges: g.edges.map((e) => ({
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          predicate: e.predicate,
          label: e.predicate,
          score: e.score,
          level: e.level,
          biolinkPredicate: biolink.get(e.id)?.predicate,
        },
      })),
    },
  };
}
