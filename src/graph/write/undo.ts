/**
 * The KGX import's undo log and its taking back (see the bulk writers' notes in common.ts): what
 * an import changed or deleted that existed before it keeps a before-image (a deleted link with
 * its ends), and `undoImport` deletes what the import created and restores those images.
 */
import neo4j, { type ManagedTransaction } from "neo4j-driver";
import type { Database } from "../../db/database.js";
import { refreshShortcutsInBatches } from "../strongest-links.js";
import { BATCH, type BulkContext, type Props } from "./common.js";

/** Properties as JSON that keeps Neo4j integers apart from floats ({"$int": "5"}). */
export function encodeProps(props: Props): string {
  return JSON.stringify(props, (_k, v: unknown) => (neo4j.isInt(v) ? { $int: (v as { toString(): string }).toString() } : v));
}
export function decodeProps(json: string): Props {
  return JSON.parse(json, (_k, v: unknown) =>
    v && typeof v === "object" && "$int" in (v as object) ? neo4j.int((v as { $int: string }).$int) : v,
  ) as Props;
}

export type UndoKind = "Entity" | "LINK" | "NEGATED_LINK";

export async function writeUndo(
  tx: ManagedTransaction,
  ctx: BulkContext,
  kind: UndoKind,
  rows: Array<{ id: string; props: Props; from?: string; to?: string }>,
) {
  if (!rows.length) return;
  // A link the import deletes keeps its ends too, to be made again.
  await tx.run(
    "UNWIND $rows AS row CREATE (:KgxUndo {importId: $importId, kind: $kind, id: row.id, props: row.props, from: row.from, to: row.to})",
    {
      rows: rows.map((r) => ({ id: r.id, props: encodeProps(r.props), from: r.from ?? null, to: r.to ?? null })),
      importId: ctx.importId,
      kind,
    },
  );
}

/**
 * Takes an import back: deletes what it created (links, entities, work records, by import id),
 * restores the before-images of what it changed, rebuilds the shortcuts of every entity whose
 * links moved, and removes its undo log. Each step is batched and can be re-run after a crash.
 */
export async function undoImport(
  db: Database,
  importId: string,
  timeoutMs = 600_000,
): Promise<{ deleted: number; restored: number }> {
  let deleted = 0;
  let restored = 0;
  const ends = new Set<string>();
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
  for (;;) {
    const n = await db.write(
      async (tx) => {
        const r = await tx.run(
          `MATCH (u:KgxUndo) WHERE u.importId = $importId WITH u LIMIT $batch
           RETURN elementId(u) AS eid, u.kind AS kind, u.id AS id, u.props AS props, u.from AS from, u.to AS to`,
          { importId, batch: neo4j.int(BATCH) },
        );
        const rows = r.records.map((rec) => ({
          eid: rec.get("eid") as string,
          kind: rec.get("kind") as UndoKind,
          id: rec.get("id") as string,
          props: decodeProps(rec.get("props") as string),
          from: rec.get("from") as string | null,
          to: rec.get("to") as string | null,
        }));
        const entities = rows.filter((x) => x.kind === "Entity");
        if (entities.length) {
          await tx.run("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n = row.props", { rows: entities });
        }
        for (const type of ["LINK", "NEGATED_LINK"] as const) {
          const links = rows.filter((x) => x.kind === type);
          if (!links.length) continue;
          const changed = await tx.run(
            `UNWIND $rows AS row MATCH (a)-[l:${type} {id: row.id}]->(b) SET l = row.props RETURN a.id AS from, b.id AS to`,
            { rows: links.filter((x) => x.from === null) },
          );
          const deleted = await tx.run(
            `UNWIND $rows AS row
             MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to}) USING INDEX SEEK a:Entity(id) USING INDEX SEEK b:Entity(id)
             CREATE (a)-[l:${type}]->(b) SET l = row.props RETURN a.id AS from, b.id AS to`,
            { rows: links.filter((x) => x.from !== null) },
          );
          for (const rec of [...changed.records, ...deleted.records]) {
            ends.add(rec.get("from"));
            ends.add(rec.get("to"));
          }
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
  for (const label of ["Entity", "Study"] as const) {
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
