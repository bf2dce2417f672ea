/**
 * Neighbourhoods on a graph with dense entities (more links one way than DENSE_DEGREE, and more
 * than FANOUT): nodes are the strongest neighbours, level by level, and edges are exactly the
 * links among the chosen nodes, whichever end of a link is dense.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importBundle } from "../src/graph/import.js";
import { FANOUT } from "../src/graph/strongest-links.js";
import { linkId } from "../src/model/vocabulary.js";
import { DENSE_DEGREE } from "../src/schema/subgraph.js";
import { clearGraph, gql, testDatabase, testServer } from "./helpers.js";

const db = testDatabase();
const server = testServer(db);
const SOURCE = "source:dense-test";
const N = DENSE_DEGREE + 10;
const pad = (k: number) => String(k).padStart(3, "0");
const OUT = Array.from({ length: N }, (_, k) => `out-${pad(k)}`); // hub -> out-k
const IN = Array.from({ length: N }, (_, k) => `in-${pad(k)}`); // in-k -> sink
const link = (from: string, to: string, k: number, evidence: boolean) => ({
  id: `claim:${from}-${to}`,
  statement: `${from} raises ${to} (test ${k}).`,
  about: [from, to],
  links: [{ from, predicate: "INCREASES", to }],
  statedIn: [{ source: SOURCE, locator: `item ${k}` }],
  evidence: evidence ? [{ study: k % 3 ? "study:dense-rct" : "study:dense-cohort", stance: "SUPPORTS" }] : [],
});

beforeAll(async () => {
  await clearGraph(db);
  await importBundle(
    db,
    {
      sources: [{ id: SOURCE, title: "A dense-graph test source", kind: "test" }],
      studies: [
        { id: "study:dense-rct", design: "RCT" },
        { id: "study:dense-cohort", design: "COHORT" },
      ],
      entities: ["hub", "sink", ...OUT, ...IN].map((id) => ({ id, name: id, kind: "PHENOTYPE" })),
      claims: [
        // Every seventh link has evidence (two strengths), so strongest-first is not id order.
        ...OUT.map((to, k) => link("hub", to, k, k % 7 === 3)),
        ...IN.map((from, k) => link(from, "sink", k, k % 7 === 5)),
        link("hub", "sink", 1000, true), // dense -> dense
        link("sink", "hub", 1001, false),
        link("out-003", "out-010", 1002, true), // among the hub's neighbours
        link("in-005", "hub", 1003, true),
        link("out-010", "in-012", 1004, false), // a second hop from the hub
      ],
    },
    { actor: "test" },
  );
});
afterAll(() => db.close());

const NEIGHBORHOOD = `query N($id: ID!, $hops: Int, $direction: Direction, $first: Int) {
  neighborhood(id: $id, hops: $hops, direction: $direction, first: $first) { nodes { id distance } edges { id source target } }
}`;

async function neighborhood(variables: Record<string, unknown>) {
  const r = await gql(server, NEIGHBORHOOD, variables);
  expect(r.errors).toBeUndefined();
  return r.data.neighborhood as { nodes: Array<{ id: string; distance: number }>; edges: Array<{ id: string }> };
}

/** Every link among `ids`, read the plain way. */
async function linksAmong(ids: string[]): Promise<string[]> {
  const result = await db.read(
    "MATCH (x:Entity)-[l:LINK]->(y:Entity) WHERE x.id IN $ids AND y.id IN $ids RETURN l.id AS id ORDER BY id",
    { ids },
  );
  return result.records.map((r) => r.get("id") as string);
}

/** One entity's neighbours one way, strongest link first (score, then link id), from all its links. */
async function strongestNeighbours(id: string, direction: "OUT" | "IN"): Promise<string[]> {
  const pattern = direction === "OUT" ? "(e)-[l:LINK]->(b)" : "(e)<-[l:LINK]-(b)";
  const result = await db.read(
    `MATCH (e:Entity {id: $id}) MATCH ${pattern} RETURN b.id AS b ORDER BY coalesce(l.score, 0.0) DESC, l.id`,
    { id },
  );
  return result.records.map((r) => r.get("b") as string);
}

describe("neighbourhood of a dense entity", () => {
  it("chooses the strongest neighbours, not the first by id", async () => {
    const { nodes } = await neighborhood({ id: "hub", hops: 1, direction: "OUT", first: 20 });
    const expected = (await strongestNeighbours("hub", "OUT")).slice(0, 19);
    expect(nodes.map((n) => n.id)).toEqual(["hub", ...expected]);
    expect(expected.slice(0, 5)).not.toEqual(OUT.slice(0, 5));
  });

  it("returns the centre alone when asked for one node", async () => {
    const { nodes, edges } = await neighborhood({ id: "hub", hops: 3, direction: "BOTH", first: 1 });
    expect(nodes).toEqual([{ id: "hub", distance: 0 }]);
    expect(edges).toEqual([]);
  });

  it("returns every link among the chosen nodes, whichever end is dense", async () => {
    for (const variables of [
      { id: "hub", hops: 1, direction: "BOTH", first: 50 },
      { id: "sink", hops: 1, direction: "BOTH", first: 50 },
      { id: "sink", hops: 2, direction: "IN", first: 100 },
      { id: "out-010", hops: 2, direction: "BOTH", first: 100 },
    ]) {
      const { nodes, edges } = await neighborhood(variables);
      const ids = nodes.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(
        edges.map((e) => e.id),
        JSON.stringify(variables),
      ).toEqual(await linksAmong(ids));
    }
  });

  it("goes breadth first, and follows a hub's FANOUT strongest links each way", async () => {
    const { nodes } = await neighborhood({ id: "out-010", hops: 2, direction: "BOTH", first: 100 });
    const distances = nodes.map((n) => n.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(nodes.filter((n) => n.distance === 1).map((n) => n.id)).toEqual(expect.arrayContaining(["hub", "out-003", "in-012"]));
    // At two hops through the hub: its FANOUT strongest links out and in, no more.
    const viaHub = nodes.filter((n) => n.distance === 2).map((n) => n.id);
    const hubOut = (await strongestNeighbours("hub", "OUT")).slice(0, FANOUT);
    const hubIn = (await strongestNeighbours("hub", "IN")).slice(0, FANOUT);
    for (const id of viaHub) expect(hubOut.includes(id) || hubIn.includes(id) || id === "in-012").toBe(true);
    expect(viaHub.length).toBeGreaterThan(FANOUT - 5);
  });

  // Runs last: it adds links into the sink.
  it("finds a link between two dense entities from whichever end has fewer links", async () => {
    const hubToSink = linkId("hub", "INCREASES", "sink");
    const edgesAroundHub = async () => {
      const { nodes, edges } = await neighborhood({ id: "hub", hops: 1, direction: "BOTH", first: 50 });
      const ids = nodes.map((n) => n.id);
      expect(ids).toContain("sink");
      expect(edges.map((e) => e.id)).toEqual(await linksAmong(ids));
      return edges.map((e) => e.id);
    };
    // The sink has as many links in as the hub has out: the link is looked up from the sink.
    expect(await edgesAroundHub()).toContain(hubToSink);
    // Three more links into the sink make it the denser end: now it is looked up from the hub.
    const extra = ["extra-0", "extra-1", "extra-2"];
    await importBundle(
      db,
      {
        entities: extra.map((id) => ({ id, name: id, kind: "PHENOTYPE" })),
        claims: extra.map((id, k) => link(id, "sink", 2000 + k, false)),
      },
      { actor: "test" },
    );
    expect(await edgesAroundHub()).toContain(hubToSink);
  });
});
