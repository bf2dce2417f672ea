/**
 * Mechanism LINKs: one relationship per (from, predicate, to), with `claimIds` = the claims
 * asserting it. A link no claim asserts any more is deleted, unless an imported knowledge graph
 * states it too (`kgSources`): then it keeps the KG's statement, without claims.
 *
 * Every writer of a link holds the lock of its subject (`from`) entity, taken before the link
 * is read (common.ts, lockRecords): writers of one link take turns, so a link is created once
 * and no writer's claim id is lost from `claimIds`. The link is then CREATEd, not MERGEd: MERGE
 * would lock both ends exclusively, and the object of a link is often a hub (anxiety, GABA)
 * that every writer touches.
 *
 * At the end, the links a KGX import writes in bulk (see the bulk writers' notes in common.ts):
 * created or extended with the knowledge graph's provenance, never taking a claim's away.
 */
import type { ManagedTransaction } from "neo4j-driver";
import { type Database, toPlain } from "../../db/database.js";
import { deniedLinkIdCypher, negatedLinkIdCypher } from "../../kgx/mapping.js";
import { linkOfId } from "../../model/vocabulary.js";
import { type Contribution, contributionsOf, KG_LISTS, kgUnion, list, partOf, QUALIFIER_KEYS, storedPart } from "../kg-parts.js";
import { bumpGraphVersion } from "../traversal-cache.js";
import {
  addTime,
  BATCH,
  type BulkContext,
  type BulkCounts,
  type Classified,
  lockRecords,
  type Props,
  readMap,
  sameProps,
  sameValue,
  timedStep,
  touchedBy,
  uniq,
  unwind,
  unwindAll,
  zeroBulk,
} from "./common.js";
import { kgLinkEvidence, refreshEvidence } from "./derived.js";
import { writeUndo } from "./undo.js";

/** The subject entities of the given links: what a writer of them locks. */
export const linkSubjects = (linkIds: readonly string[]) => uniq(linkIds.map((id) => linkOfId(id).from));

import type { NormalClaim } from "./records.js";

export interface LinksWritten {
  classes: Classified;
  /** Every link whose claims may have changed (created, updated, unchanged or deleted). */
  affected: string[];
  deleted: string[];
  /** Ends of the deleted links: their strongest-link shortcuts are rebuilt. */
  removedEnds: Array<{ from: string; to: string }>;
}

