/**
 * Mechanism LINKs: one relationship per (from, predicate, to), with `claimIds` = the claims
 * asserting it. A link no claim asserts any more is deleted.
 *
 * Every writer of a link holds the lock of its subject (`from`) entity, taken before the link
 * is read (common.ts, lockRecords): writers of one link take turns, so a link is created once
 * and no writer's claim id is lost from `claimIds`. The link is then CREATEd, not MERGEd: MERGE
 * would lock both ends exclusively, and the object of a link is often a hub (anxiety, GABA)
 * that every writer touches.
 */
import type { ManagedTransaction } from "neo4j-driver";
import { linkOfId } from "../../model/vocabulary.js";
import { type Classified, lockRecords, type Props, readMap, sameValue, uniq, unwind, unwindAll } from "./common.js";

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
     RETURN l.id AS id, l.claimIds AS claimIds, l.predicate AS predicate, a.id AS from, b.id AS to`,
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
    if (!next.length) {
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
       SET l.predicate = row.predicate, l.claimIds = row.claimIds, l.updatedAt = $now, l.updatedBy = $actor
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
