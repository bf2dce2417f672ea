/**
 * Derived data, refreshed by one step for every writer (bundle, mutation, importer), in the
 * writer's own transaction: the cached evidence of claims and links (model/evidence-rule.ts), the
 * strongest-link shortcuts of the ends of every link created, deleted or re-scored
 * (strongest-links.ts), and the graph version the traversal cache checks (traversal-cache.ts).
 */
import type { ManagedTransaction } from "neo4j-driver";
import { int, toPlain } from "../../db/database.js";
import { negatedLinkIdCypher } from "../../kgx/mapping.js";
import {
  articleImplies,
  DEFINITIONAL_SUMMARY,
  type EvidenceEdge,
  type EvidenceSummary,
  round4,
  summarizeEvidence,
} from "../../model/evidence-rule.js";
import {
  type AuthorsCertainty,
  CERTAINTIES,
  type Certainty,
  EVIDENCE_TYPES,
  isDefinitional,
  type Stance,
  type StudyDesign,
  type Verdict,
} from "../../model/vocabulary.js";
import { kgUnion } from "../kg-parts.js";
import { refreshStrongestLinks } from "../strongest-links.js";
import { bumpGraphVersion } from "../traversal-cache.js";
import { sameValue, uniq, unwind } from "./common.js";

export interface RefreshTargets {
  /** Claims whose evidence (or links) changed. Their links are refreshed too. */
  claimIds?: readonly string[];
  /** Links whose claims changed. */
  linkIds?: readonly string[];
  /** Studies whose design changed: every claim they bear on (and its links) is refreshed. */
  studyIds?: readonly string[];
  /** Ends of links just deleted: their strongest-link shortcuts are rebuilt with the re-scored ones. */
  removedLinkEnds?: ReadonlyArray<{ from: string; to: string }>;
}

/** An evidence edge as read for the rule: the record, its work's records, the edge's check. */
interface EvidenceRow {
  study: string;
  design: StudyDesign;
  stance: Stance;
  voice: "ARTICLE" | "CURATOR_INFERENCE" | null;
  verdict: Verdict | null;
  bearsOn: string[] | null;
  addresses: string[] | null;
  /** Every record of the study's work (itself and its SAME_AS records, at most 3 steps away). */
  records: Array<{
    id: string;
    recordStatus: string | null;
    recordDesign: StudyDesign | null;
    authorsCertainty: AuthorsCertainty | null;
  }>;
}

/** Cypher map of an evidence edge `e` from study `s`, for `edgeOf`. */
const EVIDENCE_ROW = (s: string, e: string) =>
  `{study: ${s}.id, design: ${s}.design, stance: type(${e}), voice: ${e}.voice, verdict: ${e}.verdict, bearsOn: ${e}.bearsOn, addresses: ${e}.addresses,
    records: [r IN [${s}] + [(${s})-[:SAME_AS*1..3]-(o:Study) | o] | {id: r.id, recordStatus: r.recordStatus, recordDesign: r.recordDesign, authorsCertainty: r.authorsCertainty}]}`;

/**
 * The rule's view of a row: its work is keyed by the smallest record id, its record facts taken
 * from the work. For a link, a work that does not study that link is NOT_ADDRESSED there.
 */
export function edgeOf(row: EvidenceRow, link?: string): EvidenceEdge {
  const records = [...row.records].sort((a, b) => (a.id < b.id ? -1 : 1));
  // A verified record of the work speaks first; a candidate's only where none is verified.
  const found = records.filter((r) => r.recordStatus === "VERIFIED" || r.recordStatus === "CANDIDATE");
  const record = found.find((r) => r.recordStatus === "VERIFIED") ?? found[0];
  return {
    study: row.study,
    work: records[0]?.id ?? row.study,
    design: row.design,
    recordDesign: record?.recordDesign ?? null,
    recordVerified: record?.recordStatus === "VERIFIED",
    authorsCertainty: record?.authorsCertainty ?? null,
    stance: row.stance,
    voice: row.voice,
    verdict: link && row.addresses && !row.addresses.includes(link) ? "NOT_ADDRESSED" : row.verdict,
  };
}

