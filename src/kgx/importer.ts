/**
 * KGX import (issue 16): nodes and edges files from another knowledge graph into this one.
 *
 * 1. Check (streamed, nothing written): every row is read, validated and mapped (validation.ts);
 *    node ids are kept (with a content hash) to find edges to unknown nodes and duplicate ids with
 *    conflicting content; ids not in the files are looked up in the graph. Any error refuses the
 *    import with located problems. The bytes read give the import id (same files: same id).
 * 2. Stage and publish: rows are written in batches of `batchSize` by the bulk writers
 *    (graph/write/entities.ts, studies.ts, links.ts; undo.ts), one transaction a node batch and
 *    two an edge batch (its work records beside its links) — what a batch creates carries the
 *    import id, what it changes gets a before-image — and the graph version is bumped with every
 *    change to entities or links. Then the derived data:
 *    strongest-link shortcuts of every entity whose links moved. Then the import is `published`.
 * 3. On failure the import is taken back (undoImport); if the process dies, the next run of an
 *    import finds the import still `running` and takes it back before it starts. So a failed or
 *    interrupted import leaves the graph as it was, and a re-run finishes the job. Files already
 *    published are checked against the graph; if it moved, what differs is written as a run of
 *    its own (`<import id>-run-<time>`), so that taking that run back leaves the first one's records.
 *
 * With `replace` (a new release of the KG), step 2 replaces the KG's part of every link it meets
 * and marks it (and every entity of the KG it names), then takes the KG's part off the links it
 * did not meet (links.ts, retractSource) and deletes the KG's entities it did not name and
 * nothing uses any more (entities.ts, retractEntities).
 *
 * Dry run: steps 1 and 2 in classify-only mode (read transactions; nothing written).
 * Memory: one batch of rows, plus a map of node id → content hash (bounded by the number of nodes,
 * not by the size of the files) and the set of entities whose shortcuts need rebuilding.
 */
import fs from "node:fs";
import path from "node:path";
import { BloomFilter } from "bloomfilter";
import { type ManagedTransaction, Neo4jError } from "neo4j-driver";
import type { Database } from "../db/database.js";
import { driverCause } from "../errors.js";
import { refreshShortcutsInBatches } from "../graph/strongest-links.js";
import { bumpGraphVersion } from "../graph/traversal-cache.js";
import { addBulk, type BulkContext, type BulkCounts, timedStep, zeroBulk } from "../graph/write/common.js";
import { bulkAddXrefs, bulkEntities, type EntityRow, retractEntities, wouldRetractEntities } from "../graph/write/entities.js";
import {
  bulkLinks,
  type KgStatement,
  type KnownNew,
  type LinkRow,
  type PreparedLinks,
  prepareLinks,
  refreshDeniedLinks,
  retractSource,
  wouldRetract,
} from "../graph/write/links.js";
import { bulkWorkRecords, retractWorks } from "../graph/write/studies.js";
import { undoImport } from "../graph/write/undo.js";
import type { Logger } from "../logger.js";
import { acquireImportLock } from "./import-lock.js";
import { kgxLinkId, negatedLinkId, PUBLICATION_PREFIXES, QUALIFIER_PROPS, slugOf } from "./mapping.js";
import { type KgxInput, type KgxProblem, listInputs, newHash, readRows } from "./reader.js";
import { type KgxEdge, type KgxNode, mapEdge, mapNode, REQUIRED_EDGE_COLUMNS, REQUIRED_NODE_COLUMNS } from "./validation.js";

export interface KgxImportOptions {
  actor: string;
  /** The knowledge graph's name: its Source is `source:kgx-<slug of name>` (default: `defaultKgName`). */
  name?: string;
  dryRun?: boolean;
  /**
   * A new release of the knowledge graph `name`: its statements replace the KG's earlier ones
   * (each link's part from this KG is what these files state; a link they no longer state loses
   * it, and goes if nothing else states or asserts it). Without it, statements are added.
   */
  replace?: boolean;
  log?: Logger;
  /** Rows per transaction (default 10,000). */
  batchSize?: number;
  now?: string;
  /** Called after each committed batch (progress; fault injection in tests). */
  onBatch?: (info: { phase: "nodes" | "edges" | "retract" | "denials"; rows: number }) => Promise<void> | void;
  /** Transaction timeout per batch. */
  timeoutMs?: number;
  /** Most problems kept in the report (default 1,000); all are counted. */
  maxProblems?: number;
  /** How long to wait for another import to finish before IMPORT_IN_PROGRESS (default 10 s). */
  lockWaitMs?: number;
}

