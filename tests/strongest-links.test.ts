/**
 * The strongest-link shortcuts have two builders: the Cypher of src/graph/strongest-links.ts
 * (every writer) and the plugin's kg.refreshStrongestLinks (bulk rebuilds: a KGX import, a bulk
 * load). On two copies of one graph, with the same history, they must leave the same shortcuts:
 * built from nothing, and brought up to date after links were re-scored, deleted and added and
 * shortcuts were left stale or doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { int, toPlain } from "../src/db/database.js";
import {
  FANOUT,
  hasRefreshProcedure,
  REFRESH_PROCEDURE,
  rebuildStrongestLinks,
  refreshShortcutsInBatches,
} from "../src/graph/strongest-links.js";
import { clearGraph, expectStrongestLinksConsistent, testDatabase } from "./helpers.js";

const db = testDatabase();
const ENTITIES = 60;
const ids = (copy: string) => Array.from({ length: ENTITIES }, (_, k) => `${copy}-e${k}`);

/** A deterministic graph: a hub with more than FANOUT links each way, ties, missing scores, a self-loop. */
function linksOf(copy: string) {
  const rows: Array<{ id: string; from: string; to: string; score: number | null }> = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  for (let k = 1; k < ENTITIES; k++) {
    // Scores from a few values only, so ties are common; some links have none.
    const pick = () => [null, 0.25, 0.5, 0.5, 0.75, 1][Math.floor(next() * 6)] ?? null;
    rows.push({ id: `${copy}-hub-out-${k}`, from: `${copy}-e0`, to: `${copy}-e${k}`, score: pick() });
    rows.push({ id: `${copy}-hub-in-${k}`, from: `${copy}-e${k}`, to: `${copy}-e0`, score: pick() });
    if (k > 1) rows.push({ id: `${copy}-chain-${k}`, from: `${copy}-e${k - 1}`, to: `${copy}-e${k}`, score: pick() });
  }
  rows.push({ id: `${copy}-self`, from: `${copy}-e3`, to: `${copy}-e3`, score: 0.9 });
  return rows;
}

async function writeGraph(copy: string) {
  await db.write(async (tx) => {
    await tx.run("UNWIND $ids AS id CREATE (:Entity {id: id, name: id, kind: 'PHENOTYPE'})", { ids: ids(copy) });
    await tx.run(
      `UNWIND $rows AS row MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
       CREATE (a)-[l:LINK {id: row.id, predicate: 'INCREASES'}]->(b) SET l.score = row.score`,
      { rows: linksOf(copy) },
    );
  });
}

/** The same changes to a copy: re-scored, deleted and new links, a doubled and an orphan shortcut. */
async function change(copy: string) {
  await db.write(async (tx) => {
    await tx.run(
      "MATCH ()-[l:LINK]->() WHERE l.id STARTS WITH $p + '-hub-out-' AND toInteger(split(l.id, '-')[3]) % 3 = 0 SET l.score = 0.95",
      {
        p: copy,
      },
    );
    await tx.run("MATCH ()-[l:LINK]->() WHERE l.id IN [$p + '-hub-in-5', $p + '-chain-7', $p + '-hub-out-2'] DELETE l", {
      p: copy,
    });
    await tx.run(
      `MATCH (a:Entity {id: $p + '-e10'}), (b:Entity {id: $p + '-e0'})
       CREATE (a)-[:LINK {id: $p + '-late', predicate: 'DECREASES', score: 1.0}]->(b)`,
      { p: copy },
    );
    // A second copy of a kept shortcut, and a shortcut of a link that does not exist.
    await tx.run(
      `MATCH (a:Entity {id: $p + '-e0'})-[s:STRONGEST_OUT]->(b) WITH a, b, s ORDER BY s.rank LIMIT 1
       CREATE (a)-[:STRONGEST_OUT {linkId: s.linkId, score: s.score, rank: 7}]->(b)`,
      { p: copy },
    );
    await tx.run(
      `MATCH (a:Entity {id: $p + '-e1'}), (b:Entity {id: $p + '-e2'})
       CREATE (a)-[:STRONGEST_OUT {linkId: $p + '-gone', score: 1.0, rank: 0}]->(b)`,
      { p: copy },
    );
  });
}

