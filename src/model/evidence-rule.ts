/**
 * The evidence rule: how the studies cited for a claim (or a link) become an EvidenceSummary.
 * Deterministic, documented here and in the README's evidence section (shared/design/evidence.md).
 *
 * 1. A work counts once. Study records that describe one publication (SAME_AS, sure or probable)
 *    form one work, whichever record a claim cites; the work's stance is the records' stance, or
 *    MIXED when they differ.
 * 2. A work weighs by its design, in the CEBM order (vocabulary.ts): the design its own record
 *    gives (WORK_RECORD) where known, else the design the source gives; a CANDIDATE record (believed,
 *    not known, to be the work) can lower the weight but never raise it. A human study whose
 *    design the source does not give (HUMAN_STUDY_UNSPECIFIED) weighs as the weakest human design.
 * 3. GRADE-like downgrades, each halving the weight: the work's authors rate their evidence low
 *    (VERY_LOW: twice); the article OVERSTATES what the work reports (stronger design, wider
 *    outcome or population, more certainty). NOT_ADDRESSED and UNVERIFIED works add nothing
 *    (they stay visible); a CONTRADICTED verdict turns the work against the claim. A work not yet
 *    checked (no verdict) counts as the source gives it; a curator's inference (no article
 *    citation) counts only once checked against the work's record.
 * 4. support = 1 - Π(1 - w) over supporting works ("noisy-OR"); against the same over
 *    contradicting ones; MIXED counts half its weight each way; score = support × (1 - against),
 *    rounded to 4 decimals.
 * 5. level = the best design level among the works that add support; NONE_CITED when no work is
 *    cited in support, UNCONFIRMED when works are cited in support but none adds it once checked.
 * 6. A link's summary applies the rule to the works cited for that link (`bearsOn`) by any claim
 *    asserting it. A definitional link (HAS_PART, PART_OF, SUBCLASS_OF) is not an empirical claim:
 *    level DEFINITIONAL, score 1, so it neither adds nor removes evidence from a chain.
 * 7. A chain's score is the product of its links' scores: one unsupported empirical link makes it
 *    0, and a longer chain never scores higher than its parts.
 *
 * 8. An imported knowledge graph's edge (voice KNOWLEDGE_GRAPH) is the KG's word, not a checked
 *    study: each publication it lists is one work of unknown design (UNKNOWN, weight 0.1, level
 *    MECHANISTIC_OR_OPINION), counted like an article's citation not yet checked; an edge with no
 *    publication is NONE_CITED (score 0). So 1 publication scores 0.1, 3 score 0.271: a KG link
 *    never outranks a link with a checked human study, and chains through it say so.
 * 9. A KG's negated edge (NEGATED_LINK) denying a link no claim asserts counts against that link:
 *    each publication it lists is a contradicting work of the same weight, and a work listed on
 *    both sides is MIXED. So two publications for and one against score 0.19 × 0.9 = 0.171. A link
 *    a claim asserts keeps its claims' evidence either way (the denial shows in `deniedBy` and in
 *    `contradictions`).
 *
 * `articleImplies` applies the same rule to what the source says alone: its own citations, the
 * designs it gives, no verdicts and no downgrades. The gap between the two is how far the source
 * overstates its evidence.
 */
import {
  type AuthorsCertainty,
  EVIDENCE_LEVELS,
  type EvidenceLevel,
  STUDY_DESIGNS,
  type Stance,
  type StudyDesign,
  type Verdict,
} from "./vocabulary.js";

/** One evidence edge, with what is known of the work behind its study record. */
export interface EvidenceEdge {
  /** The study record the edge starts at. */
  study: string;
  /** The work: the same key for every record of one publication. */
  work: string;
  /** The design as the source gives it (the record's own `design`). */
  design: StudyDesign;
  /** The design the work's own record gives, if any record of the work has one. */
  recordDesign?: StudyDesign | null;
  /** False when that record is only a CANDIDATE (believed, not known, to be the work). */
  recordVerified?: boolean;
  authorsCertainty?: AuthorsCertainty | null;
  stance: Stance;
  voice?: "ARTICLE" | "CURATOR_INFERENCE" | "KNOWLEDGE_GRAPH" | null;
  verdict?: Verdict | null;
}

export interface EvidenceSummary {
  level: EvidenceLevel;
  supporting: number;
  contradicting: number;
  score: number;
}