export interface KgxImportReport {
  importId: string;
  source: string;
  dryRun: boolean;
  /** published: written; unchanged: the same files were already imported and nothing differed; dry-run; refused. */
  status: "published" | "unchanged" | "dry-run" | "refused";
  files: string[];
  rows: { nodes: number; edges: number };
  entities: BulkCounts;
  /** Curated entities the import merged into by xref. */
  mergedByXref: number;
  links: BulkCounts;
  negatedLinks: BulkCounts;
  /**
   * With `replace`: links (and negated ones) the KG stated before and these files no longer state,
   * kept (`updated`: another KG or a claim still states them) or deleted; and the entities the KG
   * described that these files no longer name, deleted or kept (something still uses them); and
   * the work records the release took off links that nothing cites any more, deleted (null in a
   * dry run: not worked out).
   */
  retracted: {
    updated: number;
    deleted: number;
    entitiesDeleted: number;
    entitiesKept: number;
    workRecordsDeleted: number | null;
  };
  workRecords: BulkCounts;
  errors: number;
  warnings: number;
  /** The first `maxProblems` problems, errors first. */
  problems: KgxProblem[];
  /** Crashed or failed earlier imports taken back before this one started. */
  cleanedUp: string[];
  elapsedMs: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** Milliseconds per phase and step (check, nodes, edges, shortcuts, publish ...): where the time went. */
  phaseMs: Record<string, number>;
}

export class KgxRefused extends Error {
  constructor(readonly report: KgxImportReport) {
    super(`the KGX files have ${report.errors} error(s); nothing was written`);
  }
}

const isPublication = (curie: string) => PUBLICATION_PREFIXES.some((p) => curie.startsWith(`${p}:`));

/** The work record id of a publication CURIE (PMID:123 → study:pmid-123). */
export const workRecordId = (curie: string) => `study:${slugOf(curie)}`;

class Problems {
  readonly kept: KgxProblem[] = [];
  errors = 0;
  warnings = 0;
  constructor(private readonly max: number) {}
  add(list: KgxProblem[]) {
    for (const p of list) {
      if (p.severity === "error") this.errors += 1;
      else this.warnings += 1;
      if (this.kept.length < this.max) this.kept.push(p);
    }
    list.length = 0;
  }
  sorted() {
    return [...this.kept].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  }
}

/** The highest RSS seen, shared by an import's phases (check, write, shortcuts) for its report. */
export interface MemoryPeak {
  rss: number;
}

/** Rows/s and ETA, logged at most every 5 s. */
class Progress {
  private started = performance.now();
  private last = 0;
  constructor(
    private readonly log: Logger | undefined,
    private readonly phase: string,
    private readonly total?: number,
    private readonly peak: MemoryPeak = { rss: process.memoryUsage.rss() },
  ) {}
  get peakRss() {
    return this.peak.rss;
  }
  private lastCounted = 0;
  tick(done: number, force = false) {
    // Cheap per row: the clock and RSS are read once per 1,000 rows (a batch's tick always reads them).
    if (!force && done - this.lastCounted < 1_000) return;
    this.lastCounted = done;
    const rss = process.memoryUsage.rss();
    if (rss > this.peak.rss) this.peak.rss = rss;
    const now = performance.now();
    if (!force && now - this.last < 5_000) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const perSecond = Math.round(done / Math.max(seconds, 0.001));
    const etaSeconds = this.total && perSecond ? Math.round((this.total - done) / perSecond) : undefined;
    // heapMb beside rssMb: the heap in use falls back after each full collection, so its low
    // points show the live data (bounded by the nodes), which RSS, grown and kept, does not.
    const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    this.log?.info(
      { phase: this.phase, rows: done, total: this.total, perSecond, etaSeconds, rssMb: Math.round(rss / 2 ** 20), heapMb },
      "kgx import progress",
    );
  }
}

/** Everything the check pass learns. */
interface Checked {
  inputs: KgxInput[];
  importId: string;
  nodeRows: number;
  edgeRows: number;
  /** KGX node id → curated entity id, for nodes merged by xref. */
  alias: Map<string, string>;
}

