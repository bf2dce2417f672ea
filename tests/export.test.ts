/**
 * Exports (src/export/, src/http/export-routes.ts), each format checked by a reader that is not
 * ours: GraphML by graphology-graphml (the graphology project's GraphML parser, on xmldom, which
 * here refuses a document that is not well-formed), compared node for node and edge for edge with
 * the GraphQL neighbourhood; Cytoscape.js JSON loaded into the real `cytoscape` package, headless;
 * KGX TSV and JSON Lines checked for the KGX columns and every category, predicate, qualifier and
 * enum value against the Biolink table (schema/biolink-model.json); the .tar.gz read back by
 * node-tar (not tar-stream, which wrote it). Then the routes: content types, file names, bounds and
 * error codes. Against a real Neo4j holding the seeded article.
 */
import fs from "node:fs";
import path from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import cytoscape from "cytoscape";
import { MultiDirectedGraph } from "graphology";
import { parse as parseGraphml } from "graphology-graphml";
import { Parser as TarParser } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toGraphml } from "../src/export/graphml.js";
import { toKgx } from "../src/export/kgx.js";
import type { ExportSubgraph } from "../src/export/subgraph.js";
import { EDGE_COLUMNS, MULTI_VALUE_SEPARATOR, MULTI_VALUED, NODE_COLUMNS, SERVICE_INFORES } from "../src/kgx/format.js";
import { biolinkEdge } from "../src/model/biolink.js";
import { ENTITY_KINDS, type EntityKind, type Predicate } from "../src/model/vocabulary.js";
import { gql, seedArticle, testDatabase, testServer } from "./helpers.js";

const db = testDatabase();
const server = testServer(db);

beforeAll(() => seedArticle(db));
afterAll(() => db.close());

const ROOT = path.resolve(import.meta.dirname, "..");
const table = JSON.parse(fs.readFileSync(path.join(ROOT, "schema/biolink-model.json"), "utf8")) as {
  classes: Array<{ name: string; abstract: boolean; mixin: boolean }>;
  predicates: Array<{ name: string; mixin: boolean; deprecated: boolean }>;
  enums: Record<string, string[]>;
  qualifiers: Record<string, { range: string }>;
};
const CLASSES = new Map(table.classes.map((c) => [c.name, c]));
const PREDICATES = new Map(table.predicates.map((p) => [p.name, p]));

type Row = Record<string, string>;

async function download(pathAndQuery: string, init: RequestInit = {}) {
  return server.fetch(`http://localhost${pathAndQuery}`, init);
}

/** GraphML through graphology-graphml, after xmldom has checked the document is well-formed. */
function readGraphml(text: string): ReturnType<typeof parseGraphml> {
  const problems: string[] = [];
  const document = new DOMParser({
    errorHandler: {
      warning: (m) => problems.push(String(m)),
      error: (m) => problems.push(String(m)),
      fatalError: (m) => problems.push(String(m)),
    },
  }).parseFromString(text, "application/xml");
  expect(problems, "the GraphML is well-formed XML").toEqual([]);
  expect(document.documentElement?.namespaceURI).toBe("http://graphml.graphdrawing.org/xmlns");
  // Every <data> names a declared <key> of its element's kind.
  const keys = new Map(
    Array.from(document.getElementsByTagName("key")).map((k) => [k.getAttribute("id"), k.getAttribute("for")] as const),
  );
  for (const d of Array.from(document.getElementsByTagName("data"))) {
    expect(keys.get(d.getAttribute("key")), `<data key="${d.getAttribute("key")}">`).toBe((d.parentNode as Element).tagName);
  }
  return parseGraphml(MultiDirectedGraph, text);
}

/** TSV as header + rows of cells; every row as wide as the header. */
function readTsv(text: string): { header: string[]; rows: Row[] } {
  expect(text.endsWith("\n")).toBe(true);
  const [head, ...lines] = text.slice(0, -1).split("\n");
  const header = String(head).split("\t");
  const rows = lines.map((line) => {
    const cells = line.split("\t");
    expect(cells.length, line).toBe(header.length);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
  return { header, rows };
}

/** A TSV row as the JSON Lines record it must equal: lists for multi-valued columns, empty cells left out. */
const asRecord = (row: Row) =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([, v]) => v !== "")
      .map(([k, v]) => [k, MULTI_VALUED.has(k) ? v.split(MULTI_VALUE_SEPARATOR) : v]),
  );

