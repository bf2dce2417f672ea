/**
 * Evidence edges, Study-[:SUPPORTS|CONTRADICTS|MIXED {note, voice, bearsOn, verdict, ...}]->Claim,
 * one per (study, claim): the one writer of evidence, for bundles (a claim's list replaces the
 * database's) and for the evidence mutations (one edge set or removed). An edge keeps its
 * createdAt/createdBy through any change, its stance included.
 */
import type { ManagedTransaction } from "neo4j-driver";
import type { EvidenceInput } from "../../model/bundle.js";
import { EVIDENCE_TYPES, STANCES, type Stance } from "../../model/vocabulary.js";
import { type Counts, type Props, pairKey, unwind, unwindAll } from "./common.js";
import { EVIDENCE_PROP_NAMES, type EvidenceProps, evidenceProps, type NormalClaim } from "./records.js";

/** Evidence relationship types by stance: a fixed table, never text from the input. */
const EVIDENCE_REL: Record<Stance, string> = { SUPPORTS: "SUPPORTS", CONTRADICTS: "CONTRADICTS", MIXED: "MIXED" };

/** An evidence edge as stored, read back with its audit fields. */
export interface StoredEvidence extends EvidenceProps {
  study: string;
  stance: Stance;
  createdAt: string | null;
  createdBy: string | null;
}

/** Cypher map of a stored evidence edge `e` from study `s` (StoredEvidence). */
export const STORED_EVIDENCE = (s: string, e: string) =>
  `${e} {study: ${s}.id, stance: type(${e}), ${[...EVIDENCE_PROP_NAMES, "createdAt", "createdBy"].map((k) => `.${k}`).join(", ")}}`;

type WantedEvidence = EvidenceProps & { study: string; stance: Stance };

/** Comparable form of an edge: equal keys mean nothing to write. */
export const evidenceKey = (e: EvidenceProps & { study: string; stance: string }) =>
  pairKey(e.study, e.stance, ...EVIDENCE_PROP_NAMES.map((k) => e[k] ?? null));

/** An evidence input as the writer compares and stores it. */
export const evidenceOf = (e: EvidenceInput): WantedEvidence => ({ study: e.study, stance: e.stance, ...evidenceProps(e) });
export const wantedEvidence = (c: NormalClaim): WantedEvidence[] => c.input.evidence.map(evidenceOf);

/** What one claim's evidence should become: `wanted` replaces `stored` (per study; null removes). */
export interface EvidenceEdit {
  claim: string;
  stored: readonly StoredEvidence[];
  wanted: ReadonlyArray<WantedEvidence>;
  /** Only these studies' edges are the edit's business (an evidence mutation); absent: all of the claim's. */
  studies?: readonly string[];
}

/** Applies the edits; counts what was created, updated, left unchanged and removed. */
export async function writeEvidence(
  tx: ManagedTransaction,
  edits: readonly EvidenceEdit[],
  audit: Props,
): Promise<Record<"created" | "updated" | "unchanged" | "removed", number>> {
  const counts = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  const dropEvidence: Array<{ claim: string; study: string }> = [];
  const putEvidence: Record<Stance, Props[]> = { SUPPORTS: [], CONTRADICTS: [], MIXED: [] };
  for (const edit of edits) {
    const scope = edit.studies ? new Set(edit.studies) : null;
    const old = new Map(edit.stored.filter((e) => !scope || scope.has(e.study)).map((e) => [e.study, e]));
    const want = new Map(edit.wanted.map((e) => [e.study, e]));
    for (const study of old.keys()) {
      if (!want.has(study)) {
        dropEvidence.push({ claim: edit.claim, study });
        counts.removed += 1;
      }
    }
    for (const [study, e] of want) {
      const before = old.get(study);
      if (before && evidenceKey(before) === evidenceKey(e)) {
        counts.unchanged += 1;
        continue;
      }
      if (before) {
        counts.updated += 1;
        if (before.stance !== e.stance) dropEvidence.push({ claim: edit.claim, study }); // a new type: recreate
      } else counts.created += 1;
      const { study: _s, stance: _t, ...props } = e;
      putEvidence[e.stance].push({
        claim: edit.claim,
        study,
        exists: before?.stance === e.stance,
        props,
        createdAt: before?.createdAt ?? null,
        createdBy: before?.createdBy ?? null,
      });
    }
  }
  if (dropEvidence.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (:Study {id: row.study})-[e:${EVIDENCE_TYPES}]->(c:Claim {id: row.claim}) USING INDEX SEEK c:Claim(id)
       DELETE e RETURN count(*) AS n`,
      dropEvidence,
    );
  }
  // The claim is locked and its edges were read under that lock (common.ts, lockRecords): a
  // missing edge is CREATEd, an existing one found and set. A MERGE would lock the study
  // exclusively too, and one study may back many claims.
  for (const stance of STANCES) {
    const rows = putEvidence[stance];
    const created = rows.filter((r) => !r.exists);
    const updated = rows.filter((r) => r.exists);
    if (created.length) {
      await unwindAll(
        tx,
        `${stance} evidence`,
        `UNWIND $rows AS row
         MATCH (s:Study {id: row.study}), (c:Claim {id: row.claim}) USING INDEX SEEK s:Study(id) USING INDEX SEEK c:Claim(id)
         CREATE (s)-[e:${EVIDENCE_REL[stance]}]->(c)
         SET e += row.props, e.createdAt = coalesce(row.createdAt, $now), e.createdBy = coalesce(row.createdBy, $actor),
           e.updatedAt = $now, e.updatedBy = $actor
         RETURN count(*) AS n`,
        created,
        audit,
      );
    }
    if (updated.length) {
      await unwindAll(
        tx,
        `${stance} evidence`,
        `UNWIND $rows AS row
         MATCH (s:Study {id: row.study})-[e:${EVIDENCE_REL[stance]}]->(c:Claim {id: row.claim}) USING INDEX SEEK c:Claim(id)
         SET e += row.props, e.updatedAt = $now, e.updatedBy = $actor
         RETURN count(*) AS n`,
        updated,
        audit,
      );
    }
  }

  return counts;
}

/** Adds an evidence writer's counts to a report's. */
export function tallyEvidence(
  report: Record<"created" | "updated" | "unchanged" | "removed", Counts>,
  n: Awaited<ReturnType<typeof writeEvidence>>,
) {
  for (const k of ["created", "updated", "unchanged", "removed"] as const) report[k].evidence += n[k];
}
