/**
 * What every writer shares (schema/model.md): batched, parameterised UNWIND statements; reading
 * what exists before writing, so that only what is new or differs is written (idempotence); and
 * the counts a write reports.
 */
import type { ManagedTransaction } from "neo4j-driver";
import { toPlain } from "../../db/database.js";

export interface Counts {
  entities: number;
  sources: number;
  studies: number;
  claims: number;
  links: number;
  evidence: number;
}

export interface WriteReport {
  created: Counts;
  updated: Counts;
  unchanged: Counts;
  /** Links no claim asserts any more, and evidence edges a re-imported claim no longer lists. */
  removed: Counts;
}

export type WriteStep = "entities" | "sources" | "studies" | "claims" | "links" | "evidence" | "evidence-summaries";

export interface WriteOptions {
  /** Who writes: stored in createdBy/updatedBy. */
  actor: string;
  /** ISO timestamp for createdAt/updatedAt (default: now). */
  now?: string;
  /** Called before each step, inside the transaction: progress logs (and fault injection in tests). */
  onStep?: (step: WriteStep, tx: ManagedTransaction) => Promise<void> | void;
}

export const zeroCounts = (): Counts => ({ entities: 0, sources: 0, studies: 0, claims: 0, links: 0, evidence: 0 });

export type Props = Record<string, unknown>;

/** Rows per statement: one statement per kind for any realistic bundle, bounded memory for huge ones. */
export const BATCH = 10_000;

/** Comparable JSON form of a value as Neo4j stores it (Integers as numbers, absent as null). */
const canon = (value: unknown): string => JSON.stringify(toPlain(value) ?? null);
export const sameValue = (a: unknown, b: unknown) => canon(a) === canon(b);

export function sameProps(desired: Props, existing: Props | undefined): boolean {
  if (!existing) return false;
  return Object.entries(desired).every(([key, value]) => sameValue(value, existing[key]));
}

export const sameSet = (a: Iterable<string>, b: Iterable<string>) =>
  canon([...new Set(a)].sort()) === canon([...new Set(b)].sort());

export const uniq = <T>(items: Iterable<T>): T[] => [...new Set(items)];
export const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
export const pairKey = (...parts: unknown[]) => JSON.stringify(parts);

/** Runs one UNWIND statement over `rows` (chunked); returns the summed `n` column. */
export async function unwind(
  tx: ManagedTransaction,
  cypher: string,
  rows: readonly unknown[],
  params: Props = {},
): Promise<number> {
  let total = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const result = await tx.run(cypher, { ...params, rows: rows.slice(i, i + BATCH) });
    total += Number(toPlain(result.records[0]?.get("n") ?? 0));
  }
  return total;
}

/** Like `unwind`, but every row must have matched its nodes: a missing one aborts the transaction. */
export async function unwindAll(
  tx: ManagedTransaction,
  what: string,
  cypher: string,
  rows: readonly unknown[],
  params: Props = {},
) {
  const n = await unwind(tx, cypher, rows, params);
  if (n !== rows.length) {
    throw new Error(`writing ${what}: ${rows.length - n} of ${rows.length} rows named a node that does not exist`);
  }
}

export async function readMap(tx: ManagedTransaction, cypher: string, ids: readonly string[]): Promise<Map<string, Props>> {
  const map = new Map<string, Props>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const result = await tx.run(cypher, { ids: ids.slice(i, i + BATCH) });
    for (const record of result.records) {
      const row = toPlain(record.toObject()) as Props;
      map.set(String(row.id), row);
    }
  }
  return map;
}

export type NodeLabel = "Entity" | "Source" | "Study" | "Claim";

/** MERGE nodes by id; audit fields on create, `props` (null removes) and updatedAt/By on every write. */
export async function writeNodes(
  tx: ManagedTransaction,
  label: NodeLabel,
  rows: Array<{ id: string; props: Props }>,
  audit: Props,
) {
  if (!rows.length) return;
  await unwindAll(
    tx,
    label,
    `UNWIND $rows AS row
     MERGE (n:${label} {id: row.id})
     ON CREATE SET n.createdAt = $now, n.createdBy = $actor
     SET n += row.props, n.updatedAt = $now, n.updatedBy = $actor
     RETURN count(*) AS n`,
    rows,
    audit,
  );
}

