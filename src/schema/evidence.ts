/**
 * Evidence, honestly: each study's bearing on a claim with who says so (voice), what it bears on,
 * and the check of the source's statement against the work's own record (verdict, reasons);
 * what a study record knows of its work; and the queries that surface overstatements and
 * contradictions (shared/design/evidence.md; their Cypher: translate/claims.ts, contradictions.ts).
 */
import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "../context.js";
import { readRows } from "../graph/read.js";
import {
  AUTHORS_CERTAINTY,
  CHECK_ASPECTS,
  RECORD_STATUSES,
  SAME_WORK_CONFIDENCES,
  SIZE_COUNTS,
  type VERDICTS,
} from "../model/vocabulary.js";
import { overstatementsCypher } from "../translate/claims.js";
import { contradictionsCypher } from "../translate/contradictions.js";
import { CypherBuilder, firstArg } from "../translate/cypher.js";
import { selectionOf } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, EvidenceSummaryRef, type Projected, StanceEnum, StudyDesignEnum, VoiceEnum } from "./common.js";
import {
  CheckReasonRef,
  ClaimCheckRef,
  ClaimRef,
  EvidenceRef,
  MechanismLinkRef,
  StudyFactRef,
  StudyRef,
  VerdictCountRef,
  WorkRecordRef,
} from "./refs.js";

export const VerdictEnum = builder.enumType("Verdict", {
  description: "The source's statement checked against what the cited work's own record reports.",
  values: {
    CONSISTENT: { description: "The work reports what the source says it reports." },
    OVERSTATED: {
      description: "The source claims a stronger design, a wider outcome or population, or more certainty than the work gives.",
    },
    NOT_ADDRESSED: { description: "The work does not study the claim." },
    CONTRADICTED: { description: "The work reports the opposite, or no effect." },
    UNVERIFIED: { description: "No primary or bibliographic record of the work could be found." },
  } satisfies Record<(typeof VERDICTS)[number], { description: string }>,
});

const CheckAspectEnum = builder.enumType("CheckAspect", {
  description: "Where the source and the work part ways.",
  values: CHECK_ASPECTS,
});
const AuthorsCertaintyEnum = builder.enumType("AuthorsCertainty", {
  description: "How the work's authors rate their own evidence (GRADE-like); NOT_STATED when they do not say.",
  values: AUTHORS_CERTAINTY,
});
const RecordStatusEnum = builder.enumType("RecordStatus", {
  description:
    "VERIFIED: the work's own record was found; CANDIDATE: a record believed, not known, to be the work; UNVERIFIED: none found; NOT_CHECKED: not looked for.",
  values: RECORD_STATUSES,
});
const SizeCountsEnum = builder.enumType("SizeCounts", { description: "What a sample size counts.", values: SIZE_COUNTS });
export const SameWorkConfidenceEnum = builder.enumType("SameWorkConfidence", {
  description: "How sure it is that two study records describe one work (either way the work counts once).",
  values: SAME_WORK_CONFIDENCES,
});

builder.objectType(EvidenceRef, {
  description: "One study's bearing on one claim: who ties them, what it bears on, and the check against the work's record.",
  fields: (t) => ({
    study: t.field({ type: StudyRef, resolve: byKey, description: "The study record." }),
    claim: t.field({ type: ClaimRef, resolve: byKey, description: "The claim." }),
    stance: t.field({ type: StanceEnum, resolve: byKey, description: "Supports, contradicts, or mixed." }),
    voice: t.field({
      type: VoiceEnum,
      resolve: byKey,
      description: "ARTICLE: the source cites the study for this claim; CURATOR_INFERENCE: a curator ties them (see `reason`).",
    }),
    reason: t.string({ nullable: true, resolve: byKey, description: "Why a curator ties the study to the claim." }),
    bearsOn: t.field({
      type: [MechanismLinkRef],
      resolve: byKey,
      description: "The claim's links the study was cited for: the only links whose evidence it counts in.",
    }),
    addresses: t.field({
      type: [MechanismLinkRef],
      resolve: byKey,
      description:
        "Of `bearsOn`, the links the work's record shows it actually studies; for the others it counts as NOT_ADDRESSED.",
    }),
    bearsOnAll: t.boolean({
      resolve: byKey,
      description: "True when the curation did not narrow `bearsOn` (all the claim's links).",
    }),
    verdict: t.field({
      type: VerdictEnum,
      nullable: true,
      resolve: byKey,
      description: "The source's statement checked against the work's own record; null: not checked.",
    }),
    reasons: t.field({ type: [CheckReasonRef], resolve: byKey, description: "Where the source and the work part ways." }),
    note: t.string({ nullable: true, resolve: byKey, description: "Curators' note." }),
  }),
});

builder.objectType(CheckReasonRef, {
  description: "One point of the check: what the source says and what the work reports, in the project's words.",
  fields: (t) => ({
    aspect: t.field({
      type: CheckAspectEnum,
      resolve: byKey,
      description: "Design, outcome, population, certainty, direction or dose.",
    }),
    article: t.string({ resolve: byKey, description: "What the source says." }),
    work: t.string({ resolve: byKey, description: "What the work reports." }),
  }),
});

builder.objectType(VerdictCountRef, {
  description: "How many of a claim's evidence edges got a verdict.",
  fields: (t) => ({
    verdict: t.field({ type: VerdictEnum, resolve: byKey, description: "The verdict." }),
    count: t.int({ resolve: byKey, description: "How many edges." }),
  }),
});

