/**
 * Studies, their citations (CITES, per source they name) and SAME_AS (a non-empty list replaces the
 * study's own), written only where new or changed; and, at the end, the work records a KGX
 * import writes in bulk for its edges' publications.
 */
import type { ManagedTransaction } from "neo4j-driver";
import type { Database } from "../../db/database.js";
import type { StudyInput } from "../../model/bundle.js";
import { bumpGraphVersion } from "../traversal-cache.js";
import {
  BATCH,
  type BulkContext,
  type BulkCounts,
  type Classified,
  classify,
  type Props,
  pairKey,
  readMap,
  sameProps,
  sameSet,
  sameValue,
  timedStep,
  uniq,
  unwind,
  unwindAll,
  writeNodes,
  zeroBulk,
} from "./common.js";
import { studyProps } from "./records.js";
import { writeUndo } from "./undo.js";

/**
 * Returns how each study was classified, and the studies whose change alters what the evidence
 * rule reads (design, record design or certainty, SAME_AS identity): their claims need refreshing.
 */
export async function writeStudies(
  tx: ManagedTransaction,
  studies: readonly StudyInput[],
  audit: Props,
  /** The studies this transaction created (lockRecords); the others existed before it. */
  created: ReadonlySet<string>,
): Promise<{ classes: Classified; ruleChanged: string[] }> {
  const designChanged: string[] = [];
  const existing = await readMap(
    tx,
    `UNWIND $ids AS id MATCH (n:Study {id: id}) USING INDEX SEEK n:Study(id)
     RETURN n.id AS id, properties(n) AS props,
       [(src:Source)-[r:CITES]->(n) | [src.id, r.as, r.locator]] AS citations,
       [(n)-[r:SAME_AS]->(o:Study) | [o.id, r.note, r.confidence, r.voice]] AS sameAs`,
    studies.map((s) => s.id).filter((id) => !created.has(id)),
  );
  const citationKeys = (list: ReadonlyArray<readonly unknown[]>, source: string) =>
    list.filter((c) => c[0] === source).map((c) => pairKey(c[1], c[2]));
  const rows = studies.map((s) => ({ id: s.id, study: s, props: studyProps(s) }));
  const citesChanged = (r: (typeof rows)[number]) => {
    const old = (existing.get(r.id)?.citations ?? []) as unknown[][];
    const named = uniq(r.study.citations.map((c) => c.source));
    return named.some(
      (source) =>
        !sameSet(
          citationKeys(old, source),
          r.study.citations.filter((c) => c.source === source).map((c) => pairKey(c.as, c.locator)),
        ),
    );
  };
  const sameAsChanged = (r: (typeof rows)[number]) => {
    if (!r.study.sameAs.length) return false;
    const old = ((existing.get(r.id)?.sameAs ?? []) as unknown[][]).map((s) => pairKey(s[0], s[1], s[2], s[3]));
    const wanted = [...new Map(r.study.sameAs.map((s) => [s.study, s])).values()];
    return !sameSet(
      old,
      wanted.map((s) => pairKey(s.study, s.note, s.confidence, s.voice)),
    );
  };
  const c = classify(
    rows,
    (r) => created.has(r.id),
    (r) => !sameProps(r.props, existing.get(r.id)?.props as Props) || citesChanged(r) || sameAsChanged(r),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  // What the rule reads of a study: its design, and its record's status, design and certainty.
  const ruleInputs = (p: Props | undefined) => [
    p?.design,
    p?.recordStatus ?? null,
    p?.recordDesign ?? null,
    p?.authorsCertainty ?? null,
  ];
  for (const id of c.updated) {
    const r = byId.get(id);
    if (r && !sameValue(ruleInputs(r.props), ruleInputs(existing.get(id)?.props as Props | undefined))) designChanged.push(id);
  }
  // SAME_AS decides what counts as one work: a study that joins or leaves a work changes the
  // claims of every record of it, the old partners' included (the refresh follows SAME_AS from these).
  for (const id of [...c.created, ...c.updated]) {
    const r = byId.get(id);
    if (!r || !sameAsChanged(r)) continue;
    designChanged.push(id);
    for (const old of (existing.get(id)?.sameAs ?? []) as unknown[][]) designChanged.push(String(old[0]));
  }
  const write = new Set([...c.created, ...c.updated]);
  const changed = rows.filter((r) => write.has(r.id));
  await writeNodes(
    tx,
    "Study",
    changed.map(({ id, props }) => ({ id, props })),
    audit,
  );

  await writeCitations(tx, changed, (id) => (existing.get(id)?.citations ?? []) as unknown[][]);
  await writeSameAs(tx, changed);
  return { classes: c, ruleChanged: uniq(designChanged) };
}

type StudyRow = { id: string; study: StudyInput };

/**
 * CITES: per (study, source) the bundle's citations replace the database's. The study is locked
 * and its citations were read under that lock, so the missing ones are CREATEd: a MERGE would
 * lock the source exclusively, and every study of an article is cited by its one source.
 */
async function writeCitations(tx: ManagedTransaction, changed: readonly StudyRow[], stored: (id: string) => unknown[][]) {
  const keepCites = changed.flatMap((r) =>
    uniq(r.study.citations.map((c) => c.source)).map((source) => ({
      study: r.id,
      source,
      keep: r.study.citations.filter((c) => c.source === source).map((c) => [c.as, c.locator]),
    })),
  );
  if (keepCites.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (:Source {id: row.source})-[r:CITES]->(s:Study {id: row.study}) USING INDEX SEEK s:Study(id)
       WHERE NOT [r.as, r.locator] IN row.keep
       DELETE r RETURN count(*) AS n`,
      keepCites,
    );
  }
  const cites = changed.flatMap((r) => {
    const old = new Set(stored(r.id).map((c) => pairKey(c[0], c[1], c[2])));
    return uniq(r.study.citations.map((c) => pairKey(c.source, c.as, c.locator)))
      .filter((key) => !old.has(key))
      .map((key) => {
        const [source, as, locator] = JSON.parse(key) as [string, string, string];
        return { study: r.id, source, as, locator };
      });
  });
  if (cites.length) {
    await unwindAll(
      tx,
      "citations",
      `UNWIND $rows AS row
       MATCH (src:Source {id: row.source}), (s:Study {id: row.study}) USING INDEX SEEK src:Source(id) USING INDEX SEEK s:Study(id)
       CREATE (src)-[r:CITES {as: row.as, locator: row.locator}]->(s)
       RETURN count(*) AS n`,
      cites,
    );
  }
}

/** SAME_AS: a non-empty list replaces the study's outgoing SAME_AS. */
async function writeSameAs(tx: ManagedTransaction, changed: readonly StudyRow[]) {
  const withSameAs = changed.filter((r) => r.study.sameAs.length);
  if (withSameAs.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (s:Study {id: row.study})-[r:SAME_AS]->(o:Study) USING INDEX SEEK s:Study(id)
       WHERE NOT o.id IN row.keep
       DELETE r RETURN count(*) AS n`,
      withSameAs.map((r) => ({ study: r.id, keep: r.study.sameAs.map((s) => s.study) })),
    );
    await unwindAll(
      tx,
      "sameAs",
      `UNWIND $rows AS row
       MATCH (a:Study {id: row.from}), (b:Study {id: row.to}) USING INDEX SEEK a:Study(id) USING INDEX SEEK b:Study(id)
       MERGE (a)-[r:SAME_AS]->(b)
       SET r.note = row.note, r.confidence = row.confidence, r.voice = row.voice
       RETURN count(*) AS n`,
      withSameAs.flatMap((r) =>
        [...new Map(r.study.sameAs.map((s) => [s.study, s])).values()].map((s) => ({
          from: r.id,
          to: s.study,
          note: s.note,
          confidence: s.confidence,
          voice: s.voice,
        })),
      ),
    );
  }
}