export interface Classified {
  created: string[];
  updated: string[];
  unchanged: string[];
}

export function classify<T extends { id: string }>(
  items: readonly T[],
  isNew: (item: T) => boolean,
  changed: (item: T) => boolean,
): Classified {
  const out: Classified = { created: [], updated: [], unchanged: [] };
  for (const item of items) {
    if (isNew(item)) out.created.push(item.id);
    else if (changed(item)) out.updated.push(item.id);
    else out.unchanged.push(item.id);
  }
  return out;
}

/**
 * Write locks, taken before anything is read, in the one order every writer follows: by label
 * (LOCK_ORDER), then by id. A writer then reads, compares and writes its records with no other
 * writer changing them in between, and two writers never wait for each other in a cycle (the
 * deadlocks that writers on shared hubs used to meet).
 *
 * - `own`: the records this transaction writes. One that does not exist yet is created here,
 *   bare but for its audit fields: its uniqueness constraint makes a concurrent creator of the
 *   same id wait for this transaction and then find the record. The ids returned are those THIS
 *   transaction created, which is what its report counts as created.
 * - `existing`: records only locked, never created (a link's subject, see links.ts); an id that
 *   does not exist is skipped.
 *
 * A lock is a property set and removed in the same transaction: nothing of it is ever committed.
 * The records a writer merely points at (a hub entity a claim is about, the source it is stated
 * in) are not locked: relationships to them are CREATEd under the lock of the writer's own
 * record, and Neo4j takes no exclusive lock on a dense node for that.
 */
export const LOCK_ORDER: readonly NodeLabel[] = ["Entity", "Source", "Study", "Claim"];

export async function lockRecords(
  tx: ManagedTransaction,
  label: NodeLabel,
  ids: { own: readonly string[]; existing?: readonly string[] },
  audit: Props,
): Promise<Set<string>> {
  const own = new Set(ids.own);
  const rows = uniq([...ids.own, ...(ids.existing ?? [])])
    .sort()
    .map((id) => ({ id, own: own.has(id) }));
  if (!rows.length) return new Set();
  const result = await tx.run(
    `UNWIND $rows AS row
     CALL {
       WITH row WITH row WHERE row.own
       MERGE (n:${label} {id: row.id})
       ON CREATE SET n.createdAt = $now, n.createdBy = $actor, n._kgCreated = true
       RETURN n
       UNION
       WITH row WITH row WHERE NOT row.own
       MATCH (n:${label} {id: row.id}) USING INDEX SEEK n:${label}(id)
       RETURN n
     }
     SET n._kgLock = true
     WITH n, n._kgCreated IS NOT NULL AS created
     REMOVE n._kgLock, n._kgCreated
     RETURN n.id AS id, created`,
    { rows, ...audit },
  );
  return new Set(result.records.filter((r) => r.get("created") === true).map((r) => String(r.get("id"))));
}

/** Writes the rows of one label that are new or changed, and says how each row was classified. */
export async function upsertNodes(
  tx: ManagedTransaction,
  label: "Entity" | "Source",
  rows: Array<{ id: string; props: Props }>,
  audit: Props,
  /** The ids this transaction created (lockRecords); the others existed before it. */
  created: ReadonlySet<string>,
): Promise<Classified> {
  // An entity a curator writes is curated from then on: an imported one loses its KG content
  // hash, so that a later import of its KG never overwrites what the curator wrote (entities.ts).
  if (label === "Entity") rows = rows.map((r) => ({ ...r, props: { ...r.props, kgxHash: null } }));
  const existing = await readMap(
    tx,
    `UNWIND $ids AS id MATCH (n:${label} {id: id}) USING INDEX SEEK n:${label}(id) RETURN n.id AS id, properties(n) AS props`,
    rows.map((r) => r.id).filter((id) => !created.has(id)),
  );
  const c = classify(
    rows,
    (r) => created.has(r.id),
    (r) => !sameProps(r.props, existing.get(r.id)?.props as Props),
  );
  const write = new Set([...c.created, ...c.updated]);
  // The curator's write is the entity's last: an import running meanwhile that changed it, if
  // taken back, leaves it as the curator wrote it (undo.ts restores only what it changed last).
  const unmark = (r: { id: string; props: Props }) =>
    label === "Entity" ? { ...r, props: { ...r.props, lastImportId: null } } : r;
  await writeNodes(tx, label, rows.filter((r) => write.has(r.id)).map(unmark), audit);
  return c;
}

