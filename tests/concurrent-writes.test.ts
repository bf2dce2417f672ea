/**
 * Writes under concurrency: writers on the same hub entity and the one source neither fail
 * with an internal error nor lose or duplicate what they acknowledged, and every report counts
 * what its own transaction did. States only, never durations.
 */
import { type ManagedTransaction, Neo4jError } from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPlain } from "../src/db/database.js";
import { fromDriverError } from "../src/errors.js";
import { lockRecords } from "../src/graph/write/common.js";
import { evidenceOf, writeEvidence } from "../src/graph/write/evidence.js";
import { expectStrongestLinksConsistent, gql, seedArticle, testDatabase, testServer } from "./helpers.js";

const SECRET = "s3cret-token-for-concurrency-01";
const AUTH = { authorization: `Bearer ${SECRET}` };
const SOURCE = "source:mg-glycinate-gut-brain";
const db = testDatabase();
const server = () => testServer(db, { KG_API_TOKENS: `carol:${SECRET}` });

beforeAll(() => seedArticle(db));
afterAll(() => db.close());

const CREATE_CLAIM = `mutation($input: ClaimInput!) { createClaim(input: $input) { id } }`;
const UPSERT_ENTITY = `mutation($input: EntityInput!) { upsertEntity(input: $input) { id } }`;
const IMPORT = `mutation($b: JSON!) { importBundle(bundle: $b) { created { entities claims links } updated { entities claims } unchanged { entities claims } } }`;

const count = async (cypher: string, params: Record<string, unknown>) =>
  Number((await db.read(cypher, params)).records[0]?.get("n"));

describe("writers on one hub and the one source", () => {
  it("answer without internal errors, and every acknowledged write is there exactly once", async () => {
    const app = server();
    const writers = 16;
    // Each writer: its own entity, then claims about two hubs (in both orders across writers)
    // and its entity, stated in the one source, asserting a link from its entity to a hub.
    const results = await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const own = `test-cc-w${w}`;
        const out: Array<{ id: string; code?: unknown }> = [];
        const entity = await gql(app, UPSERT_ENTITY, { input: { id: own, name: `Writer ${w}`, kind: "PHENOTYPE" } }, AUTH);
        out.push({ id: own, code: entity.errors?.[0]?.extensions?.code });
        if (entity.errors) return out;
        for (let n = 0; n < 3; n++) {
          const hubs = w % 2 ? ["gaba", "anxiety"] : ["anxiety", "gaba"];
          const id = `claim:test-cc-w${w}-${n}`;
          const r = await gql(
            app,
            CREATE_CLAIM,
            {
              input: {
                id,
                statement: `Writer ${w} claim ${n}.`,
                about: [...hubs, own],
                links: [{ from: own, predicate: "ASSOCIATED_WITH", to: hubs[n % 2] }],
                statedIn: [{ source: SOURCE, locator: `test-cc ${w} ${n}` }],
              },
            },
            AUTH,
          );
          out.push({ id, code: r.errors?.[0]?.extensions?.code });
          // A hub itself rewritten meanwhile (same content but a writer-specific description).
          const hub = await gql(
            app,
            UPSERT_ENTITY,
            { input: { id: "gaba", name: "GABA", kind: "SMALL_MOLECULE", description: `touched by ${w}.${n}` } },
            AUTH,
          );
          out.push({ id: `gaba@${w}.${n}`, code: hub.errors?.[0]?.extensions?.code });
        }
        return out;
      }),
    );
    const all = results.flat();
    expect(all.filter((r) => r.code === "INTERNAL_SERVER_ERROR")).toEqual([]);
    // Anything refused is refused with a retriable code, never a half-written record.
    for (const r of all) if (r.code) expect(["BUSY", "TIMEOUT"]).toContain(r.code);

    const acknowledged = all.filter((r) => !r.code && r.id.startsWith("claim:")).map((r) => r.id);
    const refused = all.filter((r) => r.code && r.id.startsWith("claim:")).map((r) => r.id);
    expect(acknowledged.length).toBeGreaterThan(0);
    const rows = await db.read(
      `UNWIND $ids AS id
       MATCH (c:Claim {id: id})
       RETURN id,
         COUNT { (c)-[:ABOUT]->(:Entity {id: 'gaba'}) } AS gaba,
         COUNT { (c)-[:ABOUT]->(:Entity {id: 'anxiety'}) } AS anxiety,
         COUNT { (c)-[:ABOUT]->() } AS about,
         COUNT { (c)-[:STATED_IN]->(:Source {id: $source}) } AS stated,
         size([x IN coalesce(c.linkIds, []) | x]) AS linkIds,
         COUNT { MATCH ()-[l:LINK]->() WHERE l.id IN c.linkIds AND c.id IN l.claimIds } AS links,
         reduce(n = 0, l IN COLLECT { MATCH ()-[l:LINK]->() WHERE l.id IN c.linkIds RETURN l } |
           n + size([x IN l.claimIds WHERE x = c.id])) AS namedByLink`,
      { ids: acknowledged, source: SOURCE },
    );
    const found = rows.records.map((r) => r.toObject());
    expect(found.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    for (const r of found) {
      expect({
        id: r.id,
        gaba: Number(r.gaba),
        anxiety: Number(r.anxiety),
        about: Number(r.about),
        stated: Number(r.stated),
      }).toEqual({
        id: r.id,
        gaba: 1,
        anxiety: 1,
        about: 3,
        stated: 1,
      });
      expect([Number(r.linkIds), Number(r.links), Number(r.namedByLink)]).toEqual([1, 1, 1]);
    }
    expect(await count("UNWIND $ids AS id MATCH (c:Claim {id: id}) RETURN count(c) AS n", { ids: refused })).toBe(0);
    // One LINK per id, whatever the number of claims asserting it.
    expect(
      await count(
        "MATCH ()-[l:LINK]->() WHERE l.id STARTS WITH 'link:test-cc-' WITH l.id AS id, count(*) AS k WHERE k > 1 RETURN count(*) AS n",
        {},
      ),
    ).toBe(0);
    // The derived shortcuts the writers rebuilt in turn are exactly what the links define.
    await expectStrongestLinksConsistent(db);
  }, 600_000);
});