const readJsonl = (text: string) =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const sortedById = (rows: Row[]) => rows.map((r) => r.id).every((id, i, ids) => i === 0 || String(ids[i - 1]) < String(id));

/** The files of a .tar.gz, read by node-tar. */
async function untar(bytes: Uint8Array): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    const parser = new TarParser({
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on("data", (c: Buffer) => chunks.push(c));
        entry.on("end", () => files.set(entry.path, Buffer.concat(chunks).toString("utf8")));
      },
    });
    parser.on("end", () => resolve());
    parser.on("error", reject);
    parser.end(Buffer.from(bytes));
  });
  return files;
}

const NEIGHBORHOOD = `id: "magnesium", hops: 2, first: 40`;

describe("GraphML", () => {
  it("parses with graphology-graphml into the GraphQL neighbourhood, node for node and edge for edge", async () => {
    const r = await gql(
      server,
      `{ neighborhood(${NEIGHBORHOOD}) { nodes { id label kind biolinkCategory distance } edges { id source target predicate score level claimCount } graphml } }`,
    );
    expect(r.errors).toBeUndefined();
    const { nodes, edges, graphml } = r.data.neighborhood;
    expect(edges.length).toBeGreaterThan(10);
    const graph = readGraphml(graphml);
    expect(graph.type).toBe("directed");
    expect(graph.order).toBe(nodes.length);
    expect(graph.size).toBe(edges.length);
    const kinds = new Map<string, EntityKind>(nodes.map((n: { id: string; kind: EntityKind }) => [n.id, n.kind]));
    for (const n of nodes) {
      expect(graph.getNodeAttributes(n.id), n.id).toEqual({
        label: n.label,
        kind: n.kind,
        biolinkCategory: n.biolinkCategory,
        distance: n.distance,
      });
    }
    for (const e of edges) {
      expect(graph.hasEdge(e.id), e.id).toBe(true);
      expect([graph.source(e.id), graph.target(e.id)]).toEqual([e.source, e.target]);
      const b = biolinkEdge(e.predicate as Predicate, kinds.get(e.source) as EntityKind, kinds.get(e.target) as EntityKind);
      expect(graph.getEdgeAttributes(e.id), e.id).toEqual({
        predicate: e.predicate,
        score: e.score,
        level: e.level,
        claimCount: e.claimCount,
        biolinkPredicate: b.predicate,
        ...b.qualifiers,
      });
    }
    // The qualifiers reach the file: magnesium raises GABA is "causes increased activity_or_abundance".
    expect(graph.getEdgeAttributes("link:magnesium:INCREASES:gaba")).toMatchObject({
      biolinkPredicate: "biolink:affects",
      qualified_predicate: "biolink:causes",
      object_aspect_qualifier: "activity_or_abundance",
      object_direction_qualifier: "increased",
    });
    // The download is the same document.
    const http = await download("/export/neighborhood?id=magnesium&hops=2&first=40&format=graphml");
    expect(await http.text()).toBe(graphml);
  });

  it("escapes XML in names and keeps the document readable", () => {
    const g: ExportSubgraph = {
      nodes: [
        { id: "a", label: `Fish & "chips" <salty> 'n' \u0001`, kind: "FOOD", distance: 0 },
        { id: "b", label: "B", kind: "SMALL_MOLECULE", distance: 1 },
      ],
      edges: [
        { id: "link:a:SOURCE_OF:b", source: "a", target: "b", predicate: "SOURCE_OF", score: 0.5, level: "RCT", claimCount: 1 },
      ],
    };
    const graph = readGraphml(toGraphml(g, "test"));
    expect(graph.getNodeAttribute("a", "label")).toBe(`Fish & "chips" <salty> 'n' `);
    expect(graph.getEdgeAttribute("link:a:SOURCE_OF:b", "biolinkPredicate")).toBe("biolink:has_food_component");
  });

  it("exports the chains subgraph: the union of the chains mechanismChains returns", async () => {
    const args = `from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 5`;
    const r = await gql(
      server,
      `{ mechanismChains(${args}) { nodes { id } links { id } }
         mechanismChainsSubgraph(${args}) { nodes { id distance } edges { id } graphml } }`,
    );
    expect(r.errors).toBeUndefined();
    const chains = r.data.mechanismChains as Array<{ nodes: Array<{ id: string }>; links: Array<{ id: string }> }>;
    expect(chains.length).toBeGreaterThan(0);
    const nodeIds = new Set(chains.flatMap((c) => c.nodes.map((n) => n.id)));
    const linkIds = new Set(chains.flatMap((c) => c.links.map((l) => l.id)));
    const sub = r.data.mechanismChainsSubgraph;
    expect(new Set(sub.nodes.map((n: { id: string }) => n.id))).toEqual(nodeIds);
    expect(new Set(sub.edges.map((e: { id: string }) => e.id))).toEqual(linkIds);
    expect(sub.nodes[0]).toEqual({ id: "magnesium-glycinate", distance: 0 });
    const http = await download("/export/chains?from=magnesium-glycinate&to=anxiety&maxHops=4&first=5&format=graphml");
    expect(http.headers.get("content-disposition")).toBe('attachment; filename="chains-magnesium-glycinate-to-anxiety.graphml"');
    const graph = readGraphml(await http.text());
    expect(new Set(graph.nodes())).toEqual(nodeIds);
    expect(new Set(graph.edges())).toEqual(linkIds);
  });
});