/** Curated entities (no content hash) by each of their xrefs and their id. */
async function curatedKeys(db: Database): Promise<Map<string, string>> {
  const result = await db.read(
    "MATCH (e:Entity) WHERE e.kgxHash IS NULL AND size(coalesce(e.xrefs, [])) > 0 RETURN e.id AS id, e.xrefs AS xrefs ORDER BY e.id",
  );
  const map = new Map<string, string>();
  for (const r of result.records) {
    for (const x of r.get("xrefs") as string[]) if (!map.has(x)) map.set(x, r.get("id") as string);
  }
  return map;
}

async function check(
  db: Database,
  paths: readonly string[],
  name: string,
  problems: Problems,
  peak: MemoryPeak,
  log?: Logger,
): Promise<Checked | undefined> {
  const listed = await listInputs(paths);
  problems.add(listed.problems);
  if (problems.errors) return undefined;
  const curated = await curatedKeys(db);
  const hash = newHash();
  hash.update(`kgx-import-v1\0${name}\0`);
  const nodes = new Map<string, string>();
  const alias = new Map<string, string>();
  const where = new Map<string, { file: string; line: number; column: string }>();
  const found: KgxProblem[] = [];
  let nodeRows = 0;
  let edgeRows = 0;
  const progress = new Progress(log, "check", undefined, peak);
  for (const input of listed.inputs) {
    hash.update(`\0${input.role}\0${path.basename(input.name)}\0`);
    if (input.role === "nodes") {
      for await (const row of readRows(input, REQUIRED_NODE_COLUMNS, found, hash)) {
        nodeRows += 1;
        const node = mapNode(row, found);
        if (node) {
          const had = nodes.get(node.id);
          if (had !== undefined && had !== node.hash) {
            found.push({
              severity: "error",
              code: "DUPLICATE_ID",
              file: row.file,
              line: row.line,
              column: "id",
              message: `${node.id} appears earlier with different content (the same id twice must say the same)`,
            });
          }
          nodes.set(node.id, node.hash);
          const curatedId = [node.id, ...node.xrefs].map((k) => curated.get(k)).find(Boolean);
          if (curatedId && curatedId !== node.id) alias.set(node.id, curatedId);
        }
        problems.add(found);
        progress.tick(nodeRows + edgeRows);
      }
    } else {
      for await (const row of readRows(input, REQUIRED_EDGE_COLUMNS, found, hash)) {
        edgeRows += 1;
        const edge = mapEdge(row, found);
        if (edge) {
          for (const [column, id] of [
            ["subject", edge.subject],
            ["object", edge.object],
          ] as const) {
            if (!nodes.has(id) && !where.has(id)) where.set(id, { file: row.file, line: row.line, column });
          }
        }
        problems.add(found);
        progress.tick(nodeRows + edgeRows);
      }
    }
    problems.add(found);
  }
  // Ends that no nodes file names must be entities of the graph already.
  const unknown = [...where.keys()];
  for (let i = 0; i < unknown.length; i += 10_000) {
    const ids = unknown.slice(i, i + 10_000);
    const known = await db.read("UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e.id AS id", { ids });
    const exists = new Set(known.records.map((r) => r.get("id") as string));
    for (const id of ids) {
      if (exists.has(id)) continue;
      const at = where.get(id) as { file: string; line: number; column: string };
      found.push({
        severity: "error",
        code: "UNKNOWN_NODE",
        file: at.file,
        line: at.line,
        column: at.column,
        message: `${id} is neither in a nodes file nor an entity of the graph`,
      });
    }
  }
  problems.add(found);
  progress.tick(nodeRows + edgeRows, true);
  return { inputs: listed.inputs, importId: `kgx-${hash.digest("hex").slice(0, 20)}`, nodeRows, edgeRows, alias };
}

/** Entity properties of a mapped node. */
function entityRow(node: KgxNode, sourceId: string): EntityRow {
  return {
    id: node.id,
    hash: node.hash,
    props: {
      name: node.name,
      kind: node.kind,
      categories: node.categories,
      description: node.description,
      synonyms: node.synonyms,
      xrefs: node.xrefs,
      providedBy: node.providedBy,
      kgSource: sourceId,
      searchText: node.synonyms.join(" | "),
    },
  };
}

