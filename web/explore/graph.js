// The drawing: Cytoscape.js (served by this service), nodes coloured by kind, edges styled by
// predicate and as wide as their evidence score, a layout that keeps labels apart.
import cytoscape from "/assets/vendor/cytoscape.esm.min.mjs";

export const KIND_COLOURS = {
  ANATOMICAL_STRUCTURE: "#4e79a7",
  BODY_SYSTEM: "#76a5d6",
  BEHAVIOR: "#9c755f",
  BIOLOGICAL_PROCESS: "#59a14f",
  PHYSIOLOGICAL_PROCESS: "#8cd17d",
  CHEMICAL_ENTITY: "#f28e2b",
  INTERVENTION: "#e15759",
  SMALL_MOLECULE: "#edc948",
  PROTEIN: "#b6992d",
  MICROBIAL_COMMUNITY: "#499894",
  DISEASE: "#b07aa1",
  PHENOTYPE: "#ff9da7",
  FOOD: "#86bcb6",
};

/** Predicate families: colour, line style and arrow say what a link claims. */
export const PREDICATE_STYLES = [
  { name: "raises", predicates: ["INCREASES", "PRODUCES", "SOURCE_OF"], colour: "#c0392b", line: "solid", arrow: "triangle" },
  { name: "lowers / relieves", predicates: ["DECREASES", "PREVENTS", "TREATS"], colour: "#2366a8", line: "solid", arrow: "tee" },
  { name: "contributes to", predicates: ["CONTRIBUTES_TO"], colour: "#d35400", line: "solid", arrow: "triangle-backcurve" },
  {
    name: "regulates / signals",
    predicates: ["REGULATES", "COMMUNICATES_WITH"],
    colour: "#6c5ce7",
    line: "dashed",
    arrow: "diamond",
  },
  { name: "associated with", predicates: ["ASSOCIATED_WITH"], colour: "#7f8c8d", line: "dashed", arrow: "none" },
  { name: "contraindicated in", predicates: ["CONTRAINDICATED_IN"], colour: "#8e44ad", line: "solid", arrow: "square" },
  {
    name: "part / kind of (definitional)",
    predicates: ["HAS_PART", "PART_OF", "SUBCLASS_OF"],
    colour: "#a0a7b0",
    line: "dotted",
    arrow: "vee",
  },
];

const label = (text) => (text.length > 28 ? `${text.slice(0, 26)}…` : text);

function style() {
  const rules = [
    {
      selector: "node",
      style: {
        label: "data(short)",
        "font-size": 11,
        "font-family": "system-ui, sans-serif",
        color: "#1d2430",
        "text-valign": "bottom",
        "text-margin-y": 4,
        "text-wrap": "wrap",
        "text-max-width": 110,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 2,
        "text-background-shape": "roundrectangle",
        "background-color": "#999",
        "border-width": 1,
        "border-color": "#ffffff",
        width: 22,
        height: 22,
      },
    },
    {
      selector: "node[distance = 0]",
      style: { width: 34, height: 34, "border-width": 3, "border-color": "#1d2430", "font-weight": "bold" },
    },
    ...Object.entries(KIND_COLOURS).map(([kind, colour]) => ({
      selector: `node[kind = "${kind}"]`,
      style: { "background-color": colour },
    })),
    {
      selector: "edge",
      style: {
        width: "mapData(score, 0, 1, 1.2, 8)",
        "curve-style": "bezier",
        "line-color": "#999",
        "target-arrow-color": "#999",
        "arrow-scale": 0.9,
        opacity: 0.85,
      },
    },
    ...PREDICATE_STYLES.flatMap((family) =>
      family.predicates.map((predicate) => ({
        selector: `edge[predicate = "${predicate}"]`,
        style: {
          "line-color": family.colour,
          "target-arrow-color": family.colour,
          "line-style": family.line,
          "target-arrow-shape": family.arrow,
        },
      })),
    ),
    // A definition is not evidence: drawn thin whatever its (nominal) score of 1.
    { selector: 'edge[level = "DEFINITIONAL"]', style: { width: 1.5 } },
    { selector: ".faded", style: { opacity: 0.15 } },
    {
      selector: "edge.highlight",
      style: { opacity: 1, "underlay-color": "#f5b700", "underlay-opacity": 0.45, "underlay-padding": 4, "z-index": 10 },
    },
    { selector: "node.highlight", style: { "border-width": 3, "border-color": "#f5b700", "z-index": 10 } },
    {
      selector: "edge:selected, edge.selected",
      style: {
        label: "data(predicate)",
        "font-size": 10,
        "text-rotation": "autorotate",
        "text-background-color": "#fff",
        "text-background-opacity": 0.9,
        "underlay-color": "#1d2430",
        "underlay-opacity": 0.3,
        "underlay-padding": 4,
      },
    },
    { selector: "node:selected, node.selected", style: { "border-width": 4, "border-color": "#1d2430" } },
  ];
  return rules;
}