/* ------------------------------------------------------------------ KGX work records (bulk) */

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

/**
 * After a new release is written and its retracted links taken off: the work records the release
 * took off links (`ctx.droppedWorks`) that no link or negated link cites any more are deleted,
 * if the import made them and nothing else points at them (a curated study, or one a claim cites
 * or a source's reference list names, stays). Finding what still cites them reads every link's
 * `studyIds` once (no index holds list elements). Each deleted record keeps a before-image, made
 * again if the import is taken back.
 */
export async function retractWorks(
  db: Database,
  ctx: BulkContext,
  opts: { timeoutMs?: number; onBatch?: (done: number) => Promise<void> | void } = {},
): Promise<number> {
  const candidates = [...(ctx.droppedWorks ?? [])];
  if (!candidates.length) return 0;
  const cited = await db.read(
    `MATCH ()-[l:LINK|NEGATED_LINK]->() WHERE l.studyIds IS NOT NULL
     UNWIND l.studyIds AS id WITH DISTINCT id WHERE id IN $candidates RETURN id`,
    { candidates },
  );
  const stillCited = new Set(cited.records.map((r) => r.get("id") as string));
  const unused = candidates.filter((id) => !stillCited.has(id));
  let deleted = 0;
  for (let i = 0; i < unused.length; i += BATCH) {
    deleted += await db.write(
      async (tx) => {
        const found = await tx.run(
          `UNWIND $ids AS id MATCH (s:Study {id: id}) USING INDEX SEEK s:Study(id)
           WHERE s.designVoice = 'KNOWLEDGE_GRAPH' AND NOT EXISTS { (s)--() }
           RETURN s.id AS id, properties(s) AS props`,
          { ids: unused.slice(i, i + BATCH) },
        );
        const rows = found.records.map((r) => ({ id: r.get("id") as string, props: r.get("props") as Props }));
        if (!rows.length) return 0;
        await writeUndo(tx, ctx, "DELETED_STUDY", rows);
        await tx.run("UNWIND $ids AS id MATCH (s:Study {id: id}) USING INDEX SEEK s:Study(id) DELETE s", {
          ids: rows.map((r) => r.id),
        });
        await bumpGraphVersion(tx);
        return rows.length;
      },
      undefined,
      opts.timeoutMs,
    );
    await opts.onBatch?.(Math.min(i + BATCH, unused.length));
  }
  return deleted;
}
