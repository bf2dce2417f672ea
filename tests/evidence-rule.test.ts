/**
 * The evidence rule (src/model/evidence-rule.ts) by itself, with numbers computed by hand: works
 * counted once, the work's own record design (verified decides, a candidate only lowers), the
 * GRADE-like halvings, verdicts that add nothing or turn a work against a claim, MIXED halves,
 * UNCONFIRMED vs NONE_CITED, 4-decimal rounding, what the article implies, definitional links, and
 * an imported knowledge graph's word, for and against a link.
 */
import { describe, expect, it } from "vitest";
import { kgLinkEvidence } from "../src/graph/write/derived.js";
import { articleImplies, DEFINITIONAL_SUMMARY, type EvidenceEdge, summarizeEvidence } from "../src/model/evidence-rule.js";

/** One evidence edge: a supporting RCT record that is its own work, unless told otherwise. */
const edge = (over: Partial<EvidenceEdge> = {}): EvidenceEdge => {
  const study = over.study ?? "study:a";
  return { study, work: study, design: "RCT", stance: "SUPPORTS", ...over };
};

describe("a work counts once", () => {
  it("two records of one work: one supporting work at its single weight", () => {
    // one work, META_ANALYSIS: 0.9
    const oneWork = summarizeEvidence([
      edge({ study: "study:mention", work: "study:mention", design: "META_ANALYSIS" }),
      edge({ study: "study:reference", work: "study:mention", design: "META_ANALYSIS" }),
    ]);
    expect(oneWork).toEqual({ level: "SYSTEMATIC_REVIEW", supporting: 1, contradicting: 0, score: 0.9 });
    // the same two records as two works: 1 - 0.1 × 0.1 = 0.99
    const twoWorks = summarizeEvidence([
      edge({ study: "study:mention", design: "META_ANALYSIS" }),
      edge({ study: "study:reference", design: "META_ANALYSIS" }),
    ]);
    expect(twoWorks).toEqual({ level: "SYSTEMATIC_REVIEW", supporting: 2, contradicting: 0, score: 0.99 });
  });

  it("a work's records given different designs by the source weigh as the weakest of them", () => {
    // META_ANALYSIS and NARRATIVE_REVIEW records of one work: min(0.9, 0.2) = 0.2
    expect(
      summarizeEvidence([
        edge({ study: "study:a", work: "study:a", design: "META_ANALYSIS" }),
        edge({ study: "study:b", work: "study:a", design: "NARRATIVE_REVIEW" }),
      ]),
    ).toEqual({ level: "MECHANISTIC_OR_OPINION", supporting: 1, contradicting: 0, score: 0.2 });
  });

  it("a work whose records disagree in stance is MIXED: half its weight each way", () => {
    // RCT 0.75 MIXED: share 0.375; 0.375 × (1 - 0.375) = 0.234375 -> 0.2344
    const expected = { level: "RCT", supporting: 1, contradicting: 1, score: 0.2344 };
    expect(
      summarizeEvidence([edge({ study: "study:a" }), edge({ study: "study:b", work: "study:a", stance: "CONTRADICTS" })]),
    ).toEqual(expected);
    expect(summarizeEvidence([edge({ stance: "MIXED" })])).toEqual(expected);
  });
});

