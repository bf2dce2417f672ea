/**
 * Bulk writers for large imports (KGX, src/kgx/importer.ts): the per-record writers compare every
 * property of every record; these compare one content hash per record, write in one UNWIND per
 * batch, and keep an undo log so that an import committed in many transactions can be taken back.
 *
 * - Idempotent: a record whose content hash is already there is left as it is (not even
 *   updatedAt moves), so re-importing the same files writes nothing.
 * - Undoable: what a batch creates carries the import's id (`importId`, indexed); what it changes
 *   that existed before the import gets a before-image (:KgxUndo {importId, kind, id, props}) in
 *   the same transaction. `undoImport` deletes the one and restores the other.
 * - Curated records are never overwritten: an entity without a content hash (written by a bundle
 *   or a mutation) keeps its fields; a link a claim asserts keeps its cached evidence, and only
 *   gains the knowledge graph's provenance.
 */
import neo4j, { type ManagedTransaction } from "neo4j-driver";
import type { Database } from "../../db/database.js";
import { toPlain } from "../../db/database.js";
import { refreshShortcutsInBatches } from "../strongest-links.js";
import { BATCH, type Props, uniq } from "./common.js";
import { kgLinkEvidence } from "./derived.js";

export interface BulkContext {
  importId: string;
  audit: { now: string; actor: string };
  /** False: classify only (a dry run), nothing is written. */
  write: boolean;
  /** Milliseconds spent per step (where an import's time goes: its report and logs). */
  phaseMs?: Record<string, number>;
}