const summaryRow = (id: string, s: EvidenceSummary) => ({
  id,
  level: s.level,
  supporting: int(s.supporting),
  contradicting: int(s.contradicting),
  score: s.score,
});

/** A claim's cache: what the evidence supports, and what the source implies on its own word. */
const claimCacheRow = (id: string, supported: EvidenceSummary, implied: EvidenceSummary) => ({
  ...summaryRow(id, supported),
  impliedLevel: implied.level,
  impliedSupporting: int(implied.supporting),
  impliedContradicting: int(implied.contradicting),
  impliedScore: implied.score,
  gap: round4(Math.max(0, implied.score - supported.score)),
});

/** A link is as firm as the firmest claim asserting it (a claim without a word on it: ASSERTED). */
function linkCertainty(claimCertainties: ReadonlyArray<string | null>): Certainty {
  const ranks = claimCertainties.map((c) => Math.max(0, CERTAINTIES.indexOf((c ?? "ASSERTED") as Certainty)));
  return CERTAINTIES[ranks.length ? Math.min(...ranks) : 0] as Certainty;
}

/**
 * Recomputes the cached evidence of the given claims and links with the evidence rule
 * (model/evidence-rule.ts): a claim's summary and what its source implies; a link's summary over
 * the works cited for it (`bearsOn`), and its certainty. Two reads (claims, then links) and at
 * most two UNWIND writes, whatever the number of targets. Returns how many caches changed.
 */
export async function refreshEvidence(
  tx: ManagedTransaction,
  targets: RefreshTargets,
): Promise<{ claims: number; links: number }> {
  const { claims, links, ends } = await refreshCaches(tx, targets);
  await refreshShortcuts(tx, ends);
  return { claims, links };
}

/** The evidence caches of claims and links; returns the ends whose strongest links may move. */
async function refreshCaches(tx: ManagedTransaction, targets: RefreshTargets) {
  const linkIds = new Set(targets.linkIds ?? []);
  // The refreshed claims' links are refreshed too.
  const claims = await refreshClaims(tx, uniq(targets.claimIds ?? []), uniq(targets.studyIds ?? []), linkIds);
  const links = await refreshLinks(tx, [...linkIds]);
  // Deleted and re-scored links may move in or out of their ends' strongest links.
  return { claims, links: links.changed, ends: [...(targets.removedLinkEnds ?? []), ...links.rescoredEnds] };
}

async function refreshShortcuts(tx: ManagedTransaction, ends: ReadonlyArray<{ from: string; to: string }>) {
  if (ends.length) await refreshStrongestLinks(tx, { from: ends.map((e) => e.from), to: ends.map((e) => e.to) });
}