/** Writes the links of the given claims; `existingClaims` is what the claims writer read before writing. */
export async function writeLinks(
  tx: ManagedTransaction,
  claims: readonly NormalClaim[],
  existingClaims: ReadonlyMap<string, Props>,
  audit: Props,
): Promise<LinksWritten> {
  const claimIds = claims.map((c) => c.id);
  const bundleClaimIds = new Set(claimIds);
  const assertedBy = new Map<string, { link: NormalClaim["links"][number]; claims: string[] }>();
  for (const c of claims) {
    for (const link of c.links) {
      const entry = assertedBy.get(link.id) ?? { link, claims: [] };
      entry.claims.push(c.id);
      assertedBy.set(link.id, entry);
    }
  }
  const oldLinkIds = claims.flatMap((c) => ((existingClaims.get(c.id)?.props as Props | undefined)?.linkIds ?? []) as string[]);
  const affectedLinks = uniq([...oldLinkIds, ...assertedBy.keys()]);
  // The asserted links' subjects are locked already (bundle-writer.ts); links a claim no longer
  // asserts may have other subjects: locked now (re-taking a held lock costs nothing).
  await lockRecords(tx, "Entity", { own: [], existing: linkSubjects(affectedLinks) }, audit);
  const existingLinks = await readMap(
    tx,
    `UNWIND $ids AS id MATCH (a)-[l:LINK {id: id}]->(b) USING INDEX SEEK l:LINK(id)
     RETURN l.id AS id, l.claimIds AS claimIds, l.predicate AS predicate, a.id AS from, b.id AS to,
       size(coalesce(l.kgSources, [])) > 0 AS statedByKg`,
    affectedLinks,
  );
  const linkRows: Array<{ id: string; from: string; predicate: string; to: string; claimIds: string[] }> = [];
  const deleteLinks: string[] = [];
  const linkClasses: Classified = { created: [], updated: [], unchanged: [] };
  for (const id of affectedLinks) {
    const old = existingLinks.get(id);
    const oldClaimIds = (old?.claimIds ?? []) as string[];
    const asserted = assertedBy.get(id);
    const next = uniq([...oldClaimIds.filter((c) => !bundleClaimIds.has(c)), ...(asserted?.claims ?? [])]).sort();
    // A link no claim asserts any more goes, unless an imported knowledge graph states it too:
    // then it stays as the KG's statement (its evidence falls back to the KG's, derived.ts).
    if (!next.length && !old?.statedByKg) {
      if (old) deleteLinks.push(id);
      continue;
    }
    const ends = asserted?.link ?? { from: String(old?.from), predicate: String(old?.predicate), to: String(old?.to) };
    const row = { id, from: ends.from, predicate: ends.predicate, to: ends.to, claimIds: next };
    if (!old) linkClasses.created.push(id);
    else if (!sameValue(oldClaimIds, next) || old.predicate !== ends.predicate) linkClasses.updated.push(id);
    else {
      linkClasses.unchanged.push(id);
      continue;
    }
    linkRows.push(row);
  }
  const created = new Set(linkClasses.created);
  const newRows = linkRows.filter((r) => created.has(r.id));
  const changedRows = linkRows.filter((r) => !created.has(r.id));
  if (newRows.length) {
    await unwindAll(
      tx,
      "links",
      `UNWIND $rows AS row
       MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to}) USING INDEX SEEK a:Entity(id) USING INDEX SEEK b:Entity(id)
       CREATE (a)-[l:LINK {id: row.id}]->(b)
       SET l.createdAt = $now, l.createdBy = $actor,
         l.predicate = row.predicate, l.claimIds = row.claimIds, l.updatedAt = $now, l.updatedBy = $actor
       RETURN count(*) AS n`,
      newRows,
      audit,
    );
  }
  if (changedRows.length) {
    await unwindAll(
      tx,
      "links",
      `UNWIND $rows AS row
       MATCH ()-[l:LINK {id: row.id}]->() USING INDEX SEEK l:LINK(id)
       SET l.predicate = row.predicate, l.claimIds = CASE WHEN size(row.claimIds) > 0 THEN row.claimIds END,
         l.updatedAt = $now, l.updatedBy = $actor
       RETURN count(*) AS n`,
      changedRows,
      audit,
    );
  }
  if (deleteLinks.length) {
    await unwind(
      tx,
      "UNWIND $rows AS id MATCH ()-[l:LINK {id: id}]->() USING INDEX SEEK l:LINK(id) DELETE l RETURN count(*) AS n",
      deleteLinks,
    );
  }

  const removedEnds = deleteLinks
    .map((id) => existingLinks.get(id) as Props)
    .map((e) => ({ from: String(e.from), to: String(e.to) }));
  return { classes: linkClasses, affected: affectedLinks, deleted: deleteLinks, removedEnds };
}

/* ------------------------------------------------------------------ KGX links (bulk) */

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

/** One KG's part of a link (kg-parts.ts) from the statements its files make of it. */
function contributionOf(sourceId: string, statements: readonly KgStatement[]): Contribution {
  const pick = (f: (x: KgStatement) => Array<string | null>) =>
    uniq(statements.flatMap(f).filter((v): v is string => Boolean(v)));
  const qualifiers: Record<string, string> = {};
  for (const x of [...statements].reverse()) Object.assign(qualifiers, x.qualifiers);
  return {
    sources: [sourceId],
    lists: {
      kgxEdgeIds: pick((x) => [x.edgeId]),
      kgxHashes: pick((x) => [x.hash]),
      primaryKnowledgeSources: pick((x) => [x.primaryKnowledgeSource]),
      aggregatorKnowledgeSources: pick((x) => x.aggregatorKnowledgeSources),
      knowledgeLevels: pick((x) => [x.knowledgeLevel]),
      agentTypes: pick((x) => [x.agentType]),
      publications: pick((x) => x.publications),
      studyIds: pick((x) => x.studyIds),
    },
    qualifiers,
    biolinkPredicate: (statements[0] as KgStatement).biolinkPredicate,
  };
}

