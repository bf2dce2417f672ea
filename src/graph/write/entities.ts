/**
 * Entities written in bulk by a KGX import, by content hash (see the bulk writers' notes in
 * common.ts). Curated entities (bundles, mutations) are written by `upsertNodes` (common.ts) with
 * the properties of records.ts; this module never overwrites one of them, and only adds an
 * imported node's id to the xrefs of the curated entity it is merged into. An imported entity a
 * curator writes is curated from then on (`upsertNodes` removes its content hash).
 */
import type { ManagedTransaction } from "neo4j-driver";
import type { Database } from "../../db/database.js";
import { SHORTCUT_TYPES } from "../strongest-links.js";
import { bumpGraphVersion } from "../traversal-cache.js";
import {
  BATCH,
  type BulkContext,
  type BulkCounts,
  NEW_ENTITIES_KEPT,
  type Props,
  timedStep,
  touchedBy,
  zeroBulk,
} from "./common.js";
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
  const mark: string[] = [];
  const undo: Array<{ id: string; props: Props }> = [];
  for (const row of byId.values()) {
    const old = found.get(row.id);
    // Named again by a later batch of this writing run (the same content: the check refuses any
    // other): written and counted when first met.
    if (old && ctx.write && touchedBy(old.get("props") as Props, ctx)) continue;
    const source = row.props.kgSource as string;
    if (!old) {
      counts.created += 1;
      create.push({ id: row.id, props: { ...row.props, id: row.id, kgxHash: row.hash, kgSources: [source] } });
      continue;
    }
    const props = old.get("props") as Props;
    if (old.get("hash") === null) {
      counts.unchanged += 1; // curated: the curators' description, whoever names it
      continue;
    }
    const sources = kgSourcesOf(props);
    const named = sources.includes(source);
    if (old.get("hash") === row.hash && named) {
      counts.unchanged += 1;
      // A new release marks the KG's entities it names, even unchanged: what is left unmarked
      // afterwards, it no longer names (`retractEntities`).
      if (ctx.replace) {
        undo.push({ id: row.id, props });
        mark.push(row.id);
      }
      continue;
    }
    counts.updated += 1;
    if (!touchedBy(props, ctx)) undo.push({ id: row.id, props });
    const kgSources = named ? sources : [...sources, source];
    // The same description from a second KG: it names the entity too, the description stays the
    // first's. A different one: the latest KG's description, voiced as its (`kgSource`).
    const changed = old.get("hash") === row.hash ? { kgSources } : { ...row.props, kgxHash: row.hash, kgSources };
    update.push({ id: row.id, props: changed });
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
    // Kept before the commit: a failed commit fails the import, whose edges are then never written.
    for (const r of create) if (ctx.newEntities && ctx.newEntities.size < NEW_ENTITIES_KEPT) ctx.newEntities.add(r.id as string);
  }
  if (update.length) {
    await tx.run(
      `UNWIND $rows AS row MATCH (n:Entity {id: row.id}) USING INDEX SEEK n:Entity(id)
       SET n += row.props, n.updatedAt = $now, n.updatedBy = $actor, n.lastImportId = $importId`,
      { rows: update, ...ctx.audit, importId: ctx.importId },
    );
  }
  if (mark.length) {
    await tx.run("UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) SET n.lastImportId = $importId", {
      ids: mark,
      importId: ctx.importId,
    });
  }
  return counts;
}

/** The KGs that name an imported entity (one written before `kgSources` was kept: the KG describing it). */
const kgSourcesOf = (props: Props): string[] =>
  Array.isArray(props.kgSources) ? (props.kgSources as string[]) : props.kgSource ? [String(props.kgSource)] : [];

/** The imported entities the KG names (`kgSources`) that this import neither created nor marked. */
const UNNAMED_ENTITIES = `MATCH (n:Entity) WHERE n.kgxHash IS NOT NULL AND $source IN coalesce(n.kgSources, [n.kgSource])
  AND coalesce(n.importId, '') <> $importId AND coalesce(n.lastImportId, '') <> $importId`;