function statementOf(edge: KgxEdge): KgStatement {
  const qualifiers: Record<string, string> = {};
  for (const [col, prop] of Object.entries(QUALIFIER_PROPS)) {
    const v = edge.qualifiers[col];
    if (v !== undefined) qualifiers[prop] = v;
  }
  return {
    edgeId: edge.edgeId,
    hash: edge.hash,
    biolinkPredicate: edge.biolinkPredicate,
    qualifiers,
    primaryKnowledgeSource: edge.primaryKnowledgeSource,
    aggregatorKnowledgeSources: edge.aggregatorKnowledgeSources,
    knowledgeLevel: edge.knowledgeLevel,
    agentType: edge.agentType,
    publications: edge.publications,
    studyIds: edge.publications.filter(isPublication).map(workRecordId),
  };
}

/**
 * The KG's name when none is given, from its first path: KGX's `<kg>_nodes.tsv` gives `<kg>`, a
 * directory or tarball its own name; a bare `nodes.tsv` says nothing of its KG, so its directory
 * names it (two KGs' `nodes.tsv` in two directories are two KGs, two Sources).
 */
export function defaultKgName(first: string): string {
  const base = path.basename(first).replace(/\.(tar\.gz|tgz|tar|tsv|jsonl|json)(\.gz)?$/i, "");
  const stem = base.replace(/(^|[_.-])(nodes|edges)$/i, "");
  return stem || path.basename(path.dirname(path.resolve(first))) || "kgx";
}

/** Imports KGX files (see the module comment). Throws KgxRefused (with the report) on errors. */
export async function importKgx(db: Database, paths: readonly string[], opts: KgxImportOptions): Promise<KgxImportReport> {
  const started = performance.now();
  // A release replaces what the KG of that name states: never guessed from a file name (two KGs'
  // `nodes.tsv` would be one KG, each release taking the other's statements back).
  if (opts.replace && !opts.name?.trim()) throw new Error("--replace needs the knowledge graph's --name");
  const name = opts.name ?? defaultKgName(String(paths[0] ?? "kgx"));
  const sourceId = `source:kgx-${slugOf(name) || "graph"}`;
  const problems = new Problems(opts.maxProblems ?? 1_000);
  const log = opts.log;
  const report: KgxImportReport = {
    importId: "",
    source: sourceId,
    dryRun: Boolean(opts.dryRun),
    status: "refused",
    files: [],
    rows: { nodes: 0, edges: 0 },
    entities: zeroBulk(),
    mergedByXref: 0,
    links: zeroBulk(),
    negatedLinks: zeroBulk(),
    retracted: { updated: 0, deleted: 0, entitiesDeleted: 0, entitiesKept: 0, workRecordsDeleted: 0 },
    workRecords: zeroBulk(),
    errors: 0,
    warnings: 0,
    problems: [],
    cleanedUp: [],
    elapsedMs: 0,
    rowsPerSecond: 0,
    peakRssMb: 0,
    phaseMs: {},
  };
  const phase = <T>(step: string, work: () => Promise<T>) => timedStep(report, step, work);
  const finish = (status: KgxImportReport["status"], peakRss: number) => {
    report.status = status;
    report.errors = problems.errors;
    report.warnings = problems.warnings;
    report.problems = problems.sorted();
    report.elapsedMs = Math.round(performance.now() - started);
    report.rowsPerSecond = Math.round((report.rows.nodes + report.rows.edges) / Math.max(report.elapsedMs / 1000, 0.001));
    report.peakRssMb = Math.round(Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20);
    for (const [step, ms] of Object.entries(report.phaseMs)) report.phaseMs[step] = Math.round(ms);
    return report;
  };

  log?.info({ paths, source: sourceId, dryRun: report.dryRun }, "kgx import: checking");
  const peak: MemoryPeak = { rss: process.memoryUsage.rss() };
  const checked = await phase("check", () => check(db, paths, name, problems, peak, log));
  if (checked) {
    report.importId = checked.importId;
    report.files = checked.inputs.map((i) => i.name);
    report.rows = { nodes: checked.nodeRows, edges: checked.edgeRows };
    report.mergedByXref = checked.alias.size;
  }
  if (!checked || problems.errors) {
    finish("refused", peak.rss);
    log?.warn({ errors: report.errors, warnings: report.warnings, first: report.problems[0] }, "kgx import refused");
    throw new KgxRefused(report);
  }
  log?.info({ importId: checked.importId, rows: report.rows, warnings: problems.warnings }, "kgx import: files are valid");

  // One import at a time; a dry run writes nothing and needs no lock.
  const lock = opts.dryRun ? undefined : await acquireImportLock(db, checked.importId, opts.lockWaitMs ?? 10_000);
  try {
    return await writeChecked(db, checked, sourceId, opts, report, finish, phase, peak);
  } finally {
    await lock?.release();
  }
}

