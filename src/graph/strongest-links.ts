/**
 * Each entity's strongest mechanism links, kept as shortcut relationships so that a chain search
 * reads at most FANOUT links per entity instead of every link of a hub:
 *
 *   (e)-[:STRONGEST_OUT {linkId, score, rank}]->(m)  for e's FANOUT best outgoing LINKs
 *   (m)-[:STRONGEST_IN  {linkId, score, rank}]->(e)  for e's FANOUT best incoming LINKs
 *
 * "Best" is the beam search's order: evidence score descending, then link id; they are read only
 * through translate/strongest.ts, which also fixes FANOUT. Both are derived
 * data, like the cached evidence summaries: the writers refresh them for the ends of every link
 * created, deleted or re-scored, in the same transaction; `ensureStrongestLinks` rebuilds them
 * for graphs written without them (older stores, bulk loads).
 */
import type { ManagedTransaction } from "neo4j-driver";
import { type Database, int } from "../db/database.js";
import type { Logger } from "../logger.js";
import { FANOUT, shortcutPattern } from "../translate/strongest.js";
import { hasProcedure } from "./native-search.js";
import { bumpGraphVersion } from "./traversal-cache.js";

export { FANOUT } from "../translate/strongest.js";

/** The shortcut relationships: derived from LINKs, never a record of their own. */
export const SHORTCUT_TYPES = ["STRONGEST_OUT", "STRONGEST_IN"] as const;

/**
 * Brings the shortcuts on one side of each entity in $ids in line with its FANOUT best links
 * that way, touching only what differs: shortcuts of links no longer among the best (and any
 * second copy) are deleted, kept ones get their new rank and score, missing ones are created.
 * A new link at the bottom of a hub's list so costs one shortcut and some rank updates, not
 * FANOUT deletions and creations: fewer writes under the graph version's lock, and fewer locks
 * on the hub's neighbours (a relationship created or deleted locks its sparse ends).
 */
function refreshCypher(direction: "OUT" | "IN"): string {
  const [link, create] =
    direction === "OUT"
      ? ["(e)-[l:LINK]->(m:Entity)", "(e)-[:STRONGEST_OUT {linkId: t.id, score: t.score, rank: rank}]->(m)"]
      : ["(e)<-[l:LINK]-(m:Entity)", "(m)-[:STRONGEST_IN {linkId: t.id, score: t.score, rank: rank}]->(e)"];
  const shortcut = shortcutPattern("e", direction, "s");
  return `UNWIND $ids AS id
  MATCH (e:Entity {id: id}) USING INDEX SEEK e:Entity(id)
  CALL {
    WITH e
    MATCH ${link}
    WITH l, m ORDER BY coalesce(l.score, 0.0) DESC, l.id LIMIT $fanout
    RETURN collect({id: l.id, score: coalesce(l.score, 0.0), m: m}) AS top
  }
  CALL {
    WITH e, top
    MATCH ${shortcut}
    WITH top, s.linkId AS linkId, collect(s) AS copies
    UNWIND CASE WHEN any(t IN top WHERE t.id = linkId) THEN tail(copies) ELSE copies END AS stale
    DELETE stale
  }
  CALL {
    WITH e, top
    MATCH ${shortcut}
    WITH s, top, [i IN range(0, size(top) - 1) WHERE top[i].id = s.linkId][0] AS rank
    WITH s, rank, top[rank].score AS score
    WHERE s.rank <> rank OR s.score <> score
    SET s.rank = rank, s.score = score
  }
  CALL {
    WITH e, top
    UNWIND range(0, size(top) - 1) AS rank
    WITH e, top[rank] AS t, rank
    WHERE NOT EXISTS { MATCH ${shortcut} WHERE s.linkId = t.id }
    WITH e, t, t.m AS m, rank
    CREATE ${create}
  }
  RETURN count(*) AS n`;
}

const REFRESH_OUT = refreshCypher("OUT");
const REFRESH_IN = refreshCypher("IN");