/**
 * After a new release of a knowledge graph is written (`replace`) and its retracted links taken
 * off (links.ts, retractSource): each entity the KG named and its release no longer names loses
 * the KG (`kgSources`). One another KG still names stays, as does one something still uses
 * (another KG's link, a claim's link or ABOUT), as it is (`kept`); the others are deleted. Each
 * keeps a before-image, made again (or restored) if the import is taken back; a deleted entity's
 * shortcuts go with it (its neighbours' are rebuilt: they are ends of the retracted links).
 */
export async function retractEntities(
  db: Database,
  sourceId: string,
  ctx: BulkContext,
  opts: { timeoutMs?: number; onBatch?: (done: number) => Promise<void> | void } = {},
): Promise<{ deleted: number; kept: number }> {
  const stale = await db.read(`${UNNAMED_ENTITIES} RETURN n.id AS id`, { source: sourceId, importId: ctx.importId });
  const ids = stale.records.map((r) => r.get("id") as string);
  let deleted = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    deleted += await db.write(
      async (tx) => {
        const found = await tx.run(
          `UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
           RETURN n.id AS id, properties(n) AS props, EXISTS { (n)-[r]-() WHERE NOT type(r) IN $shortcuts } AS used`,
          { ids: batch, shortcuts: SHORTCUT_TYPES },
        );
        const named: Array<{ id: string; props: Props }> = [];
        const unused: Array<{ id: string; props: Props }> = [];
        for (const r of found.records) {
          const row = { id: r.get("id") as string, props: r.get("props") as Props };
          if (kgSourcesOf(row.props).some((s) => s !== sourceId)) named.push(row);
          else if (!r.get("used")) unused.push(row);
        }
        // Still named by another KG: it loses this one. (Its description stays until that KG's
        // next import gives its own.)
        await writeUndo(tx, ctx, "Entity", named);
        await tx.run(
          `UNWIND $rows AS row MATCH (n:Entity {id: row.id}) USING INDEX SEEK n:Entity(id)
           SET n.kgSources = row.kgSources, n.updatedAt = $now, n.updatedBy = $actor, n.lastImportId = $importId`,
          {
            rows: named.map((r) => ({ id: r.id, kgSources: kgSourcesOf(r.props).filter((s) => s !== sourceId) })),
            ...ctx.audit,
            importId: ctx.importId,
          },
        );
        await writeUndo(tx, ctx, "DELETED_ENTITY", unused);
        await tx.run("UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) DETACH DELETE n", {
          ids: unused.map((r) => r.id),
        });
        if (unused.length + named.length) await bumpGraphVersion(tx);
        return unused.length;
      },
      undefined,
      opts.timeoutMs,
    );
    await opts.onBatch?.(Math.min(i + BATCH, ids.length));
  }
  return { deleted, kept: ids.length - deleted };
}

/**
 * What `retractEntities` would do (a dry run of a release): of the KG's entities `named` (the
 * ids its files name) lacks, those no other KG names are deleted unless a relationship other
 * than a shortcut and the links the release would delete (`goingLinks`) still uses them.
 */
export async function wouldRetractEntities(
  db: Database,
  sourceId: string,
  importId: string,
  named: ReadonlySet<string>,
  goingLinks: ReadonlySet<string>,
): Promise<{ deleted: number; kept: number }> {
  // Only the entities the files do not name are read with their relationships.
  const kgEntities = await db.read(`${UNNAMED_ENTITIES} RETURN n.id AS id`, { source: sourceId, importId });
  const unnamed = kgEntities.records.map((r) => r.get("id") as string).filter((id) => !named.has(id));
  const uses = await db.read(
    `UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
     RETURN properties(n) AS props, [(n)-[r]-() WHERE NOT type(r) IN $shortcuts | coalesce(r.id, type(r))] AS uses`,
    { ids: unnamed, shortcuts: SHORTCUT_TYPES },
  );
  const counts = { deleted: 0, kept: 0 };
  for (const r of uses.records) {
    const namedElsewhere = kgSourcesOf(r.get("props") as Props).some((s) => s !== sourceId);
    if (!namedElsewhere && (r.get("uses") as string[]).every((use) => goingLinks.has(use))) counts.deleted += 1;
    else counts.kept += 1;
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