builder.objectType(ClaimCheckRef, {
  description: "A claim's evidence as its source presents it, against what the checked evidence supports.",
  fields: (t) => ({
    articleImplies: t.field({
      type: EvidenceSummaryRef,
      resolve: byKey,
      description: "The rule over the source's own citations, taken at its word (the designs it gives, no checks).",
    }),
    evidenceSupports: t.field({
      type: EvidenceSummaryRef,
      resolve: byKey,
      description: "The rule over the evidence as checked (the same as `Claim.evidenceSummary`).",
    }),
    gap: t.float({
      resolve: byKey,
      description: "articleImplies.score - evidenceSupports.score (0 when none): how far the source's word outruns its evidence.",
    }),
    worstVerdict: t.field({
      type: VerdictEnum,
      nullable: true,
      resolve: byKey,
      description:
        "The worst verdict among the edges (CONTRADICTED, OVERSTATED, UNVERIFIED, NOT_ADDRESSED, CONSISTENT); null: none checked.",
    }),
    verdicts: t.field({ type: [VerdictCountRef], resolve: byKey, description: "Edges per verdict." }),
    unchecked: t.int({ resolve: byKey, description: "Evidence edges not checked against their work's record." }),
  }),
});

builder.objectType(WorkRecordRef, {
  description: "What the work's own record (PubMed, PMC, the publisher, NCBI Bookshelf) says: the WORK_RECORD voice.",
  fields: (t) => ({
    status: t.field({ type: RecordStatusEnum, resolve: byKey, description: "Whether the record was found." }),
    reason: t.string({
      nullable: true,
      resolve: byKey,
      description: "Why a candidate is believed to be the work, or what was searched.",
    }),
    design: t.field({
      type: StudyDesignEnum,
      nullable: true,
      resolve: byKey,
      description: "The design as the work's authors name it.",
    }),
    authorsCertainty: t.field({
      type: AuthorsCertaintyEnum,
      nullable: true,
      resolve: byKey,
      description: "How the authors rate their evidence.",
    }),
    sampleSize: t.int({ nullable: true, resolve: byKey, description: "The record's sample size." }),
    sizeCounts: t.field({ type: SizeCountsEnum, nullable: true, resolve: byKey, description: "What the sample size counts." }),
    urls: t.stringList({ resolve: byKey, description: "The records read." }),
  }),
});

builder.objectType(StudyFactRef, {
  description: "One fact about a study, with who says so and where.",
  fields: (t) => ({
    field: t.string({
      resolve: byKey,
      description: "design, population, sampleSize, sizeCounts, outcomes, direction, dose, conclusion, certainty, ...",
    }),
    value: t.string({ resolve: byKey, description: "The fact, in the project's words." }),
    voice: t.field({ type: VoiceEnum, resolve: byKey, description: "Who says so." }),
    locator: t.string({ resolve: byKey, description: "Where: the source's section and sentence, or the record's section." }),
    url: t.string({ nullable: true, resolve: byKey, description: "The record's address (WORK_RECORD facts)." }),
  }),
});

const ContradictionKindEnum = builder.enumType("ContradictionKind", {
  description: "What disagrees.",
  values: {
    OPPOSITE_DIRECTIONS: {
      description:
        "Links of opposite direction between the same entities (INCREASES vs DECREASES, PREVENTS or TREATS vs CONTRIBUTES_TO).",
    },
    CONTRADICTING_STUDIES: { description: "A claim with contradicting or mixed studies." },
    WORK_DOES_NOT_SUPPORT: {
      description: "A claim whose cited work reports the opposite (CONTRADICTED) or does not study it (NOT_ADDRESSED).",
    },
    DENIED_BY_KNOWLEDGE_GRAPH: {
      description:
        "A link an imported knowledge graph says does not hold (a negated edge): see the link's `deniedBy`; its claims, if any, are listed.",
    },
  },
});

const ContradictionRef = builder.objectRef<Projected>("Contradiction").implement({
  description: "A place where the graph disagrees with itself, with the evidence on both sides.",
  fields: (t) => ({
    kind: t.field({ type: ContradictionKindEnum, resolve: byKey, description: "What disagrees." }),
    description: t.string({ resolve: byKey, description: "One line saying what." }),
    links: t.field({ type: [MechanismLinkRef], resolve: byKey, description: "The links involved (opposite directions: both)." }),
    claims: t.field({ type: [ClaimRef], resolve: byKey, description: "The claims involved." }),
    evidence: t.field({ type: [EvidenceRef], resolve: byKey, description: "Every evidence edge of those claims, both sides." }),
  }),
});

async function contradictions(ctx: Context, info: GraphQLResolveInfo, first: number) {
  const q = new CypherBuilder();
  return readRows(ctx, contradictionsCypher(selectionOf(info).get("Contradiction") ?? [], first, q), q);
}

builder.queryFields((t) => ({
  overstatements: t.field({
    type: [ClaimRef],
    args: { first: t.arg.int({ required: false, description: "At most this many (1..100; default 20)." }) },
    description:
      "Claims whose source's word outruns the checked evidence, most misleading first: by `check.gap` (what the source implies minus what the evidence supports), then id. See each claim's `check` and its evidence's verdicts and reasons.",
    resolve: async (_root, args, ctx, info) => {
      const q = new CypherBuilder();
      return readRows(ctx, overstatementsCypher(selectionOf(info).get("Claim") ?? [], args, q), q);
    },
  }),
  contradictions: t.field({
    type: [ContradictionRef],
    args: { first: t.arg.int({ required: false, description: "At most this many (1..100; default 50)." }) },
    description:
      "Where the graph disagrees with itself: opposite directions asserted between the same entities, claims with contradicting or mixed studies, and claims whose cited work does not support them; each with the evidence on both sides. Ordered by kind, then id.",
    resolve: (_root, { first }, ctx, info) => contradictions(ctx, info, firstArg(first, 50)),
  }),
}));