/** Both parts as one (lists are unions; the first part's qualifiers and Biolink predicate win). */
function joined(a: Contribution, b: Contribution): Contribution {
  return {
    sources: uniq([...a.sources, ...b.sources]),
    lists: Object.fromEntries(KG_LISTS.map((k) => [k, uniq([...(a.lists[k] ?? []), ...(b.lists[k] ?? [])])])),
    qualifiers: { ...b.qualifiers, ...a.qualifiers },
    biolinkPredicate: a.biolinkPredicate,
  };
}

/**
 * A link's KG properties from its parts (kg-parts.ts: each part one JSON string, beside the unions
 * Cypher reads); `old` is what it holds (claims, audit). For a link that exists, a property no
 * part gives any more is null (removed by `SET l += props`), as are the lists a link written
 * before parts were JSON kept as properties of their own; for a new one, left out. An empty list
 * is never stored (every reader takes a missing list as empty).
 */
function linkProps(predicate: string, parts: readonly Contribution[], old: Props | undefined): Props {
  const all = parts.reduce(joined);
  const props: Props = {
    predicate,
    biolinkPredicate: all.biolinkPredicate,
    kgSources: all.sources,
    studyIds: all.lists.studyIds ?? [],
    ...Object.fromEntries(QUALIFIER_KEYS.map((k) => [k, all.qualifiers[k] ?? null])),
    kgContributions: parts.map(storedPart),
    evidenceVoice: "KNOWLEDGE_GRAPH",
  };
  if (old) for (const k of KG_LISTS) if (!(k in props)) props[k] = null;
  // A link a claim asserts keeps the evidence the rule gives its claims' studies.
  if (!list(old?.claimIds).length) {
    Object.assign(props, kgLinkEvidence(predicate, all.lists.studyIds ?? [], all.lists.knowledgeLevels ?? []));
  }
  for (const [key, value] of Object.entries(props)) {
    if (value === null || (Array.isArray(value) && value.length === 0)) {
      if (old) props[key] = null;
      else delete props[key];
    }
  }
  return props;
}

/**
 * The link's properties once the statements are added to what it holds: to its KG's part (lists
 * are unions), or, with `replace` (a new release of the KG, first touching this link), instead of it.
 */
function mergedLink(row: LinkRow, old: Props | undefined, sourceId: string, replace = false): Props {
  const mine = contributionOf(sourceId, row.statements);
  const parts = old ? contributionsOf(old) : [];
  const at = parts.findIndex((c) => c.sources.length === 1 && c.sources[0] === sourceId);
  if (at < 0) parts.push(mine);
  else parts[at] = replace ? mine : joined(parts[at] as Contribution, mine);
  return linkProps(row.predicate, parts, old);
}

/** The statement hashes of the link's part from `sourceId` (none if that KG does not state it). */
const ownHashes = (link: Props, sourceId: string): string[] => partOf(link, sourceId)?.lists.kgxHashes ?? [];

/** The link's KG parts but the one `sourceId` alone states. */
const partsWithout = (link: Props, sourceId: string) =>
  contributionsOf(link).filter((c) => !(c.sources.length === 1 && c.sources[0] === sourceId));

/**
 * The link without what `sourceId` alone states (its release no longer states it): its new
 * properties, or null when nothing states or asserts it any more (the link goes).
 */
export function linkWithout(link: Props, sourceId: string): Props | null {
  const parts = partsWithout(link, sourceId);
  if (parts.length) return linkProps(String(link.predicate), parts, link);
  if (!list(link.claimIds).length) return null;
  return noKgPart();
}

/**
 * What `SET l += ...` takes off a link so that only its claims assert it: every KG property
 * (its evidence is then the claims', derived.ts).
 */
export function noKgPart(): Props {
  const props: Props = { kgSources: null, kgContributions: null, evidenceVoice: null, biolinkPredicate: null };
  for (const k of [...KG_LISTS, ...QUALIFIER_KEYS]) props[k] = null;
  return props;
}

