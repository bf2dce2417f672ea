/**
 * Entities written in bulk by a KGX import, by content hash (see the bulk writers' notes in
 * common.ts). Curated entities (bundles, mutations) are written by `upsertNodes` (common.ts) with
 * the properties of records.ts; this module never overwrites one of them, and only adds an
 * imported node's id to the xrefs of the curated entity it is merged into. An imported entity a
 * curator writes is curated from then on (`upsertNodes` removes its content hash).
 */
import type { ManagedTransaction } from "neo4j-driver";
import { type BulkContext, type BulkCounts, type Props, timedStep, touchedBy, zeroBulk } from "./common.js";
import { writeUndo } from "./undo.js";

export interface EntityRow {
  id: string;
  props: Props;
  hash: string;
}

/** Creates or updates entities by content hash; curated entities (no hash) are left as they are. */
export async function bulkEntities(tx: ManagedTransaction, rows: readonly EntityRow[], ctx: BulkContext): Promise<BulkCounts> {
  const counts = zeroBulk();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const existing = await timedStep(ctx, "entities: read existing", () =>
    tx.run(
      `UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
     RETURN n.id AS id, n.kgxHash AS hash, properties(n) AS props`,
      { ids: [...byId.keys()] },
    ),
  );
  const found = new Map(existing.records.map((r) => [r.get("id") as string, r]));
  const create: Props[] = [];
  const update: Props[] = [];
  const undo: Array<{ id: string; props: Props }> = [];
  for (const row of byId.values()) {
    const old = found.get(row.id);
    if (!old) {
      counts.created += 1;
      create.push({ id: row.id, props: { ...row.props, id: row.id, kgxHash: row.hash } });
    } else if (old.get("hash") === null || old.get("hash") === row.hash) {
      counts.unchanged += 1;
    } else {
      counts.updated += 1;
      if (!touchedBy(old.get("props") as Props, ctx)) undo.push({ id: row.id, props: old.get("props") as Props });
      update.push({ id: row.id, props: { ...row.props, kgxHash: row.hash } });
    }
  }
  if (!ctx.write) return counts;
  await writeUndo(tx, ctx, "Entity", undo);
  if (create.length) {
    await timedStep(ctx, "entities: create", () =>
      tx.run(
        `UNWIND $rows AS row CREATE (n:Entity) SET n = row.props, n.importId = $importId,
         n.createdAt = $now, n.createdBy = $actor, n.updatedAt = $now, n.updatedBy = $actor`,
        { rows: create, importId: ctx.importId, ...ctx.audit },
      ),
    );
  }
  if (update.length) {
    await tx.run(
      `UNWIND $rows AS row MATCH (n:Entity {id: row.id}) USING INDEX SEEK n:Entity(id)
       SET n += row.props, n.updatedAt = $now, n.updatedBy = $actor, n.lastImportId = $importId`,
      { rows: update, ...ctx.audit, importId: ctx.importId },
    );
  }
  return counts;
}

/** Adds ids to curated entities' xrefs (merge by xref); returns how many entities changed. */
export async function bulkAddXrefs(
  tx: ManagedTransaction,
  rows: ReadonlyArray<{ id: string; xrefs: string[] }>,
  ctx: BulkContext,
): Promise<BulkCounts> {
  const counts = zeroBulk();
  const wanted = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = wanted.get(r.id) ?? new Set<string>();
    for (const x of r.xrefs) set.add(x);
    wanted.set(r.id, set);
  }
  const existing = await tx.run(
    `UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
     RETURN n.id AS id, coalesce(n.xrefs, []) AS xrefs, properties(n) AS props`,
    { ids: [...wanted.keys()] },
  );
  const update: Props[] = [];
  const undo: Array<{ id: string; props: Props }> = [];
  for (const r of existing.records) {
    const have = r.get("xrefs") as string[];
    const add = [...(wanted.get(r.get("id")) ?? [])].filter((x) => !have.includes(x));
    if (!add.length) {
      counts.unchanged += 1;
      continue;
    }
    counts.updated += 1;
    if (!touchedBy(r.get("props") as Props, ctx)) undo.push({ id: r.get("id"), props: r.get("props") as Props });
    update.push({ id: r.get("id"), xrefs: [...have, ...add] });
  }
  if (!ctx.write) return counts;
  await writeUndo(tx, ctx, "Entity", undo);
  if (update.length) {
    await tx.run(
      `UNWIND $rows AS row MATCH (n:Entity {id: row.id}) USING INDEX SEEK n:Entity(id)
       SET n.xrefs = row.xrefs, n.updatedAt = $now, n.updatedBy = $actor, n.lastImportId = $importId`,
      { rows: update, ...ctx.audit, importId: ctx.importId },
    );
  }
  return counts;
}
