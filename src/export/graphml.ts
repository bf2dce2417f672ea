/**
 * GraphML (the GraphML Primer's format, as Gephi, yEd, Cytoscape desktop, NetworkX and igraph read
 * it): a directed graph whose node and edge attributes are declared with `<key>`s: for nodes
 * label, kind, biolinkCategory and (when the subgraph has one) distance; for edges predicate,
 * score, level, claimCount, biolinkPredicate and the Biolink qualifiers (model/biolink.ts).
 * Deterministic: the subgraph's order, one line per element.
 */
import { biolinkCategory, biolinkEdges, type ExportSubgraph } from "./subgraph.js";

type AttrType = "string" | "int" | "double";

interface Key {
  id: string;
  for: "node" | "edge";
  name: string;
  type: AttrType;
}

const NODE_KEYS: Key[] = [
  { id: "label", for: "node", name: "label", type: "string" },
  { id: "kind", for: "node", name: "kind", type: "string" },
  { id: "biolinkCategory", for: "node", name: "biolinkCategory", type: "string" },
  { id: "distance", for: "node", name: "distance", type: "int" },
];

const QUALIFIERS = ["qualified_predicate", "object_aspect_qualifier", "object_direction_qualifier"] as const;

const EDGE_KEYS: Key[] = [
  { id: "predicate", for: "edge", name: "predicate", type: "string" },
  { id: "score", for: "edge", name: "score", type: "double" },
  { id: "level", for: "edge", name: "level", type: "string" },
  { id: "claimCount", for: "edge", name: "claimCount", type: "int" },
  { id: "biolinkPredicate", for: "edge", name: "biolinkPredicate", type: "string" },
  ...QUALIFIERS.map((q): Key => ({ id: q, for: "edge", name: q, type: "string" })),
];

/** XML 1.0 text: the five escapes, and characters XML cannot hold (C0 controls but tab and newlines) dropped. */
function xml(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

const data = (key: string, value: unknown) =>
  value === undefined || value === null ? "" : `<data key="${key}">${xml(String(value))}</data>`;

/** The subgraph as a GraphML document; `graphId` names its graph (e.g. "neighborhood-vagus-nerve"). */
export function toGraphml(g: ExportSubgraph, graphId: string): string {
  const biolink = biolinkEdges(g);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...[...NODE_KEYS, ...EDGE_KEYS].map(
      (k) => `  <key id="${k.id}" for="${k.for}" attr.name="${k.name}" attr.type="${k.type}"/>`,
    ),
    `  <graph id="${xml(graphId)}" edgedefault="directed">`,
  ];
  for (const n of g.nodes) {
    const values = [
      data("label", n.label),
      data("kind", n.kind),
      data("biolinkCategory", n.kind ? biolinkCategory(n) : undefined),
      data("distance", n.distance),
    ];
    lines.push(`    <node id="${xml(n.id)}">${values.join("")}</node>`);
  }
  for (const e of g.edges) {
    const b = biolink.get(e.id);
    const values = [
      data("predicate", e.predicate),
      data("score", e.score),
      data("level", e.level),
      data("claimCount", e.claimCount),
      data("biolinkPredicate", b?.predicate),
      ...QUALIFIERS.map((q) => data(q, b?.qualifiers[q])),
    ];
    lines.push(`    <edge id="${xml(e.id)}" source="${xml(e.source)}" target="${xml(e.target)}">${values.join("")}</edge>`);
  }
  lines.push("  </graph>", "</graphml>", "");
  return lines.join("\n");
}
