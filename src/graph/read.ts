/** Runs one read query whose rows each carry a `value` column, and returns plain JS values. */
import type { Context, QueryParams, Row } from "../context.js";
import { toPlain } from "../db/database.js";

export type { Row } from "../context.js";

export async function readRows(ctx: Context, cypher: string, q: QueryParams): Promise<Row[]> {
  const result = await ctx.db.read(cypher, q.params, ctx.counter, ctx.signal);
  return result.records.map((record) => toPlain(record.get("value")) as Row);
}

export async function readOne(ctx: Context, cypher: string, q: QueryParams): Promise<Row | null> {
  const rows = await readRows(ctx, cypher, q);
  return rows[0] ?? null;
}