/** The claims given, and those citing (a record of the work of) the studies given; adds their links to `linkIds`. */
async function refreshClaims(tx: ManagedTransaction, claimIds: string[], studyIds: string[], linkIds: Set<string>) {
  const claimUpdates: ReturnType<typeof claimCacheRow>[] = [];
  if (claimIds.length || studyIds.length) {
    const result = await tx.run(
      `CALL {
         UNWIND $claimIds AS id MATCH (c:Claim {id: id}) USING INDEX SEEK c:Claim(id) RETURN c
         UNION
         UNWIND $studyIds AS sid MATCH (s:Study {id: sid})-[:${EVIDENCE_TYPES}]->(c:Claim) USING INDEX SEEK s:Study(id) RETURN c
         UNION
         UNWIND $studyIds AS sid MATCH (:Study {id: sid})-[:SAME_AS*1..3]-(:Study)-[:${EVIDENCE_TYPES}]->(c:Claim) RETURN c
       }
       RETURN c.id AS id, coalesce(c.linkIds, []) AS linkIds,
         [c.level, c.supporting, c.contradicting, c.score, c.impliedLevel, c.impliedSupporting, c.impliedContradicting, c.impliedScore, c.gap] AS current,
         [(s:Study)-[e:${EVIDENCE_TYPES}]->(c) | ${EVIDENCE_ROW("s", "e")}] AS evidence`,
      { claimIds, studyIds },
    );
    for (const record of result.records) {
      const row = toPlain(record.toObject()) as { id: string; linkIds: string[]; current: unknown; evidence: EvidenceRow[] };
      for (const id of row.linkIds) linkIds.add(id);
      const edges = row.evidence.map((e) => edgeOf(e));
      const cache = claimCacheRow(row.id, summarizeEvidence(edges), articleImplies(edges));
      const { id: _id, ...values } = cache;
      if (!sameValue(row.current, Object.values(values))) claimUpdates.push(cache);
    }
  }
  if (claimUpdates.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row MATCH (c:Claim {id: row.id}) USING INDEX SEEK c:Claim(id)
       SET c += row {.level, .supporting, .contradicting, .score, .impliedLevel, .impliedSupporting, .impliedContradicting, .impliedScore, .gap}
       RETURN count(*) AS n`,
      claimUpdates,
    );
  }
  return claimUpdates.length;
}

/** The links given; returns how many changed and the ends of the re-scored ones (their shortcuts move). */
async function refreshLinks(tx: ManagedTransaction, linkIds: string[]) {
  const ends: Array<{ from: string; to: string }> = [];
  const linkUpdates: Array<ReturnType<typeof summaryRow> & { certainty: Certainty; certaintyRank: ReturnType<typeof int> }> = [];
  if (linkIds.length) {
    const result = await tx.run(
      `UNWIND $linkIds AS id MATCH (a)-[l:LINK {id: id}]->(b) USING INDEX SEEK l:LINK(id)
       RETURN l.id AS id, a.id AS from, b.id AS to, l.predicate AS predicate,
         [l.level, l.supporting, l.contradicting, l.score, l.certainty] AS current,
         size(coalesce(l.claimIds, [])) = 0 AND size(coalesce(l.kgSources, [])) > 0 AS kgOnly,
         coalesce(l.studyIds, []) AS kgStudyIds, l {.kgSources, .kgContributions, .knowledgeLevels} AS kgParts,
         coalesce(head(COLLECT { MATCH ()-[n:NEGATED_LINK {id: ${negatedLinkIdCypher("l.id")}}]->() RETURN n.studyIds }), []) AS kgDeniedStudyIds,
         COLLECT {
           UNWIND coalesce(l.claimIds, []) AS cid
           MATCH (c:Claim {id: cid}) USING INDEX SEEK c:Claim(id)
           RETURN c.certainty AS certainty
         } AS certainties,
         COLLECT {
           UNWIND coalesce(l.claimIds, []) AS cid
           MATCH (s:Study)-[e:${EVIDENCE_TYPES}]->(c:Claim {id: cid}) USING INDEX SEEK c:Claim(id)
           WHERE e.bearsOn IS NULL OR l.id IN e.bearsOn
           RETURN ${EVIDENCE_ROW("s", "e")}
         } AS evidence`,
      { linkIds },
    );
    for (const record of result.records) {
      const row = toPlain(record.toObject()) as {
        id: string;
        from: string;
        to: string;
        predicate: string;
        current: unknown;
        kgOnly: boolean;
        kgStudyIds: string[];
        kgParts: Record<string, unknown>;
        kgDeniedStudyIds: string[];
        certainties: Array<string | null>;
        evidence: EvidenceRow[];
      };
      if (row.kgOnly) {
        // No claim asserts it (any more): an imported KG's statement, with the KG's evidence.
        const kg = kgLinkEvidence(row.predicate, row.kgStudyIds, kgUnion(row.kgParts, "knowledgeLevels"), row.kgDeniedStudyIds);
        if (!sameValue(row.current, [kg.level, toPlain(kg.supporting), toPlain(kg.contradicting), kg.score, kg.certainty])) {
          linkUpdates.push({ id: row.id, ...kg });
          ends.push({ from: row.from, to: row.to });
        }
        continue;
      }
      // The same study cited for a link by several claims is one edge of its work.
      const summary = isDefinitional(row.predicate)
        ? DEFINITIONAL_SUMMARY
        : summarizeEvidence(row.evidence.map((e) => edgeOf(e, row.id)));
      const certainty = linkCertainty(row.certainties);
      if (!sameValue(row.current, [summary.level, summary.supporting, summary.contradicting, summary.score, certainty])) {
        linkUpdates.push({ ...summaryRow(row.id, summary), certainty, certaintyRank: int(CERTAINTIES.indexOf(certainty)) });
        ends.push({ from: row.from, to: row.to });
      }
    }
  }
  if (linkUpdates.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row MATCH ()-[l:LINK {id: row.id}]->() USING INDEX SEEK l:LINK(id)
       SET l += row {.level, .supporting, .contradicting, .score, .certainty, .certaintyRank}
       RETURN count(*) AS n`,
      linkUpdates,
    );
  }
  return { changed: linkUpdates.length, rescoredEnds: ends };
}