describe("Cytoscape.js JSON", () => {
  it("renders every node and edge when spread into cytoscape()'s options, as the description says", async () => {
    const r = await gql(server, `{ neighborhood(${NEIGHBORHOOD}) { nodes { id } edges { id } cytoscape } }`);
    const { nodes, edges, cytoscape: fromGraphql } = r.data.neighborhood;
    const http = await download("/export/neighborhood?id=magnesium&hops=2&first=40&format=cytoscape");
    const doc = await http.json();
    expect(doc).toEqual(fromGraphql);
    const cy = cytoscape({ headless: true, ...doc });
    expect(cy.nodes().map((n) => n.id())).toEqual(nodes.map((n: { id: string }) => n.id));
    expect(cy.edges().map((e) => e.id())).toEqual(edges.map((e: { id: string }) => e.id));
    expect(cy.getElementById("gaba").data("biolinkCategory")).toBe("biolink:SmallMolecule");
    expect(cy.getElementById("link:magnesium:INCREASES:gaba").data("biolinkPredicate")).toBe("biolink:affects");
    // The old wording ("pass it to cytoscape({ elements }) as it is"), taken literally: one empty node.
    expect(cytoscape({ headless: true, elements: doc }).elements().length).toBe(1);
  });

  it("loads the whole graph", async () => {
    const doc = await (await download("/export/graph?format=cytoscape")).json();
    const counts = await db.read("MATCH (e:Entity) WITH count(e) AS n MATCH ()-[l:LINK]->() RETURN n, count(l) AS m");
    const cy = cytoscape({ headless: true, ...doc });
    expect(cy.nodes().length).toBe(counts.records[0]?.get("n").toNumber());
    expect(cy.edges().length).toBe(counts.records[0]?.get("m").toNumber());
  });
});

