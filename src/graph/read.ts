/** Runs one read query whose rows each carry a `value` column, and returns plain JS values. */
import { toPlain } from "../db/database.js";
import type { Context } from "../schema/builder.js";
import type { CypherBuilder } from "../translate/projection.js";

// biome-ignore lint/suspicious/noExplicitAny: values are shaped by the Cypher projection
export type Row = Record<string, any>;

export async function readRows(ctx: Context, cypher: string, q: CypherBuilder): Promise<Row[]> {
  const result = await ctx.db.read(cypher, q.params, ctx.counter, ctx.signal);
  return result.records.map((record) => toPlain(record.get("value")) as Row);
}

export async function readOne(ctx: Context, cypher: string, q: CypherBuilder): Promise<Row | null> {
  const rows = await readRows(ctx, cypher, q);
  return rows[0] ?? null;
}