/** The id of a run that writes files already published again: its own, so it can be taken back alone. */
const runId = (importId: string) => `${importId}-run-${Date.now().toString(36)}`;

/** Steps 2 and 3 for files that passed the check (under the import lock unless a dry run). */
async function writeChecked(
  db: Database,
  checked: Checked,
  sourceId: string,
  opts: KgxImportOptions,
  report: KgxImportReport,
  finish: (status: KgxImportReport["status"], peakRss: number) => KgxImportReport,
  phase: <T>(step: string, work: () => Promise<T>) => Promise<T>,
  peak: MemoryPeak,
): Promise<KgxImportReport> {
  const log = opts.log;
  const batchSize = opts.batchSize ?? 10_000;
  if (!opts.dryRun) report.cleanedUp = await phase("clean up interrupted", () => cleanUpInterrupted(db, log));
  const previous = await db.read("MATCH (i:KgxImport {id: $id}) RETURN i.status AS status", { id: checked.importId });
  const alreadyPublished = previous.records[0]?.get("status") === "published";

  const ctx: BulkContext = {
    importId: checked.importId,
    audit: { now: opts.now ?? new Date().toISOString(), actor: opts.actor },
    write: !opts.dryRun && !alreadyPublished,
    replace: Boolean(opts.replace),
    phaseMs: report.phaseMs,
    newEntities: new Set<string>(),
    droppedWorks: opts.replace ? new Set<string>() : undefined,
  };
  // A release replacing the KG's statements must meet every link it states, so files already
  // published are not merely checked for differences: they are written again as a run of their own.
  if (alreadyPublished && opts.replace && !opts.dryRun) {
    ctx.importId = runId(checked.importId);
    ctx.write = true;
  }
  let progress = new Progress(log, "write", checked.nodeRows + checked.edgeRows, peak);
  const checkedOnly = !ctx.write;
  try {
    let result = await withOneAhead((oneAhead) =>
      writeBatches(db, checked, sourceId, ctx, opts, batchSize, report, progress, oneAhead),
    );
    if (alreadyPublished && checkedOnly && !opts.dryRun && result.changed) {
      // The graph moved since these files were imported: write what differs, as a run of its
      // own (its own id on what it creates, its own undo log), so that taking it back after a
      // failure leaves the first import's records where they are.
      ctx.importId = runId(checked.importId);
      log?.info(
        { importId: checked.importId, runId: ctx.importId },
        "kgx import: already published, but the graph differs; writing",
      );
      report.entities = zeroBulk();
      report.links = zeroBulk();
      report.negatedLinks = zeroBulk();
      report.workRecords = zeroBulk();
      ctx.write = true;
      progress = new Progress(log, "write", checked.nodeRows + checked.edgeRows, peak);
      result = await withOneAhead((oneAhead) =>
        writeBatches(db, checked, sourceId, ctx, opts, batchSize, report, progress, oneAhead),
      );
    }
    if (!ctx.write) {
      if (opts.dryRun && ctx.replace) {
        await phase("retract", async () => {
          const links = await wouldRetract(db, sourceId, result.stated);
          const entities = await wouldRetractEntities(db, sourceId, ctx.importId, result.named, links.deletedIds);
          report.retracted = retractedCounts(links, entities, null);
        });
      }
      return finish(opts.dryRun ? "dry-run" : "unchanged", progress.peakRss);
    }
    if (ctx.replace) {
      const retract = { timeoutMs: opts.timeoutMs, onBatch: (rows: number) => opts.onBatch?.({ phase: "retract", rows }) };
      const retracted = await phase("retract", () => retractSource(db, sourceId, ctx, retract));
      const entities = await phase("retract", () => retractEntities(db, sourceId, ctx, retract));
      const works = await phase("retract", () => retractWorks(db, ctx, retract));
      report.retracted = retractedCounts(retracted, entities, works);
      for (const id of retracted.ends) result.ends.add(id);
      log?.info({ source: sourceId, ...report.retracted }, "kgx import: retracted what this release no longer states");
    }
    // What KGs deny counts against the links they deny (evidence-rule.ts step 9): worked out once
    // every batch, and a release's retraction, is written.
    const denied = await phase("denials", () =>
      refreshDeniedLinks(db, ctx, {
        timeoutMs: opts.timeoutMs,
        onBatch: (rows) => opts.onBatch?.({ phase: "denials", rows }),
      }),
    );
    if (denied) log?.info({ links: denied }, "kgx import: evidence of links a KG denies worked out again");
    log?.info({ entities: result.ends.size }, "kgx import: rebuilding strongest-link shortcuts");
    const ends = [...result.ends];
    const shortcutProgress = new Progress(log, "shortcuts", ends.length, peak);
    await phase("shortcuts", () =>
      refreshShortcutsInBatches(db, ends, { onBatch: (done) => shortcutProgress.tick(done), timeoutMs: opts.timeoutMs }),
    );
    await phase("publish", () =>
      db.write(async (tx) => {
        await tx.run("MATCH (i:KgxImport {id: $id}) SET i.status = 'published', i.finishedAt = $now", {
          id: ctx.importId,
          now: new Date().toISOString(),
        });
        await bumpGraphVersion(tx);
      }),
    );
    await phase("drop undo log", () => dropUndoLog(db, ctx.importId));
    finish("published", progress.peakRss);
    log?.info({ ...report, problems: undefined }, "kgx import published");
    return report;
  } catch (error) {
    if (ctx.write) {
      log?.error({ err: error, importId: ctx.importId }, "kgx import failed: taking it back");
      await takeBack(db, ctx.importId, log);
    }
    throw error;
  }
}