/**
 * The one step after any write: evidence caches and shortcuts of what the writer touched, and,
 * when anything changed at all, a new graph version (cached traversals then recompute).
 *
 * Order matters under concurrency. The graph version is one node every changing writer sets,
 * so its lock is held from the bump to the commit: the bump comes after the writer's own work,
 * and only the strongest-link shortcuts are rebuilt after it. Rebuilding an entity's shortcuts
 * deletes and recreates them, and the ends of a new link are often hubs that many writers
 * touch: under the version's lock these rebuilds take turns, so none is lost or doubled and
 * none deadlocks with another, and each sees the links the previous one committed.
 */
export async function refreshDerived(tx: ManagedTransaction, targets: RefreshTargets, changed: boolean): Promise<void> {
  const { ends } = await refreshCaches(tx, targets);
  if (changed || ends.length) await bumpGraphVersion(tx);
  await refreshShortcuts(tx, ends);
}

/** How firmly a KG states an edge, by its Biolink knowledge_level (absent or not_provided: HEDGED). */
const KG_CERTAINTY: Readonly<Record<string, Certainty>> = {
  knowledge_assertion: "ASSERTED",
  logical_entailment: "ASSERTED",
  observation: "HEDGED",
  prediction: "ASSOCIATIONAL",
  statistical_association: "ASSOCIATIONAL",
};

/**
 * The cached evidence of a link an imported knowledge graph states (evidence-rule.ts step 8): its
 * publications as works of unknown design in the KG's voice; a definitional predicate scores 1.
 * The publications of KGs' negated edges denying it (`deniedStudyIds`) count against it alike
 * (step 9). Its certainty is the firmest knowledge level among the edges behind it.
 */
export function kgLinkEvidence(
  predicate: string,
  studyIds: readonly string[],
  knowledgeLevels: readonly string[],
  deniedStudyIds: readonly string[] = [],
) {
  const work = (id: string, stance: "SUPPORTS" | "CONTRADICTS") =>
    ({ study: id, work: id, design: "UNKNOWN", stance, voice: "KNOWLEDGE_GRAPH" }) as const;
  const summary = isDefinitional(predicate)
    ? DEFINITIONAL_SUMMARY
    : summarizeEvidence([...studyIds.map((id) => work(id, "SUPPORTS")), ...deniedStudyIds.map((id) => work(id, "CONTRADICTS"))]);
  const ranks = (knowledgeLevels.length ? knowledgeLevels : ["not_provided"]).map((k) =>
    CERTAINTIES.indexOf(KG_CERTAINTY[k] ?? "HEDGED"),
  );
  const certainty = CERTAINTIES[Math.min(...ranks)] as Certainty;
  return {
    level: summary.level,
    supporting: int(summary.supporting),
    contradicting: int(summary.contradicting),
    score: summary.score,
    certainty,
    certaintyRank: int(CERTAINTIES.indexOf(certainty)),
  };
}