export function createGraph(container, handlers) {
  const cy = cytoscape({
    container,
    style: style(),
    minZoom: 0.2,
    maxZoom: 3,
    boxSelectionEnabled: false,
  });
  cy.on("tap", "node", (event) => handlers.onNode(event.target.id()));
  cy.on("tap", "edge", (event) => handlers.onEdge(event.target.id()));
  return cy;
}

/** Adds entities and links not yet drawn; returns how many nodes were new. */
export function merge(cy, nodes, edges) {
  const fresh = [];
  for (const node of nodes) {
    if (cy.getElementById(node.id).nonempty()) continue;
    fresh.push({ group: "nodes", data: { ...node, short: label(node.label) } });
  }
  cy.add(fresh);
  const freshEdges = edges
    .filter(
      (e) => cy.getElementById(e.id).empty() && cy.getElementById(e.source).nonempty() && cy.getElementById(e.target).nonempty(),
    )
    .map((e) => ({ group: "edges", data: e }));
  cy.add(freshEdges);
  return fresh.length;
}

/** A link from the API (with from/to entities) as a node pair and an edge for merge(). */
export function linkElements(link) {
  return {
    nodes: [link.from, link.to].map((e) => ({ id: e.id, label: e.name, kind: e.kind, distance: 9 })),
    edges: [
      {
        id: link.id,
        source: link.from.id,
        target: link.to.id,
        predicate: link.predicate,
        score: link.evidence?.score ?? 0,
        level: link.evidence?.level ?? "NONE_CITED",
      },
    ],
  };
}

/**
 * Rings by distance from the centre, then a force-directed pass that counts labels as part of
 * each node, so labels do not overlap. Deterministic: no random start.
 */
export function layout(cy, centreId) {
  const centre = cy.getElementById(centreId);
  const distanceOf = (n) => (n.id() === centreId ? 0 : Math.min(n.data("distance") ?? 3, 3));
  cy.layout({
    name: "concentric",
    concentric: (n) => 10 - distanceOf(n),
    levelWidth: () => 1,
    minNodeSpacing: 40,
    avoidOverlap: true,
    nodeDimensionsIncludeLabels: true,
    animate: false,
  }).run();
  if (cy.nodes().length > 2) {
    cy.layout({
      name: "cose",
      randomize: false,
      animate: false,
      nodeDimensionsIncludeLabels: true,
      nodeRepulsion: () => 120000,
      idealEdgeLength: () => 90,
      edgeElasticity: () => 60,
      gravity: 0.4,
      numIter: 1500,
      fit: false,
    }).run();
  }
  cy.fit(cy.elements(), 30);
  if (centre.nonempty() && cy.zoom() > 1.6) cy.zoom({ level: 1.6, position: centre.position() });
}