describe("KGX", () => {
  let nodes: { header: string[]; rows: Row[] };
  let edges: { header: string[]; rows: Row[] };
  let nodesText: string;
  let edgesText: string;

  beforeAll(async () => {
    nodesText = await (await download("/export/graph?format=kgx-nodes-tsv")).text();
    edgesText = await (await download("/export/graph?format=kgx-edges-tsv")).text();
    nodes = readTsv(nodesText);
    edges = readTsv(edgesText);
  });

  it("writes the KGX columns, one row per entity and per link, sorted by id", async () => {
    expect(nodes.header).toEqual([...NODE_COLUMNS]);
    expect(edges.header).toEqual([...EDGE_COLUMNS]);
    const counts = await db.read("MATCH (e:Entity) WITH count(e) AS n MATCH ()-[l:LINK]->() RETURN n, count(l) AS m");
    expect(nodes.rows.length).toBe(counts.records[0]?.get("n").toNumber());
    expect(edges.rows.length).toBe(counts.records[0]?.get("m").toNumber());
    expect(sortedById(nodes.rows)).toBe(true);
    expect(sortedById(edges.rows)).toBe(true);
    const ids = new Set(nodes.rows.map((n) => n.id));
    for (const n of nodes.rows) {
      expect(n.id).toMatch(/^gbkg:[a-z0-9-]+$/);
      expect(n.name).not.toBe("");
      expect(n.provided_by).toBe(SERVICE_INFORES);
    }
    for (const e of edges.rows) {
      expect(ids.has(e.subject) && ids.has(e.object), e.id).toBe(true);
      expect(e.primary_knowledge_source).toBe(SERVICE_INFORES);
    }
    const vagus = nodes.rows.find((n) => n.id === "gbkg:vagus-nerve");
    expect(vagus?.category).toBe(ENTITY_KINDS.ANATOMICAL_STRUCTURE.biolink);
    expect(vagus?.name).toMatch(/vagus/i);
    // Entities' own lists reach the file: synonyms and cross-references, as stored.
    const stored = await db.read(
      "MATCH (e:Entity) WHERE size(coalesce(e.xrefs, [])) > 0 RETURN e.id AS id, e.xrefs AS xrefs, coalesce(e.synonyms, []) AS synonyms LIMIT 1",
    );
    const withXrefs = stored.records[0];
    expect(withXrefs, "the seed has an entity with xrefs").toBeDefined();
    const row = nodes.rows.find((n) => n.id === `gbkg:${withXrefs?.get("id")}`);
    expect(row?.xref).toBe(withXrefs?.get("xrefs").join("|"));
    expect(row?.synonym).toBe(withXrefs?.get("synonyms").join("|"));
  });

  it("uses only Biolink names that exist in the model table: categories, predicates, qualifiers, enum values", () => {
    for (const n of nodes.rows) {
      for (const category of String(n.category).split(MULTI_VALUE_SEPARATOR)) {
        const c = CLASSES.get(category);
        expect(c, category).toBeDefined();
        expect(c?.abstract || c?.mixin, `${category} is concrete`).toBe(false);
      }
    }
    const qualifierColumns = EDGE_COLUMNS.filter((c) => c.endsWith("_qualifier") || c === "qualified_predicate");
    const used = new Set<string>();
    for (const e of edges.rows) {
      const p = PREDICATES.get(String(e.predicate));
      expect(p, e.predicate).toBeDefined();
      expect(p?.mixin || p?.deprecated, `${e.predicate} is usable on an edge`).toBe(false);
      for (const q of qualifierColumns) {
        if (e[q] === "") continue;
        used.add(q);
        const slot = table.qualifiers[q];
        expect(slot, `${q} is a qualifier of the table`).toBeDefined();
        if (slot?.range === "uriorcurie") expect(PREDICATES.has(e[q] as string), `${q} ${e[q]}`).toBe(true);
        else expect(table.enums[slot?.range as string], `${q} ${e[q]}`).toContain(e[q]);
      }
      expect(table.enums.KnowledgeLevelEnum).toContain(e.knowledge_level);
      expect(table.enums.AgentTypeEnum).toContain(e.agent_type);
    }
    expect([...used].sort()).toEqual(["object_aspect_qualifier", "object_direction_qualifier", "qualified_predicate"]);
  });

  it("matches biolinkEdge for every link, and says not_provided exactly for the evidence gaps", async () => {
    const links = await db.read(
      "MATCH (a)-[l:LINK]->(b) RETURN l.id AS id, l.predicate AS predicate, a.kind AS s, b.kind AS o, coalesce(l.level, 'NONE_CITED') AS level",
    );
    const byId = new Map(edges.rows.map((e) => [e.id, e]));
    for (const record of links.records) {
      const e = byId.get(record.get("id")) as Row;
      const b = biolinkEdge(record.get("predicate"), record.get("s"), record.get("o"));
      expect(e.predicate).toBe(b.predicate);
      expect(e.object_direction_qualifier).toBe(b.qualifiers.object_direction_qualifier ?? "");
      expect(e.object_aspect_qualifier).toBe(b.qualifiers.object_aspect_qualifier ?? "");
      expect(e.qualified_predicate).toBe(b.qualifiers.qualified_predicate ?? "");
      expect(e.knowledge_level).toBe(record.get("level") === "NONE_CITED" ? "not_provided" : "knowledge_assertion");
    }
  });

  it("lists publications from the supporting works' PMID, PMCID and DOI only, never the graph's study ids", () => {
    for (const e of edges.rows) {
      for (const p of e.publications ? e.publications.split(MULTI_VALUE_SEPARATOR) : []) {
        expect(p).toMatch(/^(PMID|PMCID|DOI):\S+$/);
      }
    }
    const row = (id: string) => edges.rows.find((e) => e.id === id) as Row;
    // Cited through the inline mention, whose record (reference 3, SAME_AS) carries the identifiers.
    expect(String(row("link:magnesium:DECREASES:anxiety").publications).split("|")).toEqual([
      "DOI:10.3390/nu9050429",
      "PMCID:PMC5452159",
      "PMID:28445426",
    ]);
    // The same review does not address depression: it is no publication for that link.
    expect(row("link:magnesium:DECREASES:depression").publications).not.toContain("28445426");
  });

  it("writes the same records as JSON Lines, and the same files again on a second export", async () => {
    const nodesJsonl = readJsonl(await (await download("/export/graph?format=kgx-nodes-jsonl")).text());
    const edgesJsonl = readJsonl(await (await download("/export/graph?format=kgx-edges-jsonl")).text());
    expect(nodesJsonl).toEqual(nodes.rows.map(asRecord));
    expect(edgesJsonl).toEqual(edges.rows.map(asRecord));
    expect(await (await download("/export/graph?format=kgx-nodes-tsv")).text()).toBe(nodesText);
    expect(await (await download("/export/graph?format=kgx-edges-tsv")).text()).toBe(edgesText);
    const r = await gql(server, "{ graphExport { nodeCount edgeCount kgx { nodesTsv edgesTsv } } }");
    expect(r.errors).toBeUndefined();
    expect(r.data.graphExport.kgx).toEqual({ nodesTsv: nodesText, edgesTsv: edgesText });
    expect(r.data.graphExport.nodeCount).toBe(nodes.rows.length);
  });

  it("archives nodes.tsv and edges.tsv as a .tar.gz that node-tar reads back, byte for byte the same each time", async () => {
    const first = new Uint8Array(await (await download("/export/graph?format=kgx-tar")).arrayBuffer());
    const again = new Uint8Array(await (await download("/export/graph?format=kgx-tar")).arrayBuffer());
    expect(Buffer.from(first).equals(Buffer.from(again))).toBe(true);
    const files = await untar(first);
    expect([...files.keys()]).toEqual(["nodes.tsv", "edges.tsv"]);
    expect(files.get("nodes.tsv")).toBe(nodesText);
    expect(files.get("edges.tsv")).toBe(edgesText);
  });

  it("keeps a TSV row on one line whatever the text holds", () => {
    const g: ExportSubgraph = {
      nodes: [{ id: "a", label: "A\tB", kind: "FOOD", description: "line one\nline two", synonyms: ["x", "y"], xrefs: [] }],
      edges: [],
    };
    const files = toKgx(g);
    const { rows } = readTsv(files.nodesTsv);
    expect(rows[0]).toMatchObject({ id: "gbkg:a", name: "A B", description: "line one line two", synonym: "x|y", xref: "" });
    expect(readJsonl(files.nodesJsonl)[0]).toMatchObject({ description: "line one\nline two", synonym: ["x", "y"] });
    expect(readJsonl(files.nodesJsonl)[0]).not.toHaveProperty("xref");
  });
});

