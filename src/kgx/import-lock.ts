/**
 * One KGX import at a time. Two imports that interleaved would mix their batches, and each would
 * take the other's `running` record for a crashed import and take it back under its feet.
 *
 * The lock is Neo4j's own lock on the one (:KgxImportLock {id: "kgx"}) node (its uniqueness
 * constraint's entry), created by a transaction that stays open for the whole import and is
 * rolled back at the end: the node is never committed, so the graph never holds it. A process that dies drops its connection, Neo4j rolls its transactions
 * back, and the lock is free: no stale lock to clear by hand, no lease to expire. The
 * transaction's metadata names the import, so `SHOW TRANSACTIONS` shows who holds it.
 *
 * A second import waits for the lock at most `waitMs`, then gives up with IMPORT_IN_PROGRESS
 * (having written nothing).
 */
import neo4j from "neo4j-driver";
import type { Database } from "../db/database.js";

export class ImportInProgress extends Error {
  readonly code = "IMPORT_IN_PROGRESS";
  constructor(waitMs: number) {
    super(
      `another KGX import is running (it holds the import lock; waited ${Math.round(waitMs / 1000)} s): nothing was written, run this one when it has finished`,
    );
  }
}

export interface ImportLock {
  release(): Promise<void>;
}

/** Takes the import lock, waiting at most `waitMs` for an import that holds it. */
export async function acquireImportLock(db: Database, importId: string, waitMs: number): Promise<ImportLock> {
  const session = db.driver.session({ database: db.name, defaultAccessMode: neo4j.session.WRITE });
  const tx = session.beginTransaction({ metadata: { app: "kgx-import-lock", importId } });
  let gaveUp = false;
  // Closing the session resets its connection: Neo4j stops the transaction waiting for the lock.
  const timer = setTimeout(() => {
    gaveUp = true;
    void session.close().catch(() => {});
  }, waitMs);
  try {
    // Never committed: a second MERGE of the same id waits on the uniqueness constraint's entry lock.
    await tx.run("MERGE (l:KgxImportLock {id: 'kgx'}) SET l.heldBy = $importId", { importId });
  } catch (error) {
    await session.close().catch(() => {});
    throw gaveUp ? new ImportInProgress(waitMs) : error;
  } finally {
    clearTimeout(timer);
  }
  return {
    release: async () => {
      await tx.rollback().catch(() => {});
      await session.close().catch(() => {});
    },
  };
}
