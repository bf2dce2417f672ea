/**
 * The KGX import's undo log and its taking back (see the bulk writers' notes in common.ts): what
 * an import changed or deleted that existed before it keeps a before-image (a deleted link with
 * its ends), and `undoImport` deletes what the import created and restores those images.
 */
import neo4j, { type ManagedTransaction } from "neo4j-driver";
import { type Database, toPlain } from "../../db/database.js";
import { refreshShortcutsInBatches, SHORTCUT_TYPES } from "../strongest-links.js";
import { BATCH, type BulkContext, type Props, sameValue } from "./common.js";
import { refreshEvidence } from "./derived.js";
import { noKgPart } from "./links.js";

/** Properties as JSON that keeps Neo4j integers apart from floats ({"$int": "5"}). */
export function encodeProps(props: Props): string {
  return JSON.stringify(props, (_k, v: unknown) => (neo4j.isInt(v) ? { $int: (v as { toString(): string }).toString() } : v));
}
export function decodeProps(json: string): Props {
  return JSON.parse(json, (_k, v: unknown) =>
    v && typeof v === "object" && "$int" in (v as object) ? neo4j.int((v as { $int: string }).$int) : v,
  ) as Props;
}

/** What a before-image is of: a changed entity, a deleted one or work record (a release's), a changed or deleted link. */
export type UndoKind = "Entity" | "DELETED_ENTITY" | "DELETED_STUDY" | "LINK" | "NEGATED_LINK";

export async function writeUndo(
  tx: ManagedTransaction,
  ctx: BulkContext,
  kind: UndoKind,
  rows: Array<{ id: string; props: Props; from?: string; to?: string }>,
) {
  if (!rows.length) return;
  // A link the import deletes keeps its ends too, to be made again.
  await tx.run(
    `UNWIND $rows AS row CREATE (:KgxUndo {importId: $importId, kind: $kind, id: row.id, props: row.props, from: row.from,
       to: row.to, at: $at})`,
    {
      rows: rows.map((r) => ({ id: r.id, props: encodeProps(r.props), from: r.from ?? null, to: r.to ?? null })),
      importId: ctx.importId,
      kind,
      // Restored newest first (an entity a curator wrote between two of the import's batches has two).
      at: neo4j.int(Date.now()),
    },
  );
}

/**
 * Takes an import back: deletes what it created (links, entities, work records, by import id),
 * restores the before-images of what it changed, rebuilds the shortcuts of every entity whose
 * links moved, and removes its undo log. Each step is batched and can be re-run after a crash.
 *
 * Curated work done while the import ran is never taken back with it (curated writers do not
 * wait for an import). A link the import created that a claim has since asserted stays, without
 * the KG's part; an entity or work record it created that curated records now point at (a
 * claim's ABOUT, a claim's link, an evidence edge, SAME_AS, CITES) stays, no longer the
 * import's; a restored link keeps the claims asserting it now. Their cached evidence is the
 * claims' again.
 */