describe("download routes", () => {
  const FORMATS: Array<[string, string, string]> = [
    ["cytoscape", "application/json; charset=utf-8", "neighborhood-vagus-nerve.cytoscape.json"],
    ["graphml", "application/graphml+xml; charset=utf-8", "neighborhood-vagus-nerve.graphml"],
    ["kgx-nodes-tsv", "text/tab-separated-values; charset=utf-8", "neighborhood-vagus-nerve_nodes.tsv"],
    ["kgx-edges-tsv", "text/tab-separated-values; charset=utf-8", "neighborhood-vagus-nerve_edges.tsv"],
    ["kgx-nodes-jsonl", "application/x-ndjson; charset=utf-8", "neighborhood-vagus-nerve_nodes.jsonl"],
    ["kgx-edges-jsonl", "application/x-ndjson; charset=utf-8", "neighborhood-vagus-nerve_edges.jsonl"],
    ["kgx-tar", "application/gzip", "neighborhood-vagus-nerve.tar.gz"],
  ];

  it("serves every format with its content type and an attachment file name", async () => {
    for (const [format, type, file] of FORMATS) {
      const r = await download(`/export/neighborhood?id=vagus-nerve&format=${format}`);
      expect(r.status, format).toBe(200);
      expect(r.headers.get("content-type"), format).toBe(type);
      expect(r.headers.get("content-disposition"), format).toBe(`attachment; filename="${file}"`);
      expect((await r.arrayBuffer()).byteLength, format).toBeGreaterThan(0);
    }
    const graph = await download("/export/graph?format=graphml");
    expect(graph.headers.get("content-disposition")).toBe('attachment; filename="graph.graphml"');
    const head = await download("/export/graph?format=kgx-nodes-tsv", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/tab-separated-values; charset=utf-8");
  });

  it("bounds a neighbourhood as the GraphQL field does: first counts the centre, hops 1..3", async () => {
    const g = readGraphml(await (await download("/export/neighborhood?id=magnesium&hops=3&first=7&format=graphml")).text());
    expect(g.order).toBe(7);
    const r = await gql(server, `{ neighborhood(id: "magnesium", hops: 3, first: 7) { nodes { id } } }`);
    expect(g.nodes()).toEqual(r.data.neighborhood.nodes.map((n: { id: string }) => n.id));
  });

  const REFUSALS: Array<[string, number, string, RegExp]> = [
    ["/export/neighborhood?id=magnesium&hops=4&format=graphml", 400, "BAD_USER_INPUT", /`hops` must be .* from 1 to 3/],
    ["/export/neighborhood?id=magnesium&hops=two&format=graphml", 400, "BAD_USER_INPUT", /`hops`/],
    ["/export/neighborhood?id=magnesium&first=101&format=graphml", 400, "BAD_USER_INPUT", /`first` must be .* from 1 to 100/],
    ["/export/neighborhood?id=magnesium&first=0&format=graphml", 400, "BAD_USER_INPUT", /`first`/],
    ["/export/neighborhood?format=graphml", 400, "BAD_USER_INPUT", /`id` is required/],
    ["/export/neighborhood?id=Not%20An%20Id&format=graphml", 400, "BAD_USER_INPUT", /`id` is not a valid entity id/],
    ["/export/neighborhood?id=magnesium&direction=UP&format=graphml", 400, "BAD_USER_INPUT", /`direction`/],
    ["/export/neighborhood?id=magnesium", 400, "BAD_USER_INPUT", /`format` is required/],
    ["/export/neighborhood?id=magnesium&format=gexf", 400, "BAD_USER_INPUT", /`format` must be one of cytoscape, graphml/],
    ["/export/neighborhood?id=no-such-entity&format=graphml", 404, "NOT_FOUND", /no-such-entity/],
    [
      "/export/chains?from=magnesium&to=anxiety&maxHops=7&format=graphml",
      400,
      "BAD_USER_INPUT",
      /`maxHops` must be .* from 1 to 6/,
    ],
    ["/export/chains?from=magnesium&format=graphml", 400, "BAD_USER_INPUT", /`to` is required/],
    ["/export/chains?from=magnesium&to=nowhere&format=kgx-edges-tsv", 404, "NOT_FOUND", /"nowhere"/],
    ["/export/everything?format=graphml", 404, "NOT_FOUND", /\/export\/neighborhood/],
  ];

  it("refuses bad requests with a stable code and a JSON error body, and no internals", async () => {
    for (const [url, status, code, message] of REFUSALS) {
      const r = await download(url);
      expect(r.status, url).toBe(status);
      expect(r.headers.get("content-type"), url).toMatch(/^application\/json/);
      const body = await r.json();
      expect(Object.keys(body), url).toEqual(["error"]);
      expect(body.error.code, url).toBe(code);
      expect(body.error.message, url).toMatch(message);
      expect(JSON.stringify(body), url).not.toMatch(/MATCH|Cypher|neo4j|stack|at .*\.ts/i);
    }
    const post = await download("/export/graph?format=graphml", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("refuses a whole-graph export beyond its bound, on both paths, with EXPORT_TOO_LARGE", async () => {
    const bounded = testServer(db, { KG_EXPORT_MAX_NODES: "10" });
    const r = await bounded.fetch("http://localhost/export/graph?format=kgx-tar");
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.code).toBe("EXPORT_TOO_LARGE");
    expect(body.error.message).toMatch(/at most 10 and 20000/);
    const q = await gql(bounded, "{ graphExport { graphml } }");
    expect(q.errors?.[0]?.extensions?.code).toBe("EXPORT_TOO_LARGE");
    // A neighbourhood is bounded by its own arguments, not by the whole-graph bound.
    expect((await bounded.fetch("http://localhost/export/neighborhood?id=magnesium&format=graphml")).status).toBe(200);
  });

  it("prices the whole-graph export: five in one operation are too costly", async () => {
    const fields = [1, 2, 3, 4, 5].map((i) => `g${i}: graphExport { nodeCount }`).join(" ");
    const r = await gql(server, `{ ${fields} }`);
    expect(r.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COSTLY");
  });
});
