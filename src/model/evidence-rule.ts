/**
 * The evidence rule: how a claim's (or a link's) studies become an EvidenceSummary.
 *
 * - Each study has a weight from its design (vocabulary.ts, CEBM order): meta-analysis and
 *   systematic review 0.9, RCT 0.75, other clinical trial 0.6, cohort 0.5, case-control and
 *   cross-sectional 0.4, case report/series 0.25, narrative review 0.2, animal and in-vitro 0.15,
 *   expert opinion and unknown 0.1.
 * - support = 1 - prod(1 - w) over supporting studies ("noisy-OR": every independent study adds,
 *   none alone reaches 1); a MIXED study counts with half its weight on both sides.
 * - against = the same over contradicting studies.
 * - score = support * (1 - against), rounded to 4 decimals: 0 when nothing supports the claim,
 *   near 1 only with several strong supporting studies and no contradicting one.
 * - level = the best design level among supporting (or mixed) studies; NONE_CITED when none.
 * - A link's summary applies the same rule to the distinct studies of every claim that asserts
 *   it; a chain's score is the product of its links' scores (so one unsupported link makes the
 *   whole chain 0, and longer chains score lower).
 */
import { EVIDENCE_LEVELS, type EvidenceLevel, STUDY_DESIGNS, type Stance, type StudyDesign } from "./vocabulary.js";

export interface StudyStance {
  design: StudyDesign;
  stance: Stance;
}

export interface EvidenceSummary {
  level: EvidenceLevel;
  supporting: number;
  contradicting: number;
  score: number;
}

export const NO_EVIDENCE: EvidenceSummary = { level: "NONE_CITED", supporting: 0, contradicting: 0, score: 0 };

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function summarizeEvidence(studies: readonly StudyStance[]): EvidenceSummary {
  let notSupported = 1;
  let notContradicted = 1;
  let supporting = 0;
  let contradicting = 0;
  let best = EVIDENCE_LEVELS.indexOf("NONE_CITED");
  for (const { design, stance } of studies) {
    const { weight, level } = STUDY_DESIGNS[design] ?? STUDY_DESIGNS.UNKNOWN;
    const share = stance === "MIXED" ? weight / 2 : weight;
    if (stance !== "CONTRADICTS") {
      supporting += 1;
      notSupported *= 1 - share;
      best = Math.min(best, EVIDENCE_LEVELS.indexOf(level));
    }
    if (stance !== "SUPPORTS") {
      contradicting += 1;
      notContradicted *= 1 - share;
    }
  }
  const score = round4((1 - notSupported) * notContradicted);
  return { level: EVIDENCE_LEVELS[best] ?? "NONE_CITED", supporting, contradicting, score };
}

/** A chain of links scores the product of its links' scores. */
export function chainScore(linkScores: readonly number[]): number {
  return round4(linkScores.reduce((product, s) => product * s, 1));
}