describe("a work weighs by its design", () => {
  it("a verified record of the work speaks before a candidate one, whichever record id sorts first", () => {
    // study:a has a candidate record (RCT), study:b a verified one (CASE_SERIES): the verified decides, 0.25
    expect(
      summarizeEvidence([
        edge({ study: "study:a", work: "study:a", recordDesign: "RCT", recordVerified: false }),
        edge({ study: "study:b", work: "study:a", recordDesign: "CASE_SERIES", recordVerified: true }),
      ]),
    ).toEqual({ level: "CASE_SERIES", supporting: 1, contradicting: 0, score: 0.25 });
  });

  it("its own VERIFIED record's design decides, up or down", () => {
    // source says META_ANALYSIS (0.9), verified record says CASE_SERIES: 0.25
    expect(summarizeEvidence([edge({ design: "META_ANALYSIS", recordDesign: "CASE_SERIES", recordVerified: true })])).toEqual({
      level: "CASE_SERIES",
      supporting: 1,
      contradicting: 0,
      score: 0.25,
    });
    // source gives no design (UNKNOWN 0.1), verified record says RCT: 0.75
    expect(summarizeEvidence([edge({ design: "UNKNOWN", recordDesign: "RCT", recordVerified: true })])).toEqual({
      level: "RCT",
      supporting: 1,
      contradicting: 0,
      score: 0.75,
    });
  });

  it("a CANDIDATE record can lower the weight but never raise it", () => {
    // source UNKNOWN (0.1), candidate RCT (0.75): min = 0.1
    expect(summarizeEvidence([edge({ design: "UNKNOWN", recordDesign: "RCT", recordVerified: false })])).toEqual({
      level: "MECHANISTIC_OR_OPINION",
      supporting: 1,
      contradicting: 0,
      score: 0.1,
    });
    // source META_ANALYSIS (0.9), candidate CLINICAL_TRIAL (0.6): min = 0.6
    expect(summarizeEvidence([edge({ design: "META_ANALYSIS", recordDesign: "CLINICAL_TRIAL", recordVerified: false })])).toEqual(
      { level: "CLINICAL_TRIAL", supporting: 1, contradicting: 0, score: 0.6 },
    );
  });

  it("a human study of unstated design weighs 0.25 at its own level, not expert opinion's 0.1", () => {
    // HUMAN_STUDY_UNSPECIFIED: 0.25
    expect(summarizeEvidence([edge({ design: "HUMAN_STUDY_UNSPECIFIED" })])).toEqual({
      level: "HUMAN_STUDY_UNSPECIFIED",
      supporting: 1,
      contradicting: 0,
      score: 0.25,
    });
    // EXPERT_OPINION: 0.1
    expect(summarizeEvidence([edge({ design: "EXPERT_OPINION" })])).toEqual({
      level: "MECHANISTIC_OR_OPINION",
      supporting: 1,
      contradicting: 0,
      score: 0.1,
    });
  });
});

describe("GRADE-like downgrades", () => {
  it("authors' LOW certainty halves, VERY_LOW quarters, HIGH/MODERATE/NOT_STATED leave the weight", () => {
    // RCT 0.75 / 2 = 0.375
    expect(summarizeEvidence([edge({ authorsCertainty: "LOW" })]).score).toBe(0.375);
    // RCT 0.75 / 4 = 0.1875
    expect(summarizeEvidence([edge({ authorsCertainty: "VERY_LOW" })]).score).toBe(0.1875);
    for (const authorsCertainty of ["HIGH", "MODERATE", "NOT_STATED"] as const) {
      expect(summarizeEvidence([edge({ authorsCertainty })]).score).toBe(0.75);
    }
  });

  it("an OVERSTATED verdict halves; CONSISTENT does not", () => {
    // RCT 0.75 / 2 = 0.375
    expect(summarizeEvidence([edge({ verdict: "OVERSTATED" })])).toEqual({
      level: "RCT",
      supporting: 1,
      contradicting: 0,
      score: 0.375,
    });
    expect(summarizeEvidence([edge({ verdict: "CONSISTENT" })]).score).toBe(0.75);
  });

  it("the halvings add up: the anxiety review is 0.9 / 2 (LOW) / 2 (OVERSTATED) = 0.225", () => {
    const review = edge({
      design: "META_ANALYSIS",
      recordDesign: "SYSTEMATIC_REVIEW",
      recordVerified: true,
      authorsCertainty: "LOW",
      verdict: "OVERSTATED",
    });
    expect(summarizeEvidence([review])).toEqual({ level: "SYSTEMATIC_REVIEW", supporting: 1, contradicting: 0, score: 0.225 });
  });
});