/** The report's `retracted`, from the links', the entities' and the work records' retraction (or their dry runs). */
const retractedCounts = (
  links: { updated: number; deleted: number },
  entities: { deleted: number; kept: number },
  works: number | null,
): KgxImportReport["retracted"] => ({
  updated: links.updated,
  deleted: links.deleted,
  entitiesDeleted: entities.deleted,
  entitiesKept: entities.kept,
  workRecordsDeleted: works,
});

/**
 * Writes a batch's links; when a link it took for new exists after all, written meanwhile by a
 * curator (curators do not wait for an import: a claim asserting a link between entities this
 * import created, say), its CREATE fails on the link id's uniqueness constraint and nothing of
 * the batch is written: then the batch is written again, looking every link up (at most twice
 * more: a curator would have to write one of its links again in between).
 */
async function lookingUpOnCollision<T>(write: (lookAll: (p: PreparedLinks) => PreparedLinks) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write((p) => (attempt === 1 ? p : { ...p, lookUp: undefined }));
    } catch (error) {
      const cause = driverCause(error) ?? error;
      const collision = cause instanceof Neo4jError && cause.code === "Neo.ClientError.Schema.ConstraintValidationFailed";
      if (!collision || attempt === 3) throw error;
    }
  }
}

/**
 * Runs batch writes one at a time, but returns as soon as the previous one is done rather than
 * the new one: the next batch is read and mapped (Node's core) while Neo4j writes this one
 * (the other core). A failed write surfaces at the next push or at drain.
 */
class OneAhead {
  private inFlight: Promise<void> = Promise.resolve();
  async push(write: () => Promise<void>): Promise<void> {
    await this.inFlight;
    const next = write();
    next.catch(() => {}); // handled: awaited by the next push or by drain
    this.inFlight = next;
  }
  drain(): Promise<void> {
    return this.inFlight;
  }
}

/**
 * Runs `work` with batches written one ahead; on failure, lets a batch still being written settle
 * before the caller takes the import back.
 */
async function withOneAhead<T>(work: (oneAhead: OneAhead) => Promise<T>): Promise<T> {
  const oneAhead = new OneAhead();
  try {
    return await work(oneAhead);
  } catch (error) {
    await oneAhead.drain().catch(() => {});
    throw error;
  }
}

/**
 * Both results once both have settled: a failure is thrown only when the other transaction is
 * over too, so that taking the import back never races a write still in flight.
 */
export async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === "rejected") throw x.reason;
  if (y.status === "rejected") throw y.reason;
  return [x.value, y.value];
}