/** A batch of link rows, one per link id, with the properties each gets if it is new. */
export interface PreparedLinks {
  byId: Map<string, LinkRow>;
  /** Link id → its properties if no such link exists yet (most, in a first import). */
  fresh: Map<string, Props>;
  /** The ids that may exist already, to be looked up (absent: all). */
  lookUp?: string[];
}

/** What an import knows of its links before it writes them (see `prepareLinks`). */
export interface KnownNew {
  /** Entities the import created (BulkContext.newEntities). */
  newEntities: ReadonlySet<string>;
  /** The link ids of the import's earlier batches (a Bloom filter: "maybe" is looked up). */
  earlier: { test(id: string): boolean; add(id: string): void };
}

/**
 * Groups a batch's rows by link id and works out each new link's properties: done outside the
 * write transaction, while the batch before is being written (the importer runs one batch
 * ahead), so that the transaction only merges what it finds already there. With `known`, a link
 * with an end the import created, and not stated by an earlier batch, is certainly new: it is
 * not looked up (in a first import, most links; the lookup was a tenth of writing them).
 */
export function prepareLinks(rows: readonly LinkRow[], sourceId: string, known?: KnownNew): PreparedLinks {
  const byId = new Map<string, LinkRow>();
  for (const r of rows) {
    const had = byId.get(r.id);
    byId.set(r.id, had ? { ...had, statements: [...had.statements, ...r.statements] } : r);
  }
  const fresh = new Map<string, Props>();
  for (const [id, row] of byId) fresh.set(id, mergedLink(row, undefined, sourceId));
  if (!known) return { byId, fresh };
  const lookUp: string[] = [];
  for (const [id, row] of byId) {
    const newEnd = known.newEntities.has(row.from) || known.newEntities.has(row.to);
    if (!newEnd || known.earlier.test(id)) lookUp.push(id);
    known.earlier.add(id);
  }
  return { byId, fresh, lookUp };
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
  { byId, fresh, lookUp }: PreparedLinks,
  sourceId: string,
  ctx: BulkContext,
): Promise<BulkCounts & { ends: Array<{ from: string; to: string }> }> {
  const counts = { ...zeroBulk(), ends: [] as Array<{ from: string; to: string }> };
  const existing = await timedStep(ctx, "links: read existing", () =>
    tx.run(
      `UNWIND $ids AS id MATCH ()-[l:${type} {id: id}]->() USING INDEX SEEK l:${type}(id)
     RETURN l.id AS id, properties(l) AS props`,
      { ids: lookUp ?? [...byId.keys()] },
    ),
  );
  const found = new Map(existing.records.map((r) => [r.get("id") as string, r.get("props") as Props]));
  const create: Props[] = [];
  const update: Props[] = [];
  const mark: string[] = [];
  const undo: Array<{ id: string; props: Props }> = [];
  const comparing = performance.now();
  for (const row of byId.values()) {
    const old = found.get(row.id);
    // A new release replaces its KG's part of every link it states, the first time it meets the
    // link; each link it meets is marked (lastImportId), even unchanged: what is left unmarked
    // afterwards, it no longer states (`retractSource`).
    const replacing = Boolean(ctx.replace && old && !touchedBy(old, ctx));
    // A link an earlier batch of this writing run created, changed or marked was counted then: a
    // link is counted once, however many batches state it. (A check of published files, with
    // the same import id, counts what that import wrote.)
    const tally = (how: keyof BulkCounts) => {
      if (!old || !ctx.write || !touchedBy(old, ctx)) counts[how] += 1;
    };
    if (old && !replacing && row.statements.every((s) => ownHashes(old, sourceId).includes(s.hash))) {
      tally("unchanged");
      continue;
    }
    if (!old) {
      tally("created");
      counts.ends.push({ from: row.from, to: row.to });
      create.push({ from: row.from, to: row.to, props: { ...(fresh.get(row.id) as Props), id: row.id } });
      continue;
    }
    const props = mergedLink(row, toPlain(old) as Props, sourceId, replacing);
    if (replacing) dropWorks(ctx, old, props);
    if (!touchedBy(old, ctx)) undo.push({ id: row.id, props: old });
    if (sameProps(props, old)) {
      tally("unchanged");
      mark.push(row.id);
    } else {
      tally("updated");
      counts.ends.push({ from: row.from, to: row.to });
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
       SET l += row.props, l.updatedAt = $now, l.updatedBy = $actor, l.lastImportId = $importId`,
      { rows: update, ...ctx.audit, importId: ctx.importId },
    );
  }
  if (mark.length) {
    await tx.run(
      `UNWIND $ids AS id MATCH ()-[l:${type} {id: id}]->() USING INDEX SEEK l:${type}(id) SET l.lastImportId = $importId`,
      { ids: mark, importId: ctx.importId },
    );
  }
  return counts;
}

/** Notes the work records a link cites before (`old`) and no longer after (`props`; null: deleted). */
function dropWorks(ctx: BulkContext, old: Props, props: Props | null) {
  if (!ctx.droppedWorks) return;
  const kept = new Set(list(props?.studyIds));
  for (const id of list(old.studyIds)) if (!kept.has(id)) ctx.droppedWorks.add(id);
}

/**
 * What `retractSource` would do (a dry run of a release): the KG's links that `stated` (the
 * ids of the links the release states) lacks, counted as kept for another KG or a claim, or
 * deleted (and those ids, for `wouldRetractEntities`).
 */
export async function wouldRetract(
  db: Database,
  sourceId: string,
  stated: ReadonlySet<string>,
): Promise<{ updated: number; deleted: number; deletedIds: Set<string> }> {
  const links = await db.read(
    `MATCH ()-[l:LINK|NEGATED_LINK]->() WHERE $source IN l.kgSources
     RETURN l.id AS id, l.kgSources AS kgSources, l.kgContributions AS kgContributions, l.claimIds AS claimIds`,
    { source: sourceId },
  );
  const counts = { updated: 0, deleted: 0, deletedIds: new Set<string>() };
  for (const r of links.records) {
    if (stated.has(r.get("id"))) continue;
    // Kept if another KG's part or a claim remains (what `linkWithout` decides), else deleted.
    const link = r.toObject() as Props;
    if (partsWithout(link, sourceId).length || list(link.claimIds).length) counts.updated += 1;
    else {
      counts.deleted += 1;
      counts.deletedIds.add(String(link.id));
    }
  }
  return counts;
}

/**
 * After a new release of a knowledge graph is written (`replace`): each link the KG stated and
 * its release no longer states (one this import did not mark) loses the KG's part, and goes if
 * nothing states or asserts it any more. Before-images as for any change (a deleted link's with
 * its ends), so that taking the import back restores them; returns the counts and the ends whose
 * strongest-link shortcuts move.
 */
export async function retractSource(
  db: Database,
  sourceId: string,
  ctx: BulkContext,
  opts: { timeoutMs?: number; onBatch?: (done: number) => Promise<void> | void } = {},
): Promise<{ updated: number; deleted: number; ends: Set<string> }> {
  const result = { updated: 0, deleted: 0, ends: new Set<string>() };
  const stale = await db.read(
    `MATCH ()-[l:LINK|NEGATED_LINK]->() WHERE $source IN l.kgSources
       AND coalesce(l.importId, '') <> $importId AND coalesce(l.lastImportId, '') <> $importId
     RETURN l.id AS id, type(l) AS type`,
    { source: sourceId, importId: ctx.importId },
  );
  for (const type of ["LINK", "NEGATED_LINK"] as const) {
    const ids = stale.records.filter((r) => r.get("type") === type).map((r) => r.get("id") as string);
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      // Counted once committed: a transaction retried after a conflict runs its work again.
      const [updated, deleted] = await db.write(
        async (tx) => {
          const found = await tx.run(
            `UNWIND $ids AS id MATCH (a)-[l:${type} {id: id}]->(b) USING INDEX SEEK l:${type}(id)
             RETURN a.id AS from, b.id AS to, properties(l) AS props`,
            { ids: batch },
          );
          const undo: Array<{ id: string; props: Props; from?: string; to?: string }> = [];
          const update: Props[] = [];
          const remove: string[] = [];
          for (const r of found.records) {
            const old = r.get("props") as Props;
            const id = old.id as string;
            const props = linkWithout(toPlain(old) as Props, sourceId);
            dropWorks(ctx, old, props);
            if (props) update.push({ id, props });
            else remove.push(id);
            undo.push(props ? { id, props: old } : { id, props: old, from: r.get("from"), to: r.get("to") });
            result.ends.add(r.get("from"));
            result.ends.add(r.get("to"));
          }
          await writeUndo(tx, ctx, type, undo);
          await tx.run(
            `UNWIND $rows AS row MATCH ()-[l:${type} {id: row.id}]->() USING INDEX SEEK l:${type}(id)
             SET l += row.props, l.updatedAt = $now, l.updatedBy = $actor, l.lastImportId = $importId`,
            { rows: update, ...ctx.audit, importId: ctx.importId },
          );
          await tx.run(`UNWIND $ids AS id MATCH ()-[l:${type} {id: id}]->() USING INDEX SEEK l:${type}(id) DELETE l`, {
            ids: remove,
          });
          if (update.length + remove.length) await bumpGraphVersion(tx);
          return [update.length, remove.length];
        },
        undefined,
        opts.timeoutMs,
      );
      result.updated += updated;
      result.deleted += deleted;
      await opts.onBatch?.(result.updated + result.deleted);
    }
  }
  return result;
}

/**
 * After an import's links are written (and a release's retracted): the evidence of each link no
 * claim asserts that a KG's negated edge denies, or denied before this import changed or deleted
 * the negation, worked out again with the negation's publications against it (evidence-rule.ts
 * step 9), by the one evidence refresh every writer uses (derived.ts), which also moves the
 * links' shortcuts. Reads every negated link once (few: negated edges are rare in KGs) to find
 * the links whose evidence changes: only those are refreshed, each with a before-image.
 */
export async function refreshDeniedLinks(
  db: Database,
  ctx: BulkContext,
  opts: { timeoutMs?: number; onBatch?: (done: number) => Promise<void> | void } = {},
): Promise<number> {
  const found = await db.read(
    `CALL {
       MATCH ()-[n:NEGATED_LINK]->() RETURN ${deniedLinkIdCypher("n.id")} AS id
       UNION
       MATCH (u:KgxUndo {importId: $importId}) WHERE u.kind = 'NEGATED_LINK' RETURN ${deniedLinkIdCypher("u.id")} AS id
     }
     MATCH ()-[l:LINK {id: id}]->() USING INDEX SEEK l:LINK(id)
     WHERE size(coalesce(l.claimIds, [])) = 0 AND size(coalesce(l.kgSources, [])) > 0
     RETURN properties(l) AS props,
       coalesce(head(COLLECT { MATCH ()-[n:NEGATED_LINK {id: ${negatedLinkIdCypher("l.id")}}]->() RETURN n.studyIds }), []) AS denied`,
    { importId: ctx.importId },
  );
  const changed: Array<{ id: string; props: Props }> = [];
  for (const r of found.records) {
    const props = r.get("props") as Props;
    const kg = kgLinkEvidence(String(props.predicate), list(props.studyIds), kgUnion(props, "knowledgeLevels"), r.get("denied"));
    const stored = [props.level, props.supporting, props.contradicting, props.score, props.certainty];
    if (!sameValue(toPlain(stored), toPlain([kg.level, kg.supporting, kg.contradicting, kg.score, kg.certainty])))
      changed.push({ id: String(props.id), props });
  }
  for (let i = 0; i < changed.length; i += BATCH) {
    const batch = changed.slice(i, i + BATCH);
    await db.write(
      async (tx) => {
        await writeUndo(
          tx,
          ctx,
          "LINK",
          batch.filter((c) => !touchedBy(c.props, ctx)),
        );
        // Worked out in the transaction: a link a curator has asserted since gets its claims' evidence.
        await refreshEvidence(tx, { linkIds: batch.map((c) => c.id) });
        await bumpGraphVersion(tx);
      },
      undefined,
      opts.timeoutMs,
    );
    await opts.onBatch?.(Math.min(i + BATCH, changed.length));
  }
  return changed.length;
}