describe("verdicts that add nothing, and the work turned against the claim", () => {
  it("NOT_ADDRESSED and UNVERIFIED works add nothing: UNCONFIRMED, score 0", () => {
    for (const verdict of ["NOT_ADDRESSED", "UNVERIFIED"] as const) {
      expect(summarizeEvidence([edge({ design: "META_ANALYSIS", verdict })])).toEqual({
        level: "UNCONFIRMED",
        supporting: 0,
        contradicting: 0,
        score: 0,
      });
    }
  });

  it("beside a work that counts, they neither add nor set the level", () => {
    // META_ANALYSIS NOT_ADDRESSED adds nothing; COHORT 0.5 is the only support
    expect(
      summarizeEvidence([
        edge({ study: "study:a", design: "META_ANALYSIS", verdict: "NOT_ADDRESSED" }),
        edge({ study: "study:b", design: "COHORT" }),
      ]),
    ).toEqual({ level: "COHORT", supporting: 1, contradicting: 0, score: 0.5 });
  });

  it("a curator's inference counts only once checked", () => {
    // unchecked inference: cited, counts nothing
    expect(summarizeEvidence([edge({ voice: "CURATOR_INFERENCE" })])).toEqual({
      level: "UNCONFIRMED",
      supporting: 0,
      contradicting: 0,
      score: 0,
    });
    // checked CONSISTENT: RCT 0.75
    expect(summarizeEvidence([edge({ voice: "CURATOR_INFERENCE", verdict: "CONSISTENT" })])).toEqual({
      level: "RCT",
      supporting: 1,
      contradicting: 0,
      score: 0.75,
    });
    // an unchecked ARTICLE edge counts as the source gives it: 0.75
    expect(summarizeEvidence([edge({ voice: "ARTICLE" })]).score).toBe(0.75);
  });

  it("CONTRADICTED turns a supporting work against the claim", () => {
    // support META 0.9, against RCT 0.75: 0.9 × (1 - 0.75) = 0.225
    expect(
      summarizeEvidence([
        edge({ study: "study:a", design: "META_ANALYSIS" }),
        edge({ study: "study:b", design: "RCT", verdict: "CONTRADICTED" }),
      ]),
    ).toEqual({ level: "SYSTEMATIC_REVIEW", supporting: 1, contradicting: 1, score: 0.225 });
    // alone: cited in support, but nothing supports once checked
    expect(summarizeEvidence([edge({ verdict: "CONTRADICTED" })])).toEqual({
      level: "UNCONFIRMED",
      supporting: 0,
      contradicting: 1,
      score: 0,
    });
  });

  it("a contradicting study never sets the level", () => {
    // support COHORT 0.5, against META 0.9: 0.5 × 0.1 = 0.05, level COHORT
    expect(
      summarizeEvidence([
        edge({ study: "study:a", design: "META_ANALYSIS", stance: "CONTRADICTS" }),
        edge({ study: "study:b", design: "COHORT" }),
      ]),
    ).toEqual({ level: "COHORT", supporting: 1, contradicting: 1, score: 0.05 });
  });
});

describe("levels and rounding", () => {
  it("NONE_CITED when nothing is cited in support, UNCONFIRMED when something is but adds nothing", () => {
    expect(summarizeEvidence([])).toEqual({ level: "NONE_CITED", supporting: 0, contradicting: 0, score: 0 });
    // only a contradicting study: nothing cited in support
    expect(summarizeEvidence([edge({ stance: "CONTRADICTS" })])).toEqual({
      level: "NONE_CITED",
      supporting: 0,
      contradicting: 1,
      score: 0,
    });
    expect(summarizeEvidence([edge({ verdict: "UNVERIFIED" })]).level).toBe("UNCONFIRMED");
  });

  it("the level is the best design among the supporting works", () => {
    // 1 - (1 - 0.25)(1 - 0.75) = 0.8125, best level RCT
    expect(
      summarizeEvidence([edge({ study: "study:a", design: "CASE_REPORT" }), edge({ study: "study:b", design: "RCT" })]),
    ).toEqual({ level: "RCT", supporting: 2, contradicting: 0, score: 0.8125 });
  });

  it("scores are rounded to 4 decimals, with no float artefacts", () => {
    // 1 - 0.8³ = 0.48799999999999993 in floating point -> 0.488
    const three = ["a", "b", "c"].map((id) => edge({ study: `study:${id}`, design: "NARRATIVE_REVIEW" }));
    expect(summarizeEvidence(three).score).toBe(0.488);
    // ANIMAL 0.15 / 2 (LOW) = 0.075 each; 1 - 0.925² = 0.144375 -> 0.1444
    const two = ["a", "b"].map((id) => edge({ study: `study:${id}`, design: "ANIMAL", authorsCertainty: "LOW" }));
    expect(summarizeEvidence(two).score).toBe(0.1444);
  });
});