/** Every shortcut of a copy, with the copy's prefix taken off so the two copies compare. */
async function shortcutsOf(copy: string) {
  const result = await db.read(
    `MATCH (a:Entity)-[s:STRONGEST_OUT|STRONGEST_IN]->(b:Entity) WHERE a.id STARTS WITH $p + '-'
     RETURN type(s) AS type, a.id AS from, b.id AS to, s.linkId AS linkId, s.score AS score, s.rank AS rank
     ORDER BY type, from, rank, linkId`,
    { p: copy },
  );
  const strip = (id: string) => id.slice(copy.length + 1);
  return result.records.map((r) => {
    const s = toPlain(r.toObject()) as { type: string; from: string; to: string; linkId: string; score: number; rank: number };
    return { ...s, from: strip(s.from), to: strip(s.to), linkId: strip(s.linkId) };
  });
}

async function rebuild(copy: string, native: boolean) {
  await db.write((tx) => rebuildStrongestLinks(tx, ids(copy), native));
}

beforeAll(async () => {
  await clearGraph(db);
  await writeGraph("cypher");
  await writeGraph("native");
});
afterAll(() => db.close());

describe("the strongest-link shortcuts built by the plugin", () => {
  it("the database offers the procedure (the embedded Neo4j loads the plugin)", async () => {
    // Not skipped on other servers: the import would silently fall back to the slower Cypher.
    expect(await hasRefreshProcedure(db)).toBe(true);
  });

  it("are the Cypher's shortcuts when built from nothing", async () => {
    await rebuild("cypher", false);
    await rebuild("native", true);
    const built = await shortcutsOf("native");
    expect(built.filter((s) => s.from === "e0" && s.type === "STRONGEST_OUT")).toHaveLength(FANOUT);
    expect(built).toEqual(await shortcutsOf("cypher"));
    await expectStrongestLinksConsistent(db);
  });

  it("are the Cypher's shortcuts after links were re-scored, deleted and added, and stale ones are removed", async () => {
    await change("cypher");
    await change("native");
    expect(await shortcutsOf("native")).toEqual(await shortcutsOf("cypher")); // the same stale state
    await rebuild("cypher", false);
    const counts = await db.write(async (tx) => {
      const r = await tx.run(`CALL ${REFRESH_PROCEDURE}($ids, $fanout)`, { ids: ids("native"), fanout: int(FANOUT) });
      return toPlain(r.records[0]?.toObject()) as { entities: number; created: number; updated: number; deleted: number };
    });
    expect(counts.entities).toBe(ENTITIES);
    expect(counts.deleted).toBeGreaterThanOrEqual(4); // the doubled, the orphan, a deleted chain link's two
    expect(counts.created).toBeGreaterThan(0);
    expect(await shortcutsOf("native")).toEqual(await shortcutsOf("cypher"));
    await expectStrongestLinksConsistent(db);
  });

  it("change nothing when run again", async () => {
    const before = await shortcutsOf("native");
    const counts = await db.write(async (tx) => {
      const r = await tx.run(`CALL ${REFRESH_PROCEDURE}($ids, $fanout)`, { ids: ids("native"), fanout: int(FANOUT) });
      return toPlain(r.records[0]?.toObject());
    });
    expect(counts).toEqual({ entities: ENTITIES, created: 0, updated: 0, deleted: 0 });
    expect(await shortcutsOf("native")).toEqual(before);
  });

  it("are rebuilt in batches by the procedure where the database has it", async () => {
    await db.write((tx) =>
      tx.run("MATCH (a:Entity)-[s:STRONGEST_OUT|STRONGEST_IN]->() WHERE a.id STARTS WITH 'native-' DELETE s"),
    );
    const done: number[] = [];
    await refreshShortcutsInBatches(db, ids("native"), { onBatch: (n) => done.push(n) });
    expect(done).toEqual([ENTITIES]);
    expect(await shortcutsOf("native")).toEqual(await shortcutsOf("cypher"));
  });

  it("refuse an unbounded fanout and a missing list of ids", async () => {
    // The driver's own session: Database.write hides a database's error text, as it must from clients.
    const session = db.driver.session({ database: db.name });
    try {
      const call = session.run(`CALL ${REFRESH_PROCEDURE}($ids, $fanout)`, { ids: ["native-e0"], fanout: int(5000) });
      await expect(call).rejects.toThrow(/fanout must be 1\.\.1000/);
      const noIds = session.run(`CALL ${REFRESH_PROCEDURE}(null, $fanout)`, { fanout: int(FANOUT) });
      await expect(noIds).rejects.toThrow(/ids must be a list of entity ids/);
    } finally {
      await session.close();
    }
  });
});
