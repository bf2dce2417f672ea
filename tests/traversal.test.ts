/**
 * What makes chain searches fast must not make them wrong: the strongest-link shortcuts follow
 * every write (re-scored, new and deleted links), a hub's weak links are really left out of the
 * beam, and the traversal cache never serves an answer the graph no longer gives, whichever
 * process wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importBundle } from "../src/graph/import.js";
import { ensureStrongestLinks, FANOUT } from "../src/graph/strongest-links.js";
import { clearGraph, expectStrongestLinksConsistent, gql, testDatabase, testServer } from "./helpers.js";

const db = testDatabase();
const SECRET = "s3cret-token-for-traversal-tests";
const AUTH = { authorization: `Bearer ${SECRET}` };
const SOURCE = "source:hub-test";
const pad = (k: number) => String(k).padStart(2, "0");
// FANOUT + 5 targets: all links unscored at first, so ties break on id and t40..t44 fall out.
const TARGETS = Array.from({ length: FANOUT + 5 }, (_, k) => `t${pad(k)}`);
const claimFor = (k: number, to = TARGETS[k] as string) => ({
  id: `claim:hub-${pad(k)}`,
  statement: `The hub raises target ${k} (test).`,
  about: ["hub"],
  links: [{ from: "hub", predicate: "INCREASES", to }],
  statedIn: [{ source: SOURCE, locator: `item ${k}` }],
});
const CHAIN = `{ mechanismChains(from: "hub", to: "goal", maxHops: 2) { hops score nodes { id } } }`;

beforeAll(async () => {
  await clearGraph(db);
  await importBundle(
    db,
    {
      sources: [{ id: SOURCE, title: "A hub test source", kind: "test" }],
      studies: [{ id: "study:hub-rct", design: "RCT" }],
      entities: [
        { id: "hub", name: "Hub", kind: "PHENOTYPE" },
        { id: "goal", name: "Goal", kind: "PHENOTYPE" },
        ...TARGETS.map((id) => ({ id, name: `Target ${id}`, kind: "PHENOTYPE" })),
      ],
      claims: [
        ...TARGETS.map((_, k) => claimFor(k)),
        {
          id: "claim:t42-goal",
          statement: "Target 42 raises the goal (test).",
          about: ["t42", "goal"],
          links: [{ from: "t42", predicate: "INCREASES", to: "goal" }],
          statedIn: [{ source: SOURCE, locator: "goal" }],
          evidence: [{ study: "study:hub-rct", stance: "SUPPORTS" }],
        },
      ],
    },
    { actor: "test" },
  );
});
afterAll(() => db.close());

async function shortcutsOf(id: string): Promise<string[]> {
  const result = await db.read("MATCH (:Entity {id: $id})-[s:STRONGEST_OUT]->(m) RETURN m.id AS to ORDER BY s.rank", { id });
  return result.records.map((r) => r.get("to") as string);
}

describe("strongest-link shortcuts", () => {
  it("keep a hub's FANOUT strongest links, ties broken by id", async () => {
    expect(await shortcutsOf("hub")).toEqual(TARGETS.slice(0, FANOUT));
    expect(await expectStrongestLinksConsistent(db)).toBeGreaterThan(FANOUT);
  });

  it("leave a hub's weak links out of the beam, and let them in once evidence makes them strong", async () => {
    const server = testServer(db, { KG_API_TOKENS: `alice:${SECRET}` });
    const before = await gql(server, CHAIN);
    expect(before.errors).toBeUndefined();
    expect(before.data.mechanismChains).toEqual([]); // hub -> t42 is not among the hub's 40 strongest

    const added = await gql(
      server,
      `mutation { addEvidence(claim: "claim:hub-42", study: "study:hub-rct", stance: SUPPORTS) { evidenceSummary { score } } }`,
      {},
      AUTH,
    );
    expect(added.errors).toBeUndefined();
    expect((await shortcutsOf("hub"))[0]).toBe("t42"); // now the strongest, pushing t39 out
    await expectStrongestLinksConsistent(db);

    const after = await gql(server, CHAIN);
    expect(after.data.mechanismChains).toEqual([
      { hops: 2, score: 0.5625, nodes: [{ id: "hub" }, { id: "t42" }, { id: "goal" }] },
    ]);
  });

  it("drop a deleted link's shortcut and promote the next one", async () => {
    // claim:hub-00 now asserts hub -> goal: no claim asserts hub -> t00 any more, so that LINK goes.
    await importBundle(db, { claims: [claimFor(0, "goal")] }, { actor: "test" });
    const shortcuts = await shortcutsOf("hub");
    expect(shortcuts).not.toContain("t00");
    expect(shortcuts).toContain("goal");
    await expectStrongestLinksConsistent(db);
  });

  it("serve an entity's strongest links in the same order as ranking all of them", async () => {
    // first <= FANOUT reads the shortcuts; first > FANOUT ranks every link: the heads must agree.
    const r = await gql(
      testServer(db),
      `{ entity(id: "hub") { top: outgoing(first: ${FANOUT}) { id evidence { score } } all: outgoing(first: ${FANOUT + 5}) { id } } }`,
    );
    expect(r.errors).toBeUndefined();
    const top = r.data.entity.top.map((l: { id: string }) => l.id);
    expect(top).toHaveLength(FANOUT);
    expect(top).toEqual(r.data.entity.all.slice(0, FANOUT).map((l: { id: string }) => l.id));
    expect(r.data.entity.top[0].evidence.score).toBeGreaterThan(0);
  });

  it("are rebuilt for a graph that lacks them", async () => {
    await db.write((tx) => tx.run("MATCH ()-[s:STRONGEST_OUT|STRONGEST_IN]->() DELETE s"));
    expect(await ensureStrongestLinks(db)).toBe(TARGETS.length + 1); // every entity with links (t00 has none now; t42 has both)
    await expectStrongestLinksConsistent(db);
    expect(await ensureStrongestLinks(db)).toBe(0); // and nothing to do a second time
  });
});

describe("traversal cache", () => {
  it("answers a repeated traversal with one version check, and sees writes from anywhere", async () => {
    const server = testServer(db, { KG_API_TOKENS: `alice:${SECRET}` });
    const first = await gql(server, CHAIN);
    const again = await gql(server, CHAIN);
    expect(again.data).toEqual(first.data);
    expect(first.extensions?.cypherQueries).toBe(1); // the search, which reads the version with it
    expect(again.extensions?.cypherQueries).toBe(1); // the version check only

    // A write that does not go through this server (as `npm run seed` would) still counts.
    await importBundle(
      db,
      { claims: [{ ...claimFor(1, "goal"), evidence: [{ study: "study:hub-rct", stance: "SUPPORTS" }] }] },
      { actor: "test" },
    );
    const fresh = await gql(server, CHAIN);
    expect(fresh.extensions?.cypherQueries).toBe(2); // the version check finds the entry stale, then the search
    expect(fresh.data.mechanismChains[0]).toEqual({ hops: 1, score: 0.75, nodes: [{ id: "hub" }, { id: "goal" }] });
    expect(fresh.data).not.toEqual(first.data);
  });

  it("finds an entry stored by a first search stale after a write", async () => {
    // The entry's token comes from the traversal's own snapshot: after a write, the next request
    // must not be a hit even though no version check preceded the first search.
    const server = testServer(db);
    const first = await gql(server, CHAIN);
    await importBundle(db, { claims: [claimFor(2, "goal")] }, { actor: "test" });
    const next = await gql(server, CHAIN);
    expect(next.extensions?.cypherQueries).toBe(2);
    expect(next.data).toEqual(first.data); // hub -> goal gains a claim, but no score: same chains
  });

  it("refuses a bad size setting with a clear error", async () => {
    const { loadConfig } = await import("../src/config.js");
    for (const bad of ["-1", "lots", "1000001"]) {
      expect(() => loadConfig({ ...process.env, KG_TRAVERSAL_CACHE_ENTRIES: bad })).toThrow(/KG_TRAVERSAL_CACHE_ENTRIES/);
    }
  });

  it("can be switched off", async () => {
    const server = testServer(db, { KG_TRAVERSAL_CACHE_ENTRIES: "0" });
    await gql(server, CHAIN);
    expect((await gql(server, CHAIN)).extensions?.cypherQueries).toBe(1);
  });
});
