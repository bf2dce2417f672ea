/**
 * Writes a validated, reference-checked bundle inside ONE given transaction (schema/model.md), by
 * the per-kind writers of src/graph/write/ and, last, the one derived-data step (write/derived.ts).
 *
 * - Batched: one `UNWIND $rows AS row ...` statement per kind of thing (chunked only for very
 *   large bundles), always parameterised; relationship types come from fixed tables in code.
 * - Idempotent: existing records are read first and compared with the bundle; only records that
 *   are new or differ are written, so a second run writes nothing, reports everything as
 *   unchanged and leaves updatedAt/updatedBy as they were.
 * - A claim in a bundle is authoritative for its own `about`, `links`, `statedIn` and
 *   `evidence`: what the database holds beyond the bundle's lists is removed (a LINK that no
 *   claim asserts any more is deleted). A study is authoritative for its citations *per source
 *   it names*, and for its `sameAs` list when that list is non-empty.
 * - Imports never delete nodes.
 */
import type { ManagedTransaction } from "neo4j-driver";
import type { Bundle } from "../model/bundle.js";
import { writeClaims } from "./write/claims.js";
import { LOCK_ORDER, lockRecords, type NodeLabel, tally, upsertNodes, type WriteReport, zeroCounts } from "./write/common.js";
import { refreshDerived } from "./write/derived.js";
import { type StoredEvidence, tallyEvidence, wantedEvidence, writeEvidence } from "./write/evidence.js";
import { linkSubjects, writeLinks } from "./write/links.js";
import { entityProps, normalizeClaim, sourceProps } from "./write/records.js";
import { writeStudies } from "./write/studies.js";

export type { Counts, WriteReport } from "./write/common.js";
export { edgeOf, refreshEvidence } from "./write/derived.js";

export type WriteStep = "entities" | "sources" | "studies" | "claims" | "links" | "evidence" | "evidence-summaries";

export interface WriteOptions {
  /** Who writes: stored in createdBy/updatedBy. */
  actor: string;
  /** ISO timestamp for createdAt/updatedAt (default: now). */
  now?: string;
  /** Called before each step, inside the transaction: progress logs (and fault injection in tests). */
  onStep?: (step: WriteStep, tx: ManagedTransaction) => Promise<void> | void;
  /**
   * Completes the bundle once its records are locked, before any of them is read: what it reads
   * (e.g. the evidence createClaim keeps) no other writer can change before this one commits.
   * It may add to the claims' evidence only: the locks were taken for the bundle as given.
   */
  prepare?: (tx: ManagedTransaction, bundle: Bundle) => Promise<Bundle>;
}

export async function writeBundle(tx: ManagedTransaction, given: Bundle, opts: WriteOptions): Promise<WriteReport> {
  const audit = { now: opts.now ?? new Date().toISOString(), actor: opts.actor };
  const report: WriteReport = { created: zeroCounts(), updated: zeroCounts(), unchanged: zeroCounts(), removed: zeroCounts() };
  const step = async (name: WriteStep) => opts.onStep?.(name, tx);

  // Later entries win over earlier ones with the same id (validation reports such duplicates).
  const last = <T extends { id: string }>(items: readonly T[]) => [...new Map(items.map((i) => [i.id, i])).values()];
  const lockedClaims = last(given.claims).map(normalizeClaim);

  // Locks first (write/common.ts): the records written, and the subjects of the links asserted.
  const own: Record<NodeLabel, string[]> = {
    Entity: given.entities.map((e) => e.id),
    Source: given.sources.map((s) => s.id),
    Study: given.studies.map((s) => s.id),
    Claim: lockedClaims.map((c) => c.id),
  };
  const created = {} as Record<NodeLabel, Set<string>>;
  for (const label of LOCK_ORDER) {
    const existing = label === "Entity" ? linkSubjects(lockedClaims.flatMap((c) => c.links.map((l) => l.id))) : [];
    created[label] = await lockRecords(tx, label, { own: own[label], existing }, audit);
  }
  const bundle = opts.prepare ? await opts.prepare(tx, given) : given;
  const claims = opts.prepare ? last(bundle.claims).map(normalizeClaim) : lockedClaims;

  await step("entities");
  const entities = last(bundle.entities).map((e) => ({ id: e.id, props: entityProps(e) }));
  tally(report, "entities", await upsertNodes(tx, "Entity", entities, audit, created.Entity));
  await step("sources");
  const sources = last(bundle.sources).map((s) => ({ id: s.id, props: sourceProps(s) }));
  tally(report, "sources", await upsertNodes(tx, "Source", sources, audit, created.Source));

  await step("studies");
  const studies = await writeStudies(tx, last(bundle.studies), audit, created.Study);
  tally(report, "studies", studies.classes);

  await step("claims");
  const written = await writeClaims(tx, claims, audit, created.Claim);
  tally(report, "claims", written.classes);

  await step("links");
  const links = await writeLinks(tx, claims, written.existing, audit);
  tally(report, "links", links.classes);
  report.removed.links += links.deleted.length;

  await step("evidence");
  const edits = claims.map((c) => ({
    claim: c.id,
    stored: (written.existing.get(c.id)?.evidence ?? []) as StoredEvidence[],
    wanted: wantedEvidence(c),
  }));
  tallyEvidence(report, await writeEvidence(tx, edits, audit));

  await step("evidence-summaries");
  const deleted = new Set(links.deleted);
  const changed = [report.created, report.updated, report.removed].some((counts) => Object.values(counts).some((n) => n > 0));
  await refreshDerived(
    tx,
    {
      claimIds: claims.map((c) => c.id),
      studyIds: studies.ruleChanged,
      linkIds: links.affected.filter((id) => !deleted.has(id)),
      removedLinkEnds: links.removedEnds,
    },
    changed,
  );
  return report;
}