describe("reports under concurrency", () => {
  it("two identical imports at once: the created counts sum to what exists", async () => {
    const app = server();
    for (let round = 0; round < 4; round++) {
      const bundle = {
        entities: [{ id: `test-twin-${round}`, name: `Twin ${round}`, kind: "PHENOTYPE" }],
        claims: [
          {
            id: `claim:test-twin-${round}`,
            statement: `Twin ${round} is associated with anxiety (test).`,
            about: [`test-twin-${round}`, "anxiety"],
            links: [{ from: `test-twin-${round}`, predicate: "ASSOCIATED_WITH", to: "anxiety" }],
            statedIn: [{ source: SOURCE, locator: `twin ${round}` }],
          },
        ],
      };
      const [a, b] = await Promise.all([gql(app, IMPORT, { b: bundle }, AUTH), gql(app, IMPORT, { b: bundle }, AUTH)]);
      expect(a.errors).toBeUndefined();
      expect(b.errors).toBeUndefined();
      const created = [a, b].map((r) => r.data.importBundle.created);
      expect(created.map((c) => c.entities).sort()).toEqual([0, 1]);
      expect(created.map((c) => c.claims).sort()).toEqual([0, 1]);
      expect(created.map((c) => c.links).sort()).toEqual([0, 1]);
      expect(await count("MATCH (e:Entity {id: $id}) RETURN count(e) AS n", { id: `test-twin-${round}` })).toBe(1);
      expect(await count("MATCH (:Claim {id: $id})-[r:ABOUT]->() RETURN count(r) AS n", { id: `claim:test-twin-${round}` })).toBe(
        2,
      );
      // The second of the two found everything as the first left it.
      const second = [a, b].find((r) => r.data.importBundle.created.entities === 0);
      expect(second?.data.importBundle.unchanged).toMatchObject({ entities: 1, claims: 1 });
    }
  }, 300_000);
});

describe("createClaim and an evidence edit on the same claim at once", () => {
  it("keeps the evidence the other writer committed while createClaim waited for the claim", async () => {
    const app = server();
    const claim = "claim:test-cc-keeps-evidence";
    const input = {
      id: claim,
      statement: "Magnesium is associated with anxiety (concurrency test).",
      about: ["magnesium", "anxiety"],
      statedIn: [{ source: SOURCE, locator: "test-cc keeps evidence" }],
    };
    expect((await gql(app, CREATE_CLAIM, { input }, AUTH)).errors).toBeUndefined();
    const study = String(
      toPlain((await db.read("MATCH (s:Study) RETURN s.id AS id ORDER BY s.id LIMIT 1")).records[0]?.get("id")),
    );
    const evidenceEdges = () =>
      count("MATCH (:Study {id: $study})-[e]->(:Claim {id: $claim}) RETURN count(e) AS n", { study, claim });

    // The evidence edit, as addEvidence writes it (the claim's lock, then the evidence writer), held
    // open until createClaim is seen waiting for that lock; only then committed.
    const session = db.driver.session({ database: db.name });
    const edit = session.beginTransaction();
    let rewrite: Promise<{ errors?: unknown }> | undefined;
    try {
      const audit = { now: new Date().toISOString(), actor: "test" };
      // The writers only call `run`, which an explicit transaction has too.
      const tx = edit as unknown as ManagedTransaction;
      await lockRecords(tx, "Claim", { own: [], existing: [claim] }, audit);
      await writeEvidence(
        tx,
        [{ claim, stored: [], wanted: [evidenceOf({ study, stance: "SUPPORTS", voice: "ARTICLE" })] }],
        audit,
      );
      rewrite = gql(app, CREATE_CLAIM, { input }, AUTH);
      const blocked = async () =>
        Number(
          toPlain(
            (
              await db.read("SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n")
            ).records[0]?.get("n"),
          ),
        );
      await expect.poll(blocked, { timeout: 60_000, interval: 50 }).toBeGreaterThan(0);
      await edit.commit();
    } finally {
      if (edit.isOpen()) await edit.rollback();
      await session.close();
    }
    // createClaim read the claim's evidence under its lock, so after the edit: the edge stays.
    expect((await rewrite)?.errors).toBeUndefined();
    expect(await evidenceEdges()).toBe(1);
  }, 120_000);
});

describe("a deadlock that outlives the retries", () => {
  it("reaches a client as BUSY (retriable), not as an internal error", () => {
    const deadlock = new Neo4jError(
      "ForsetiClient[1] can't acquire ExclusiveLock{owner=ForsetiClient[2]} ...",
      "Neo.TransientError.Transaction.DeadlockDetected",
      "50N00",
      "",
    );
    const mapped = fromDriverError(deadlock);
    expect(mapped.extensions).toMatchObject({ code: "BUSY", retriable: true });
    expect(mapped.message).not.toMatch(/Forseti|Lock/);
  });
});
