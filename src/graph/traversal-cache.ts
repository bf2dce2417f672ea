/**
 * Cache of traversal results (chains, downstream/upstream, neighbourhoods): the expensive reads,
 * and the ones explorers repeat as they click through GraphiQL or a visualisation.
 *
 * Validity comes from the graph itself: every writer sets a fresh random token on the single
 * (:GraphVersion {id: "graph"}) node in its write transaction (bumpGraphVersion). A cached row
 * is served only while the token read just before is the one it was computed under, so a write
 * from any process (server, `npm run seed`, the generator) makes every earlier entry stale. A hit
 * costs one tiny read; a miss, that read plus the traversal. A write landing between the two
 * reads can only make an entry look older than it is, never serve stale data.
 */

import { LRUCache } from "lru-cache";
import type { ManagedTransaction } from "neo4j-driver";
import type { Context } from "../schema/builder.js";
import type { CypherBuilder } from "../translate/projection.js";
import { type Row, readOne } from "./read.js";

/** Marks the graph as changed; call it in every write transaction that changes graph data. */
export async function bumpGraphVersion(tx: ManagedTransaction): Promise<void> {
  await tx.run("MERGE (v:GraphVersion {id: 'graph'}) SET v.token = randomUUID()");
}

interface Entry {
  token: string | null;
  row: Row | null;
}

export class TraversalCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(maxEntries: number) {
    this.entries = new LRUCache({ max: Math.max(1, maxEntries) });
  }

  /** readOne, answered from the cache while the graph is unchanged. */
  async readOne(ctx: Context, cypher: string, q: CypherBuilder): Promise<Row | null> {
    const key = `${cypher}\u0000${JSON.stringify(q.params)}`;
    const token = await currentToken(ctx);
    const cached = this.entries.get(key);
    // Resolvers may reshape rows: hand out copies, keep the original.
    if (cached && cached.token === token) return structuredClone(cached.row);
    const row = await readOne(ctx, cypher, q);
    this.entries.set(key, { token, row: structuredClone(row) });
    return row;
  }
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
export function readTraversal(ctx: Context, cypher: string, q: CypherBuilder): Promise<Row | null> {
  return ctx.traversalCache ? ctx.traversalCache.readOne(ctx, cypher, q) : readOne(ctx, cypher, q);
}