export function tally(report: WriteReport, kind: keyof Counts, c: Classified) {
  report.created[kind] += c.created.length;
  report.updated[kind] += c.updated.length;
  report.unchanged[kind] += c.unchanged.length;
}

/* ------------------------------------------------------------------ bulk writes (KGX import) */

/*
 * The bulk writers (entities.ts, studies.ts and links.ts, each beside its kind's curated writer,
 * and undo.ts) serve large imports (KGX, src/kgx/importer.ts): where the curated writers compare
 * every property of every record, these compare one content hash per record, write in one UNWIND
 * per batch, and keep an undo log so that an import committed in many transactions can be taken
 * back.
 *
 * - Idempotent: a record whose content hash is already there is left as it is (not even
 *   updatedAt moves), so re-importing the same files writes nothing.
 * - Undoable: what a batch creates carries the import's id (`importId`, indexed); what it changes
 *   that existed before the import gets a before-image (:KgxUndo {importId, kind, id, props}) in
 *   the same transaction, and `lastImportId`, so that a later batch of the same import changing
 *   it again (one link stated by two edges, one curated entity named by two nodes' xrefs) keeps
 *   the first image only. `undoImport` (undo.ts) deletes the one and restores the other.
 * - Curated records are never overwritten: an entity without a content hash (written by a bundle
 *   or a mutation) keeps its fields; a link a claim asserts keeps its cached evidence, and only
 *   gains the knowledge graph's provenance.
 */

export interface BulkContext {
  importId: string;
  audit: { now: string; actor: string };
  /** False: classify only (a dry run), nothing is written. */
  write: boolean;
  /** A new release of its knowledge graph: its statements replace the KG's earlier ones. */
  replace?: boolean;
  /** Milliseconds spent per step (where an import's time goes: its report and logs). */
  phaseMs?: Record<string, number>;
  /**
   * Entities this import created (the first NEW_ENTITIES_KEPT): no link to or from one of them
   * existed before the import, so the link writer need not look for it (links.ts, prepareLinks).
   */
  newEntities?: Set<string>;
  /**
   * Work records a new release took off links (publications its KG no longer lists there): those
   * no link cites any more are deleted after the release (studies.ts, retractWorks).
   */
  droppedWorks?: Set<string>;
}

/** How many created entity ids an import keeps in memory (about 80 MB): beyond, links are looked up. */
export const NEW_ENTITIES_KEPT = 1_000_000;

/** Whether this import created or already changed the record (its before-image is kept then). */
export const touchedBy = (props: Props, ctx: BulkContext) =>
  props.importId === ctx.importId || props.lastImportId === ctx.importId;

export const addTime = (ctx: { phaseMs?: Record<string, number> }, step: string, ms: number) => {
  if (ctx.phaseMs) ctx.phaseMs[step] = (ctx.phaseMs[step] ?? 0) + ms;
};

/** Runs `work`, adding its time to ctx.phaseMs[step]. */
export async function timedStep<T>(ctx: { phaseMs?: Record<string, number> }, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    addTime(ctx, step, performance.now() - started);
  }
}

export interface BulkCounts {
  created: number;
  updated: number;
  unchanged: number;
}
export const zeroBulk = (): BulkCounts => ({ created: 0, updated: 0, unchanged: 0 });
export function addBulk(to: BulkCounts, n: BulkCounts) {
  to.created += n.created;
  to.updated += n.updated;
  to.unchanged += n.unchanged;
}