const addTime = (ctx: { phaseMs?: Record<string, number> }, step: string, ms: number) => {
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

/* ------------------------------------------------------------------ undo log */

/** Properties as JSON that keeps Neo4j integers apart from floats ({"$int": "5"}). */
export function encodeProps(props: Props): string {
  return JSON.stringify(props, (_k, v: unknown) => (neo4j.isInt(v) ? { $int: (v as { toString(): string }).toString() } : v));
}
export function decodeProps(json: string): Props {
  return JSON.parse(json, (_k, v: unknown) =>
    v && typeof v === "object" && "$int" in (v as object) ? neo4j.int((v as { $int: string }).$int) : v,
  ) as Props;
}

type UndoKind = "Entity" | "LINK" | "NEGATED_LINK";

async function writeUndo(tx: ManagedTransaction, ctx: BulkContext, kind: UndoKind, rows: Array<{ id: string; props: Props }>) {
  if (!rows.length) return;
  await tx.run(`UNWIND $rows AS row CREATE (:KgxUndo {importId: $importId, kind: $kind, id: row.id, props: row.props})`, {
    rows: rows.map((r) => ({ id: r.id, props: encodeProps(r.props) })),
    importId: ctx.importId,
    kind,
  });
}

/* ------------------------------------------------------------------ entities */

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
     RETURN n.id AS id, n.kgxHash AS hash, n.importId AS importId, properties(n) AS props`,
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
      if (old.get("importId") !== ctx.importId) undo.push({ id: row.id, props: old.get("props") as Props });
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
       SET n += row.props, n.updatedAt = $now, n.updatedBy = $actor`,
      { rows: update, ...ctx.audit },
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
     RETURN n.id AS id, coalesce(n.xrefs, []) AS xrefs, n.importId AS importId, properties(n) AS props`,
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
    if (r.get("importId") !== ctx.importId) undo.push({ id: r.get("id"), props: r.get("props") as Props });
    update.push({ id: r.get("id"), xrefs: [...have, ...add] });
  }
  if (!ctx.write) return counts;
  await writeUndo(tx, ctx, "Entity", undo);
  if (update.length) {
    await tx.run(
      `UNWIND $rows AS row MATCH (n:Entity {id: row.id}) USING INDEX SEEK n:Entity(id)
       SET n.xrefs = row.xrefs, n.updatedAt = $now, n.updatedBy = $actor`,
      { rows: update, ...ctx.audit },
    );
  }
  return counts;
}

/* ------------------------------------------------------------------ work records */

/**
 * Work records for publications (PMID:, PMC:, DOI:): created once, never overwritten. Their
 * record and fact lists are left unset (empty: every reader takes a missing list as empty).
 */
export async function bulkWorkRecords(
  tx: ManagedTransaction,
  rows: ReadonlyArray<{ id: string; identifier: string }>,
  ctx: BulkContext,
): Promise<BulkCounts> {
  const counts = zeroBulk();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const existing = await timedStep(ctx, "work records: read existing", () =>
    tx.run("UNWIND $ids AS id MATCH (s:Study {id: id}) USING INDEX SEEK s:Study(id) RETURN s.id AS id", {
      ids: [...byId.keys()],
    }),
  );
  const found = new Set(existing.records.map((r) => r.get("id") as string));
  const create = [...byId.values()].filter((r) => !found.has(r.id));
  counts.created = create.length;
  counts.unchanged = byId.size - create.length;
  if (!ctx.write || !create.length) return counts;
  await timedStep(ctx, "work records: create", () =>
    tx.run(
      `UNWIND $rows AS row CREATE (s:Study) SET s.id = row.id, s.identifiers = [row.identifier], s.design = 'UNKNOWN',
       s.designVoice = 'KNOWLEDGE_GRAPH', s.recordStatus = 'NOT_CHECKED', s.searchText = row.identifier,
       s.importId = $importId, s.createdAt = $now, s.createdBy = $actor, s.updatedAt = $now, s.updatedBy = $actor`,
      { rows: create, importId: ctx.importId, ...ctx.audit },
    ),
  );
  return counts;
}

/* ------------------------------------------------------------------ links */

/** What a KGX edge says of itself beyond its ends: kept on the link it becomes. */
export interface KgProvenance {
  /** Link property name → value (qualifiers: qualifiedPredicate, objectDirectionQualifier ...). */
  qualifiers: Record<string, string>;
  primaryKnowledgeSource: string | null;
  aggregatorKnowledgeSources: string[];
  knowledgeLevel: string | null;
  agentType: string | null;
  publications: string[];
}

/** One knowledge-graph statement, as the link it becomes keeps it. */
export interface KgStatement extends KgProvenance {
  edgeId: string | null;
  hash: string;
  biolinkPredicate: string;
  studyIds: string[];
}

export interface LinkRow {
  id: string;
  from: string;
  to: string;
  predicate: string;
  statements: KgStatement[];
}

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

/** The link's properties once the statements are added to what it holds (lists are unions). */
function mergedLink(row: LinkRow, old: Props | undefined, sourceId: string): Props {
  const s = row.statements;
  const first = s[0] as KgStatement;
  const props: Props = {
    predicate: row.predicate,
    biolinkPredicate: old?.biolinkPredicate ?? first.biolinkPredicate,
    kgxEdgeIds: uniq([...list(old?.kgxEdgeIds), ...s.flatMap((x) => (x.edgeId ? [x.edgeId] : []))]),
    kgxHashes: uniq([...list(old?.kgxHashes), ...s.map((x) => x.hash)]),
    kgSources: uniq([...list(old?.kgSources), sourceId]),
    primaryKnowledgeSources: uniq([
      ...list(old?.primaryKnowledgeSources),
      ...s.flatMap((x) => (x.primaryKnowledgeSource ? [x.primaryKnowledgeSource] : [])),
    ]),
    aggregatorKnowledgeSources: uniq([
      ...list(old?.aggregatorKnowledgeSources),
      ...s.flatMap((x) => x.aggregatorKnowledgeSources),
    ]),
    knowledgeLevels: uniq([...list(old?.knowledgeLevels), ...s.flatMap((x) => (x.knowledgeLevel ? [x.knowledgeLevel] : []))]),
    agentTypes: uniq([...list(old?.agentTypes), ...s.flatMap((x) => (x.agentType ? [x.agentType] : []))]),
    publications: uniq([...list(old?.publications), ...s.flatMap((x) => x.publications)]),
    studyIds: uniq([...list(old?.studyIds), ...s.flatMap((x) => x.studyIds)]),
    evidenceVoice: "KNOWLEDGE_GRAPH",
  };
  for (const x of [...s].reverse()) for (const [k, v] of Object.entries(x.qualifiers)) props[k] = old?.[k] ?? v;
  // A link a claim asserts keeps the evidence the rule gives its claims' studies.
  if (!list(old?.claimIds).length) {
    Object.assign(props, kgLinkEvidence(row.predicate, props.studyIds as string[], props.knowledgeLevels as string[]));
  }
  // An empty list is left unset (every reader takes a missing list as empty): most edges have no
  // publications or aggregator, and each list property is a record the store writes.
  for (const [key, value] of Object.entries(props)) if (Array.isArray(value) && value.length === 0) delete props[key];
  return props;
}

/** A batch of link rows, one per link id, with the properties each gets if it is new. */
export interface PreparedLinks {
  byId: Map<string, LinkRow>;
  /** Link id → its properties if no such link exists yet (most, in a first import). */
  fresh: Map<string, Props>;
}

/**
 * Groups a batch's rows by link id and works out each new link's properties: done outside the
 * write transaction, while the batch before is being written (the importer runs one batch
 * ahead), so that the transaction only merges what it finds already there.
 */
export function prepareLinks(rows: readonly LinkRow[], sourceId: string): PreparedLinks {
  const byId = new Map<string, LinkRow>();
  for (const r of rows) {
    const had = byId.get(r.id);
    byId.set(r.id, had ? { ...had, statements: [...had.statements, ...r.statements] } : r);
  }
  const fresh = new Map<string, Props>();
  for (const [id, row] of byId) fresh.set(id, mergedLink(row, undefined, sourceId));
  return { byId, fresh };
}

/**
 * Creates or extends LINK (or NEGATED_LINK) relationships; returns counts and the ends written.
 * A link the import creates carries no audit fields of its own: its `importId` names the import
 * (:KgxImport {actor, startedAt, finishedAt}) that wrote it, and all its links at once (four
 * strings a link cost about a sixth of writing the links: README, "KGX import rate"). A link it
 * extends, which someone else wrote, gets updatedAt/updatedBy.
 */
export async function bulkLinks(
  tx: ManagedTransaction,
  type: "LINK" | "NEGATED_LINK",
  { byId, fresh }: PreparedLinks,
  sourceId: string,
  ctx: BulkContext,
): Promise<BulkCounts & { ends: Array<{ from: string; to: string }> }> {
  const counts = { ...zeroBulk(), ends: [] as Array<{ from: string; to: string }> };
  const existing = await timedStep(ctx, "links: read existing", () =>
    tx.run(
      `UNWIND $ids AS id MATCH ()-[l:${type} {id: id}]->() USING INDEX SEEK l:${type}(id)
     RETURN l.id AS id, properties(l) AS props`,
      { ids: [...byId.keys()] },
    ),
  );
  const found = new Map(existing.records.map((r) => [r.get("id") as string, r.get("props") as Props]));
  const create: Props[] = [];
  const update: Props[] = [];
  const undo: Array<{ id: string; props: Props }> = [];
  const comparing = performance.now();
  for (const row of byId.values()) {
    const old = found.get(row.id);
    if (old && row.statements.every((s) => list(old.kgxHashes).includes(s.hash))) {
      counts.unchanged += 1;
      continue;
    }
    const props = old ? mergedLink(row, toPlain(old) as Props, sourceId) : (fresh.get(row.id) as Props);
    counts.ends.push({ from: row.from, to: row.to });
    if (!old) {
      counts.created += 1;
      create.push({ from: row.from, to: row.to, props: { ...props, id: row.id } });
    } else {
      counts.updated += 1;
      if (old.importId !== ctx.importId) undo.push({ id: row.id, props: old });
      update.push({ id: row.id, props });
    }
  }
  addTime(ctx, "links: compare with what exists (Node)", performance.now() - comparing);
  if (!ctx.write) return counts;
  await writeUndo(tx, ctx, type, undo);
  if (create.length) {
    const result = await timedStep(ctx, "links: create", () =>
      tx.run(
        `UNWIND $rows AS row
       MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to}) USING INDEX SEEK a:Entity(id) USING INDEX SEEK b:Entity(id)
       CREATE (a)-[l:${type}]->(b) SET l = row.props, l.importId = $importId
       RETURN count(*) AS n`,
        { rows: create, importId: ctx.importId },
      ),
    );
    const n = Number(toPlain(result.records[0]?.get("n") ?? 0));
    if (n !== create.length)
      throw new Error(`writing ${type}: ${create.length - n} of ${create.length} rows named an entity that does not exist`);
  }
  if (update.length) {
    await tx.run(
      `UNWIND $rows AS row MATCH ()-[l:${type} {id: row.id}]->() USING INDEX SEEK l:${type}(id)
       SET l += row.props, l.updatedAt = $now, l.updatedBy = $actor`,
      { rows: update, ...ctx.audit },
    );
  }
  return counts;
}

/* ------------------------------------------------------------------ derived data, undo */

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
           RETURN elementId(u) AS eid, u.kind AS kind, u.id AS id, u.props AS props`,
          { importId, batch: neo4j.int(BATCH) },
        );
        const rows = r.records.map((rec) => ({
          eid: rec.get("eid") as string,
          kind: rec.get("kind") as UndoKind,
          id: rec.get("id") as string,
          props: decodeProps(rec.get("props") as string),
        }));
        const entities = rows.filter((x) => x.kind === "Entity");
        if (entities.length) {
          await tx.run("UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n = row.props", { rows: entities });
        }
        for (const type of ["LINK", "NEGATED_LINK"] as const) {
          const links = rows.filter((x) => x.kind === type);
          if (!links.length) continue;
          const res = await tx.run(
            `UNWIND $rows AS row MATCH (a)-[l:${type} {id: row.id}]->(b) SET l = row.props RETURN a.id AS from, b.id AS to`,
            { rows: links },
          );
          for (const rec of res.records) {
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
