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
import { toPlain } from "../../db/database.js";
import { linkOfId } from "../../model/vocabulary.js";
import {
  addTime,
  type BulkContext,
  type BulkCounts,
  type Classified,
  lockRecords,
  type Props,
  readMap,
  sameValue,
  timedStep,
  touchedBy,
  uniq,
  unwind,
  unwindAll,
  zeroBulk,
} from "./common.js";
import { kgLinkEvidence } from "./derived.js";
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
      if (!touchedBy(old, ctx)) undo.push({ id: row.id, props: old });
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
  return counts;
}