export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

const CERTAINTY_DOWNGRADES: Record<AuthorsCertainty, number> = { HIGH: 0, MODERATE: 0, LOW: 1, VERY_LOW: 2, NOT_STATED: 0 };

/** A work's weight and stance after its checks; null when it adds nothing either way. */
function weighWork(edges: readonly EvidenceEdge[]): { weight: number; stance: Stance; design: StudyDesign } | null {
  const counted = edges.filter((e) => {
    if (e.verdict === "NOT_ADDRESSED" || e.verdict === "UNVERIFIED") return false;
    // A curator's tie between a work and a claim counts only once checked against the work.
    return e.voice !== "CURATOR_INFERENCE" || (e.verdict !== null && e.verdict !== undefined);
  });
  if (!counted.length) return null;
  const byId = [...edges].sort((a, b) => (a.study < b.study ? -1 : 1));
  const weaker = (a: StudyDesign, b: StudyDesign) => (STUDY_DESIGNS[b].weight < STUDY_DESIGNS[a].weight ? b : a);
  // The weakest design any record of the work is given by its source.
  const sourceDesign = byId.map((e) => e.design).reduce(weaker);
  // A verified record of the work speaks first; a candidate's only where none is verified.
  const record = byId.find((e) => e.recordDesign && e.recordVerified !== false) ?? byId.find((e) => e.recordDesign);
  // The work's own record decides; a record only believed to be the work can lower the weight, never raise it.
  const design = !record?.recordDesign
    ? sourceDesign
    : record.recordVerified === false
      ? weaker(sourceDesign, record.recordDesign)
      : record.recordDesign;
  const certainty = byId.find((e) => e.authorsCertainty)?.authorsCertainty ?? "NOT_STATED";
  let downgrades = CERTAINTY_DOWNGRADES[certainty];
  if (counted.some((e) => e.verdict === "OVERSTATED")) downgrades += 1;
  const stances = new Set(counted.map((e) => (e.verdict === "CONTRADICTED" ? "CONTRADICTS" : e.stance)));
  const stance: Stance = stances.size > 1 ? "MIXED" : ([...stances][0] as Stance);
  return { weight: STUDY_DESIGNS[design].weight / 2 ** downgrades, stance, design };
}

/** The rule (steps 1-5 above) over a claim's or a link's evidence edges. */
export function summarizeEvidence(edges: readonly EvidenceEdge[]): EvidenceSummary {
  const works = new Map<string, EvidenceEdge[]>();
  for (const edge of edges) works.set(edge.work, [...(works.get(edge.work) ?? []), edge]);
  let notSupported = 1;
  let notContradicted = 1;
  let supporting = 0;
  let contradicting = 0;
  // Cited in support, but nothing counts once checked: UNCONFIRMED, not "none cited".
  const citedInSupport = edges.some((e) => e.stance !== "CONTRADICTS");
  let best = EVIDENCE_LEVELS.indexOf(citedInSupport ? "UNCONFIRMED" : "NONE_CITED");
  for (const workEdges of works.values()) {
    const work = weighWork(workEdges);
    if (!work) continue;
    const share = work.stance === "MIXED" ? work.weight / 2 : work.weight;
    if (work.stance !== "CONTRADICTS") {
      supporting += 1;
      notSupported *= 1 - share;
      best = Math.min(best, EVIDENCE_LEVELS.indexOf(STUDY_DESIGNS[work.design].level));
    }
    if (work.stance !== "SUPPORTS") {
      contradicting += 1;
      notContradicted *= 1 - share;
    }
  }
  const score = supporting ? round4((1 - notSupported) * notContradicted) : 0;
  return { level: EVIDENCE_LEVELS[best] ?? "NONE_CITED", supporting, contradicting, score };
}

/** What the source implies on its own word: its citations, its designs, nothing checked. */
export function articleImplies(edges: readonly EvidenceEdge[]): EvidenceSummary {
  const cited = edges.filter((e) => (e.voice ?? "ARTICLE") === "ARTICLE");
  return summarizeEvidence(
    cited.map((e) => ({ ...e, recordDesign: null, recordVerified: false, authorsCertainty: null, verdict: null })),
  );
}

/** A definitional link's summary (step 6). */
export const DEFINITIONAL_SUMMARY: EvidenceSummary = { level: "DEFINITIONAL", supporting: 0, contradicting: 0, score: 1 };