/**
 * Recomputes the shortcuts of the given link ends inside the caller's transaction: `from` ids
 * get their outgoing shortcuts rebuilt, `to` ids their incoming ones.
 */
export async function refreshStrongestLinks(
  tx: ManagedTransaction,
  ends: { from: Iterable<string>; to: Iterable<string> },
): Promise<void> {
  const from = [...new Set(ends.from)];
  const to = [...new Set(ends.to)];
  if (from.length) await tx.run(REFRESH_OUT, { ids: from, fanout: int(FANOUT) });
  if (to.length) await tx.run(REFRESH_IN, { ids: to, fanout: int(FANOUT) });
}

/**
 * The same rebuild as a procedure of the plugin (tools/kg-procedures, StrongestLinks.java): each
 * entity's links and shortcuts read once instead of four times. Used where many entities are
 * rebuilt at once (an import, a bulk load) and the database has the plugin; same shortcuts.
 */
export const REFRESH_PROCEDURE = "kg.refreshStrongestLinks";

/**
 * Whether the database offers REFRESH_PROCEDURE (asked once per bulk rebuild). A server that will
 * not say (a user without the privilege to list procedures) gets the Cypher, not a failed import.
 */
export function hasRefreshProcedure(db: Database): Promise<boolean> {
  return hasProcedure(db, REFRESH_PROCEDURE).catch(() => false);
}

/** Both ways of each entity in `ids`, inside the caller's transaction: by the procedure when `native`. */
export async function rebuildStrongestLinks(tx: ManagedTransaction, ids: readonly string[], native: boolean): Promise<void> {
  if (!ids.length) return;
  if (native) await tx.run(`CALL ${REFRESH_PROCEDURE}($ids, $fanout)`, { ids: [...new Set(ids)], fanout: int(FANOUT) });
  else await refreshStrongestLinks(tx, { from: ids, to: ids });
}

const BATCH = 2_000;

/**
 * Rebuilds the shortcuts of the given entities, BATCH ids a transaction (each bumps the graph
 * version first, as every writer does: rebuilds take turns under its lock). By the plugin's
 * procedure where the database has it, else by the Cypher above.
 */
export async function refreshShortcutsInBatches(
  db: Database,
  ids: readonly string[],
  opts: { onBatch?: (done: number) => void; timeoutMs?: number; native?: boolean } = {},
): Promise<void> {
  if (!ids.length) return;
  const native = opts.native ?? (await hasRefreshProcedure(db));
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    await db.write(
      async (tx) => {
        await bumpGraphVersion(tx);
        await rebuildStrongestLinks(tx, batch, native);
      },
      undefined,
      opts.timeoutMs ?? Math.max(db.queryTimeoutMs, 600_000),
    );
    opts.onBatch?.(Math.min(i + BATCH, ids.length));
  }
}

/**
 * Builds the shortcuts of every entity that has links but none yet (in batches, with progress),
 * so that a store written before them, or bulk-loaded, answers chain queries. Cheap when
 * nothing is missing: one scan of the entities.
 */
export async function ensureStrongestLinks(db: Database, log?: Logger): Promise<number> {
  const missing = await db.read(
    `MATCH (e:Entity)
     WHERE (EXISTS { (e)-[:LINK]->() } AND NOT EXISTS { (e)-[:STRONGEST_OUT]->() })
        OR (EXISTS { (e)<-[:LINK]-() } AND NOT EXISTS { (e)<-[:STRONGEST_IN]-() })
     RETURN e.id AS id`,
  );
  const ids = missing.records.map((r) => r.get("id") as string);
  const started = performance.now();
  await refreshShortcutsInBatches(db, ids, {
    onBatch: (done) =>
      log?.info(
        {
          kind: "strongest links",
          done,
          total: ids.length,
          perSecond: Math.round(done / ((performance.now() - started) / 1000)),
        },
        "building",
      ),
  });
  return ids.length;
}