export function highlight(cy, elementIds) {
  cy.elements().removeClass("highlight faded");
  if (!elementIds?.length) return;
  const chosen = cy.collection();
  for (const id of elementIds) chosen.merge(cy.getElementById(id));
  const withEnds = chosen.union(chosen.connectedNodes());
  withEnds.addClass("highlight");
  cy.elements().difference(withEnds).addClass("faded");
}

export function select(cy, id) {
  cy.elements().removeClass("selected");
  if (id) cy.getElementById(id).addClass("selected");
}

export async function pngBlob(cy) {
  return cy.png({ output: "blob-promise", full: true, scale: 2, bg: "#ffffff" });
}

const xml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]);

/** The drawing as a standalone SVG: straight edges with arrow heads, circles, labels. */
export function svgText(cy) {
  const box = cy.elements().boundingBox({ includeLabels: true });
  const pad = 20;
  const parts = [];
  const families = new Map(PREDICATE_STYLES.flatMap((f) => f.predicates.map((p) => [p, f])));
  const markers = PREDICATE_STYLES.map(
    (f, i) =>
      `<marker id="arrow-${i}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${f.colour}"/></marker>`,
  );
  for (const edge of cy.edges()) {
    const s = edge.source().position();
    const t = edge.target().position();
    const family = families.get(edge.data("predicate")) ?? PREDICATE_STYLES[0];
    const index = PREDICATE_STYLES.indexOf(family);
    const dx = t.x - s.x;
    const dy = t.y - s.y;
    const length = Math.hypot(dx, dy) || 1;
    const r = edge.target().width() / 2 + 2;
    const end = { x: t.x - (dx / length) * r, y: t.y - (dy / length) * r };
    const dash = family.line === "dashed" ? ' stroke-dasharray="6 4"' : family.line === "dotted" ? ' stroke-dasharray="2 3"' : "";
    const width = edge.data("level") === "DEFINITIONAL" ? 1.5 : 1.2 + 6.8 * (edge.data("score") ?? 0);
    const marker = family.arrow === "none" ? "" : ` marker-end="url(#arrow-${index})"`;
    parts.push(
      `<line x1="${s.x.toFixed(1)}" y1="${s.y.toFixed(1)}" x2="${end.x.toFixed(1)}" y2="${end.y.toFixed(1)}" stroke="${family.colour}" stroke-width="${width.toFixed(2)}"${dash}${marker} opacity="0.85"><title>${xml(`${edge.source().data("label")} ${edge.data("predicate")} ${edge.target().data("label")} (score ${edge.data("score")})`)}</title></line>`,
    );
  }
  for (const node of cy.nodes()) {
    const p = node.position();
    const r = node.width() / 2;
    const fill = KIND_COLOURS[node.data("kind")] ?? "#999";
    parts.push(
      `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${r}" fill="${fill}" stroke="#ffffff"><title>${xml(`${node.data("label")} (${node.data("kind")})`)}</title></circle>`,
      `<text x="${p.x.toFixed(1)}" y="${(p.y + r + 13).toFixed(1)}" text-anchor="middle" font-family="system-ui, sans-serif" font-size="11" fill="#1d2430">${xml(node.data("short"))}</text>`,
    );
  }
  const width = box.w + 2 * pad;
  const height = box.h + 2 * pad;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="${(box.x1 - pad).toFixed(1)} ${(box.y1 - pad).toFixed(1)} ${width.toFixed(1)} ${height.toFixed(1)}">
<defs>${markers.join("")}</defs>
<rect x="${(box.x1 - pad).toFixed(1)}" y="${(box.y1 - pad).toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}" fill="#ffffff"/>
${parts.join("\n")}
</svg>
`;
}

/** The drawn elements as a Cytoscape.js elements document (what `cytoscape({ elements })` takes). */
export function viewJson(cy) {
  const strip = ({ short, ...data }) => data;
  return {
    elements: {
      nodes: cy.nodes().map((n) => ({ data: strip(n.data()), position: n.position() })),
      edges: cy.edges().map((e) => ({ data: e.data() })),
    },
  };
}