/** The batched write (or, with ctx.write false, classification) of nodes, then edges. */
async function writeBatches(
  db: Database,
  checked: Checked,
  sourceId: string,
  ctx: BulkContext,
  opts: KgxImportOptions,
  batchSize: number,
  report: KgxImportReport,
  progress: Progress,
  oneAhead: OneAhead,
): Promise<{ ends: Set<string>; changed: boolean; stated: Set<string>; named: Set<string> }> {
  const ends = new Set<string>();
  // A dry run of a release counts what it would retract: it needs the links the files state and
  // the entities they name (sets of their ids; a real run marks them in the graph instead).
  const stated = new Set<string>();
  const named = new Set<string>();
  const collectStated = !ctx.write && Boolean(ctx.replace);
  let done = 0;
  const ignore: KgxProblem[] = [];
  const run = async <T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> => {
    if (ctx.write) return db.write(work, undefined, opts.timeoutMs);
    // Classify only: a read transaction, so a dry run cannot write by mistake.
    const session = db.driver.session({ database: db.name, defaultAccessMode: "READ" });
    try {
      return await session.executeRead(work, { timeout: opts.timeoutMs });
    } finally {
      await session.close();
    }
  };

  if (ctx.write) {
    await db.write(async (tx) => {
      await tx.run(
        `MERGE (i:KgxImport {id: $id}) SET i.status = 'running', i.startedAt = $now, i.actor = $actor, i.files = $files, i.source = $source
         MERGE (s:Source {id: $source})
         ON CREATE SET s.title = $title, s.kind = 'knowledge graph', s.importId = $id, s.createdAt = $now, s.createdBy = $actor,
           s.updatedAt = $now, s.updatedBy = $actor`,
        {
          id: ctx.importId,
          now: ctx.audit.now,
          actor: ctx.audit.actor,
          files: checked.inputs.map((i) => i.name),
          source: sourceId,
          title: `Knowledge graph ${sourceId.slice("source:kgx-".length)} (KGX import)`,
        },
      );
    });
  }

  // Nodes.
  for (const input of checked.inputs.filter((i) => i.role === "nodes")) {
    let batch: KgxNode[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      const own = rows.filter((n) => !checked.alias.has(n.id)).map((n) => entityRow(n, sourceId));
      if (collectStated) for (const n of own) named.add(n.id);
      const merged = rows
        .filter((n) => checked.alias.has(n.id))
        .map((n) => ({ id: checked.alias.get(n.id) as string, xrefs: [n.id] }));
      await oneAhead.push(async () => {
        // Counted once committed: a transaction retried after a conflict runs its work again.
        const { counts, xrefs } = await timedStep(ctx, "nodes (batches in all)", () =>
          run(async (tx) => {
            const counts = await bulkEntities(tx, own, ctx);
            const xrefs = await bulkAddXrefs(tx, merged, ctx);
            if (ctx.write && counts.created + counts.updated + xrefs.updated > 0) await bumpGraphVersion(tx);
            return { counts, xrefs };
          }),
        );
        addBulk(report.entities, {
          created: counts.created,
          updated: counts.updated + xrefs.updated,
          unchanged: counts.unchanged + xrefs.unchanged,
        });
        done += rows.length;
        progress.tick(done);
        await opts.onBatch?.({ phase: "nodes", rows: done });
      });
    };
    for await (const row of readRows(input, REQUIRED_NODE_COLUMNS, ignore)) {
      const node = mapNode(row, ignore);
      ignore.length = 0;
      if (node) batch.push(node);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }
  // Edges match their ends: every node batch first.
  await oneAhead.drain();

  // Edges. Links to or from an entity just created are not looked up (prepareLinks), unless an
  // earlier batch may have stated them: their ids go into a Bloom filter (1% false "maybe",
  // about 1.2 MB per million edges).
  const known: KnownNew | undefined =
    ctx.write && ctx.newEntities
      ? { newEntities: ctx.newEntities, earlier: BloomFilter.withTargetError(Math.max(checked.edgeRows, 1_000), 0.01) }
      : undefined;
  const resolve = (id: string) => checked.alias.get(id) ?? id;
  for (const input of checked.inputs.filter((i) => i.role === "edges")) {
    let batch: KgxEdge[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      const links: LinkRow[] = [];
      const negated: LinkRow[] = [];
      const works = new Map<string, { id: string; identifier: string }>();
      for (const e of rows) {
        const from = resolve(e.subject);
        const to = resolve(e.object);
        const statement = statementOf(e);
        for (const p of e.publications.filter(isPublication)) works.set(workRecordId(p), { id: workRecordId(p), identifier: p });
        const linkId = kgxLinkId(from, e.predicate as never, to, e.biolinkPredicate);
        const id = e.negated ? negatedLinkId(linkId) : linkId;
        if (collectStated) stated.add(id);
        (e.negated ? negated : links).push({
          id,
          from,
          to,
          predicate: e.predicate,
          statements: [statement],
        });
      }
      const preparedLinks = prepareLinks(links, sourceId, known);
      const preparedNegated = prepareLinks(negated, sourceId, known);
      await oneAhead.push(async () => {
        // The batch's work records are written in a transaction of their own, beside the links':
        // they share no node with them (a Study has no relationship here), so neither waits for
        // the other's locks, and Neo4j writes both at once on this machine's two cores.
        // Batches in all minus inside the links' transaction: opening and committing it (Neo4j
        // writes the store and the indexes at commit).
        // Counted once committed: a transaction retried after a conflict runs its work again.
        const [w, { l, n }] = await timedStep(ctx, "edges (batches in all)", () =>
          bothSettled(
            run((tx) => bulkWorkRecords(tx, [...works.values()], ctx)),
            lookingUpOnCollision((lookAll) =>
              run((tx) =>
                timedStep(ctx, "edges: inside the transaction", async () => {
                  const l = await bulkLinks(tx, "LINK", lookAll(preparedLinks), sourceId, ctx);
                  const n = await bulkLinks(tx, "NEGATED_LINK", lookAll(preparedNegated), sourceId, ctx);
                  if (ctx.write && l.created + l.updated + n.created + n.updated > 0)
                    await timedStep(ctx, "edges: version bump", () => bumpGraphVersion(tx));
                  return { l, n };
                }),
              ),
            ),
          ),
        );
        addBulk(report.workRecords, w);
        addBulk(report.links, l);
        addBulk(report.negatedLinks, n);
        for (const end of l.ends) {
          ends.add(end.from);
          ends.add(end.to);
        }
        done += rows.length;
        progress.tick(done);
        await opts.onBatch?.({ phase: "edges", rows: done });
      });
    };
    for await (const row of readRows(input, REQUIRED_EDGE_COLUMNS, ignore)) {
      const edge = mapEdge(row, ignore);
      ignore.length = 0;
      if (edge) batch.push(edge);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }
  await oneAhead.drain();
  progress.tick(done, true);
  const changed = [report.entities, report.links, report.negatedLinks, report.workRecords].some((c) => c.created + c.updated > 0);
  return { ends, changed, stated, named };
}

async function dropUndoLog(db: Database, importId: string) {
  for (;;) {
    const n = await db.write(async (tx) => {
      const r = await tx.run("MATCH (u:KgxUndo) WHERE u.importId = $id WITH u LIMIT 10000 DELETE u RETURN count(*) AS n", {
        id: importId,
      });
      return Number(r.records[0]?.get("n") ?? 0);
    });
    if (n < 10_000) return;
  }
}

/**
 * Takes an import back and removes its record, and its Source if the import created it, unless an
 * entity the import created stays (a curator's claim points at it, undo.ts) and still names the
 * KG: it holds the KG's name and description, and says whose they are (`namedBy`, `describedBy`).
 */
export async function takeBack(db: Database, importId: string, log?: Logger): Promise<void> {
  const undone = await undoImport(db, importId);
  await db.write(async (tx) => {
    // Failure path only: one scan of the entities (no index holds list elements). Asked of the
    // graph, not of what undoImport kept: a take-back interrupted after the undo runs again here.
    await tx.run(
      `MATCH (s:Source) WHERE s.importId = $id
         AND EXISTS { MATCH (e:Entity) WHERE e.kgxHash IS NOT NULL AND s.id IN coalesce(e.kgSources, [e.kgSource]) }
       SET s.importId = null`,
      { id: importId },
    );
    await tx.run("MATCH (s:Source) WHERE s.importId = $id DETACH DELETE s", { id: importId });
    await tx.run("MATCH (i:KgxImport {id: $id}) DELETE i", { id: importId });
    await bumpGraphVersion(tx);
  });
  log?.info({ importId, ...undone }, "kgx import taken back");
}

/** Takes back every import left `running` by a crashed or killed process. */
export async function cleanUpInterrupted(db: Database, log?: Logger): Promise<string[]> {
  const running = await db.read("MATCH (i:KgxImport {status: 'running'}) RETURN i.id AS id");
  const ids = running.records.map((r) => r.get("id") as string);
  for (const id of ids) {
    log?.warn({ importId: id }, "kgx import: an earlier import did not finish; taking it back");
    await takeBack(db, id, log);
  }
  return ids;
}

/** Sizes of plain input files, for the CLI's summary. */
export const fileSize = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
