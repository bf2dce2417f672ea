/**
 * Cache of traversal results (chains, downstream/upstream, neighbourhoods): the expensive reads,
 * and the ones explorers repeat as they click through GraphiQL or a visualisation.
 *
 * Validity comes from the graph itself: every writer sets a fresh random token on the single
 * (:GraphVersion {id: "graph"}) node in its write transaction (bumpGraphVersion). The traversal
 * reads the token in the same query, so an entry always carries the token of the graph it was
 * computed on; it is served only while a fresh read of the token still gives that one, so a
 * write from any process (server, `npm run seed`, the generator) makes every earlier entry
 * stale. A hit costs one tiny read; a first miss, the traversal alone; a stale entry, both.
 */

import { LRUCache } from "lru-cache";
import type { ManagedTransaction } from "neo4j-driver";
import type { Context, QueryParams, Row, TraversalReads } from "../context.js";
import { toPlain } from "../db/database.js";
import { timeoutError } from "../errors.js";
import { readOne } from "./read.js";

/** Marks the graph as changed; call it in every write transaction that changes graph data. */
export async function bumpGraphVersion(tx: ManagedTransaction): Promise<void> {
  await tx.run("MERGE (v:GraphVersion {id: 'graph'}) SET v.token = randomUUID()");
}

interface Entry {
  token: string | null;
  row: Row | null;
}

export class TraversalCache implements TraversalReads {
  private readonly entries: LRUCache<string, Entry>;

  constructor(maxEntries: number) {
    this.entries = new LRUCache({ max: Math.max(1, maxEntries) });
  }

  /** readOne, answered from the cache while the graph is unchanged. */
  async readOne(ctx: Context, cypher: string, q: QueryParams): Promise<Row | null> {
    const key = `${cypher}\u0000${JSON.stringify(q.params)}`;
    const cached = this.entries.get(key);
    // Resolvers may reshape rows: hand out copies, keep the original.
    if (cached && cached.token === (await currentToken(ctx))) return structuredClone(cached.row);
    const { row, token } = await inSlot(ctx, () => readWithToken(ctx, cypher, q));
    this.entries.set(key, { token, row: structuredClone(row) });
    return row;
  }
}

/** The traversal's single row and the graph token it was computed under, in one query. */
async function readWithToken(ctx: Context, cypher: string, q: QueryParams) {
  const result = await ctx.db.read(
    `OPTIONAL MATCH (graphVersion:GraphVersion {id: 'graph'})
     WITH graphVersion.token AS graphToken
     CALL { ${cypher} }
     RETURN value, graphToken`,
    q.params,
    ctx.counter,
    ctx.signal,
  );
  const record = result.records[0];
  return {
    row: record ? (toPlain(record.get("value")) as Row) : null,
    token: (record?.get("graphToken") as string | null | undefined) ?? null,
  };
}

async function currentToken(ctx: Context): Promise<string | null> {
  const result = await ctx.db.read(
    "OPTIONAL MATCH (v:GraphVersion {id: 'graph'}) RETURN v.token AS token",
    {},
    ctx.counter,
    ctx.signal,
  );
  return (result.records[0]?.get("token") as string | null) ?? null;
}

/** Traversal reads go through the request's cache when the server has one. */
export function readTraversal(ctx: Context, cypher: string, q: QueryParams): Promise<Row | null> {
  return ctx.traversalCache ? ctx.traversalCache.readOne(ctx, cypher, q) : inSlot(ctx, () => readOne(ctx, cypher, q));
}

/**
 * Runs a traversal query in one of the server's traversal slots, waiting (until the request's
 * deadline) for one to come free. Aliases let one operation ask for many traversals at once, and
 * the database runs each on a thread of its own: bounded here, traversals leave a core to the
 * API process, so small requests stay fast while heavy ones take turns (plugins/fairness.ts).
 */
async function inSlot<T>(ctx: Context, read: () => Promise<T>): Promise<T> {
  if (!ctx.traversalSlots) return read();
  const release = await ctx.traversalSlots.enter(SLOT_WAIT_MS, ctx.signal);
  if (!release) throw timeoutError();
  try {
    return await read();
  } finally {
    release();
  }
}

/** The longest a traversal waits for a slot: the request's deadline ends the wait sooner. */
const SLOT_WAIT_MS = 600_000;