describe("what the article implies", () => {
  it("takes the source's citations at its word: its designs, no record, no downgrade, no verdict", () => {
    // The anxiety claim: the text's meta-analysis (ARTICLE) and the reference-list review (a curator's tie), one work.
    const mention = edge({
      study: "study:mention",
      work: "study:mention",
      design: "META_ANALYSIS",
      recordDesign: "SYSTEMATIC_REVIEW",
      recordVerified: true,
      authorsCertainty: "LOW",
      voice: "ARTICLE",
      verdict: "OVERSTATED",
    });
    const reference = {
      ...mention,
      study: "study:reference",
      design: "SYSTEMATIC_REVIEW" as const,
      voice: "CURATOR_INFERENCE" as const,
    };
    // checked: 0.9 / 2 / 2 = 0.225
    expect(summarizeEvidence([mention, reference]).score).toBe(0.225);
    // at the article's word: the mention alone, META_ANALYSIS 0.9
    expect(articleImplies([mention, reference])).toEqual({
      level: "SYSTEMATIC_REVIEW",
      supporting: 1,
      contradicting: 0,
      score: 0.9,
    });
  });

  it("ignores the record's design and counts NOT_ADDRESSED works as the source gives them", () => {
    // source RCT 0.75 (record CASE_SERIES ignored), verdict NOT_ADDRESSED ignored
    const cited = edge({ design: "RCT", recordDesign: "CASE_SERIES", recordVerified: true, verdict: "NOT_ADDRESSED" });
    expect(summarizeEvidence([cited]).score).toBe(0);
    expect(articleImplies([cited])).toEqual({ level: "RCT", supporting: 1, contradicting: 0, score: 0.75 });
    // an edge without a voice is the article's
    expect(articleImplies([edge({ voice: null })]).score).toBe(0.75);
  });

  it("leaves out what only a curator ties to the claim", () => {
    expect(articleImplies([edge({ voice: "CURATOR_INFERENCE", verdict: "CONSISTENT" })])).toEqual({
      level: "NONE_CITED",
      supporting: 0,
      contradicting: 0,
      score: 0,
    });
  });
});

it("a definitional link's summary is level DEFINITIONAL, score 1, no studies", () => {
  expect(DEFINITIONAL_SUMMARY).toEqual({ level: "DEFINITIONAL", supporting: 0, contradicting: 0, score: 1 });
});

describe("an imported knowledge graph's word (steps 8 and 9)", () => {
  // Each publication a work of unknown design, weight 0.1, in the KNOWLEDGE_GRAPH voice.
  const counts = (x: ReturnType<typeof kgLinkEvidence>) => [Number(x.supporting), Number(x.contradicting), x.score];

  it("a denying graph's publications count against the link", () => {
    // Support 1 - 0.9² = 0.19; against 0.1: 0.19 × 0.9 = 0.171.
    expect(counts(kgLinkEvidence("INCREASES", ["study:1", "study:2"], ["knowledge_assertion"], ["study:3"]))).toEqual([
      2, 1, 0.171,
    ]);
    // A denial citing nothing adds nothing against.
    expect(counts(kgLinkEvidence("INCREASES", ["study:1", "study:2"], ["knowledge_assertion"], []))).toEqual([2, 0, 0.19]);
  });

  it("a work cited on both sides is MIXED: half its weight each way", () => {
    // Support 1 - (1 - 0.05)(1 - 0.1) = 0.145; against 0.05: 0.145 × 0.95 = 0.13775, rounded 0.1378.
    expect(counts(kgLinkEvidence("INCREASES", ["study:1", "study:2"], ["knowledge_assertion"], ["study:1"]))).toEqual([
      2, 1, 0.1378,
    ]);
  });

  it("denied only: nothing supports it; a definitional link stays DEFINITIONAL", () => {
    expect(kgLinkEvidence("INCREASES", [], ["prediction"], ["study:1"])).toMatchObject({ level: "NONE_CITED", score: 0 });
    expect(kgLinkEvidence("HAS_PART", ["study:1"], [], ["study:2"])).toMatchObject({ level: "DEFINITIONAL", score: 1 });
  });
});