export async function undoImport(
  db: Database,
  importId: string,
  timeoutMs = 600_000,
): Promise<{ deleted: number; restored: number }> {
  let deleted = 0;
  let restored = 0;
  const ends = new Set<string>();
  // Links a claim asserted while the import ran: kept as the claims' alone (only LINKs have claims).
  for (;;) {
    const n = await db.write(
      async (tx) => {
        const r = await tx.run(
          `MATCH (a)-[l:LINK]->(b) WHERE l.importId = $importId AND size(coalesce(l.claimIds, [])) > 0
           WITH a, b, l LIMIT $batch
           SET l += $noKgPart, l.importId = null, l.lastImportId = null,
             l.createdAt = coalesce(l.createdAt, l.updatedAt), l.createdBy = coalesce(l.createdBy, l.updatedBy)
           RETURN l.id AS id, a.id AS from, b.id AS to`,
          { importId, batch: neo4j.int(BATCH), noKgPart: noKgPart() },
        );
        for (const rec of r.records) {
          ends.add(rec.get("from"));
          ends.add(rec.get("to"));
        }
        await refreshEvidence(tx, { linkIds: r.records.map((rec) => rec.get("id") as string) });
        return r.records.length;
      },
      undefined,
      timeoutMs,
    );
    restored += n;
    if (n < BATCH) break;
  }
  for (const type of ["LINK", "NEGATED_LINK"] as const) {
    for (;;) {
      const n = await db.write(
        async (tx) => {
          const r = await tx.run(
            `MATCH (a)-[l:${type}]->(b) WHERE l.importId = $importId WITH a, b, l LIMIT $batch
             DELETE l RETURN a.id AS from, b.id AS to`,
            { importId, batch: neo4j.int(BATCH) },
          );
          for (const rec of r.records) {
            ends.add(rec.get("from"));
            ends.add(rec.get("to"));
          }
          return r.records.length;
        },
        undefined,
        timeoutMs,
      );
      deleted += n;
      if (n < BATCH) break;
    }
  }
  // Deleted entities first: the deleted links restored after them may need them as ends.
  for (const kinds of [
    ["DELETED_ENTITY", "DELETED_STUDY"],
    ["Entity", "LINK", "NEGATED_LINK"],
  ]) {
    for (;;) {
      const n = await db.write(
        async (tx) => {
          const r = await tx.run(
            `MATCH (u:KgxUndo) WHERE u.importId = $importId AND u.kind IN $kinds WITH u ORDER BY u.at DESC LIMIT $batch
           RETURN elementId(u) AS eid, u.kind AS kind, u.id AS id, u.props AS props, u.from AS from, u.to AS to`,
            { importId, kinds, batch: neo4j.int(BATCH) },
          );
          const rows = r.records.map((rec) => ({
            eid: rec.get("eid") as string,
            kind: rec.get("kind") as UndoKind,
            id: rec.get("id") as string,
            props: decodeProps(rec.get("props") as string),
            from: rec.get("from") as string | null,
            to: rec.get("to") as string | null,
          }));
          // Only where the import's change is still the last: an entity a curator has written
          // since (which takes the mark off, common.ts) stays as the curator wrote it.
          const entities = rows.filter((x) => x.kind === "Entity");
          if (entities.length) {
            await tx.run("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) WHERE n.lastImportId = $importId SET n = row.props", {
              rows: entities,
              importId,
            });
          }
          // Made again unless a curator has made it again meanwhile.
          const deletedEntities = rows.filter((x) => x.kind === "DELETED_ENTITY");
          if (deletedEntities.length) {
            await tx.run("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) ON CREATE SET n = row.props", {
              rows: deletedEntities,
            });
            for (const x of deletedEntities) ends.add(x.id);
          }
          const deletedStudies = rows.filter((x) => x.kind === "DELETED_STUDY");
          if (deletedStudies.length) {
            await tx.run("UNWIND $rows AS row MERGE (s:Study {id: row.id}) ON CREATE SET s = row.props", {
              rows: deletedStudies,
            });
          }
          for (const type of ["LINK", "NEGATED_LINK"] as const) {
            const links = rows.filter((x) => x.kind === type);
            if (!links.length) continue;
            // A link that exists gets its image back but keeps the claims asserting it now (an
            // import never changes claims; a curator may have, meanwhile). That includes a link the
            // import deleted and a curator made again.
            const changed = await tx.run(
              `UNWIND $rows AS row MATCH (a)-[l:${type} {id: row.id}]->(b) USING INDEX SEEK l:${type}(id)
             WITH a, b, l, row, l.claimIds AS claims
             SET l = row.props SET l.claimIds = claims
             RETURN l.id AS id, a.id AS from, b.id AS to, claims`,
              { rows: links },
            );
            const found = new Map(changed.records.map((rec) => [rec.get("id") as string, rec.get("claims") as string[] | null]));
            const deleted = await tx.run(
              `UNWIND $rows AS row
             MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to}) USING INDEX SEEK a:Entity(id) USING INDEX SEEK b:Entity(id)
             CREATE (a)-[l:${type}]->(b) SET l = row.props RETURN a.id AS from, b.id AS to`,
              { rows: links.filter((x) => x.from !== null && !found.has(x.id)) },
            );
            for (const rec of [...changed.records, ...deleted.records]) {
              ends.add(rec.get("from"));
              ends.add(rec.get("to"));
            }
            const claimsMoved = links.filter(
              (x) => found.has(x.id) && !sameValue(found.get(x.id) ?? null, x.props.claimIds ?? null),
            );
            if (type === "LINK" && claimsMoved.length) await refreshEvidence(tx, { linkIds: claimsMoved.map((x) => x.id) });
          }
          await tx.run("UNWIND $eids AS eid MATCH (u:KgxUndo) WHERE elementId(u) = eid DELETE u", {
            eids: rows.map((x) => x.eid),
          });
          return rows.length;
        },
        undefined,
        timeoutMs,
      );
      restored += n;
      if (n < BATCH) break;
    }
  }
  for (const label of ["Entity", "Study"] as const) {
    // The import's own links are gone by now: any other relationship but a shortcut is curated
    // (a claim's link or ABOUT, an evidence edge, SAME_AS, CITES), and keeps the node.
    for (;;) {
      const n = await db.write(
        async (tx) => {
          const kept = await tx.run(
            `MATCH (n:${label}) WHERE n.importId = $importId
               AND EXISTS { (n)-[r]-() WHERE NOT type(r) IN $shortcuts }
             WITH n LIMIT $batch SET n.importId = null, n.lastImportId = null RETURN count(*) AS n`,
            { importId, batch: neo4j.int(BATCH), shortcuts: SHORTCUT_TYPES },
          );
          return Number(toPlain(kept.records[0]?.get("n") ?? 0));
        },
        undefined,
        timeoutMs,
      );
      restored += n;
      if (n < BATCH) break;
    }
    for (;;) {
      const n = await db.write(
        async (tx) => {
          const r = await tx.run(
            `MATCH (n:${label}) WHERE n.importId = $importId WITH n LIMIT $batch
             OPTIONAL MATCH (n)-[:LINK]-(m:Entity) WHERE m.importId IS NULL OR m.importId <> $importId
             WITH n, collect(DISTINCT m.id) AS neighbours DETACH DELETE n RETURN neighbours`,
            { importId, batch: neo4j.int(Math.floor(BATCH / 5)) },
          );
          for (const rec of r.records) for (const id of rec.get("neighbours") as string[]) ends.add(id);
          return r.records.length;
        },
        undefined,
        timeoutMs,
      );
      deleted += n;
      if (n < Math.floor(BATCH / 5)) break;
    }
  }
  // Shortcuts of the entities that remain.
  const remaining = await db.read("UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e.id AS id", { ids: [...ends] });
  await refreshShortcutsInBatches(
    db,
    remaining.records.map((r) => r.get("id") as string),
    { timeoutMs },
  );
  return { deleted, restored };
}
