/**
 * The bundle format: what seed files hold and what `importBundle` accepts. One zod schema is the
 * single definition; schema/bundle.schema.json is generated from it (npm run schema:print).
 *
 * A bundle may be split over many files: each file is a partial bundle, and the loader merges
 * them before it checks references, so a claim may name an entity defined in another file.
 */
import { z } from "zod";
import {
  AUTHORS_CERTAINTY,
  CERTAINTIES,
  CHECK_ASPECTS,
  ENTITY_KIND_NAMES,
  ID_PATTERNS,
  MAX_ID_LENGTH,
  PREDICATE_NAMES,
  RECORD_STATUSES,
  SAME_WORK_CONFIDENCES,
  SIZE_COUNTS,
  STANCES,
  STUDY_DESIGN_NAMES,
  VERDICTS,
  VOICES,
} from "./vocabulary.js";

const text = (max: number) => z.string().trim().min(1).max(max);
const id = (pattern: RegExp, example: string) =>
  z
    .string()
    .max(MAX_ID_LENGTH)
    .regex(pattern, { message: `must look like "${example}" (lower-case slug)` });

export const entityId = id(ID_PATTERNS.entity, "vagus-nerve");
export const claimId = id(ID_PATTERNS.claim, "claim:magnesium-raises-gaba");
export const studyId = id(ID_PATTERNS.study, "study:boyle-2017-nutrients");
export const sourceId = id(ID_PATTERNS.source, "source:mg-glycinate-gut-brain");

/** CURIE such as MESH:D014630, PMID:28445426, DOI:10.3390/nu9050429, PMCID:PMC9455664. */
export const curie = z
  .string()
  .max(200)
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*:\S+$/, { message: 'must be a CURIE such as "PMID:28445426"' });

export const EntityInput = z.strictObject({
  id: entityId,
  name: text(200),
  kind: z.enum(ENTITY_KIND_NAMES),
  synonyms: z.array(text(200)).max(50).default([]),
  description: text(2000).optional(),
  xrefs: z.array(curie).max(50).default([]),
});

export const SourceInput = z.strictObject({
  id: sourceId,
  title: text(500),
  kind: text(50).describe('e.g. "popular-health article", "review", "guideline"'),
  url: z.url().max(2000).optional(),
  publisher: text(200).optional(),
});

/** One fact about a study, with who says so and where (evidence.md: voices). */
export const StudyFactInput = z.strictObject({
  field: z
    .enum([
      "bibliographic",
      "design",
      "population",
      "sampleSize",
      "sizeCounts",
      "outcomes",
      "direction",
      "dose",
      "conclusion",
      "certainty",
      "identity",
    ])
    .describe("what the fact is about"),
  value: text(2000),
  voice: z.enum(VOICES),
  locator: text(500).describe("where: the article's section and sentence, or the record's section"),
  url: z.url().max(2000).optional().describe("the record's address, for WORK_RECORD facts"),
});

/** What the work's own record (PubMed, PMC, the publisher, NCBI Bookshelf) says: the WORK_RECORD voice. */
export const WorkRecordInput = z.strictObject({
  status: z
    .enum(RECORD_STATUSES)
    .describe("VERIFIED: record found; CANDIDATE: a record believed to be the work; UNVERIFIED: none found"),
  reason: text(2000)
    .optional()
    .describe("why a CANDIDATE is believed to be the work, or what was searched for an UNVERIFIED one"),
  design: z.enum(STUDY_DESIGN_NAMES).optional().describe("the design as the work's authors name it"),
  authorsCertainty: z.enum(AUTHORS_CERTAINTY).default("NOT_STATED"),
  sampleSize: z.number().int().min(1).max(100_000_000).optional(),
  sizeCounts: z.enum(SIZE_COUNTS).default("NOT_STATED").describe("what sampleSize counts"),
  urls: z.array(z.url().max(2000)).max(10).default([]),
});

export const StudyInput = z.strictObject({
  id: studyId,
  title: text(500).optional(),
  journal: text(200).optional(),
  year: z.number().int().min(1800).max(2100).optional(),
  design: z.enum(STUDY_DESIGN_NAMES).default("UNKNOWN"),
  /** Who says `design`: the source's words (ARTICLE) or a curator's reading (e.g. of a title). */
  designVoice: z.enum(["ARTICLE", "CURATOR_INFERENCE"]).default("ARTICLE"),
  population: text(500).optional(),
  sampleSize: z.number().int().min(1).max(100_000_000).optional(),
  identifiers: z.array(curie).max(20).default([]),
  url: z.url().max(2000).optional(),
  findings: text(2000).optional().describe("what the study found, as the source describes it"),
  record: WorkRecordInput.optional().describe("what the work's own record says; absent: not checked"),
  facts: z.array(StudyFactInput).max(100).default([]),
  /** How the source refers to it: mentioned in the text, listed as a reference, or both. */
  citations: z
    .array(
      z.strictObject({
        source: sourceId,
        as: z.enum(["TEXT", "REFERENCE_LIST"]),
        locator: text(500),
      }),
    )
    .max(50)
    .default([]),
  /** Another study record that is (or very probably is) the same publication, and why. */
  sameAs: z
    .array(
      z.strictObject({
        study: studyId,
        confidence: z.enum(SAME_WORK_CONFIDENCES).default("PROBABLY_SAME_WORK"),
        voice: z.enum(["WORK_RECORD", "CURATOR_INFERENCE"]).default("CURATOR_INFERENCE"),
        note: text(1000),
      }),
    )
    .max(10)
    .default([]),
});

export const LinkInput = z.strictObject({
  from: entityId,
  predicate: z.enum(PREDICATE_NAMES),
  to: entityId,
});

/** The article's statement checked against the cited work's record (evidence.md: verdicts). */
export const CheckInput = z.strictObject({
  verdict: z.enum(VERDICTS),
  /**
   * The links (of those the study is cited for) that the work actually studies; for the others
   * the work counts as NOT_ADDRESSED. Absent: all of them.
   */
  addresses: z.array(LinkInput).max(20).optional(),
  reasons: z
    .array(
      z.strictObject({
        aspect: z.enum(CHECK_ASPECTS),
        article: text(1000).describe("what the article says, in our words"),
        work: text(1000).describe("what the work reports, in our words"),
      }),
    )
    .max(20)
    .default([]),
});

export const ClaimInput = z.strictObject({
  id: claimId,
  statement: text(1000),
  about: z.array(entityId).min(1).max(20),
  links: z.array(LinkInput).max(20).default([]),
  statedIn: z
    .array(z.strictObject({ source: sourceId, locator: text(500) }))
    .min(1)
    .max(20),
  qualifiers: z
    .strictObject({
      population: text(500).optional(),
      dose: text(200).optional(),
      timing: text(200).optional(),
      certainty: z
        .enum(CERTAINTIES)
        .optional()
        .describe("ASSERTED; HEDGED where the source says may, can, suggests; ASSOCIATIONAL where it says linked or associated"),
    })
    .optional(),
  evidence: z
    .array(
      z.strictObject({
        study: studyId,
        stance: z.enum(STANCES),
        /** ARTICLE: the source cites this study for this claim; CURATOR_INFERENCE: a curator ties them. */
        voice: z.enum(["ARTICLE", "CURATOR_INFERENCE"]).default("ARTICLE"),
        reason: text(1000).optional().describe("why a curator ties the study to the claim (required for CURATOR_INFERENCE)"),
        /** The links of this claim the study was cited for; absent: all of them. */
        bearsOn: z.array(LinkInput).max(20).optional(),
        check: CheckInput.optional(),
        note: text(1000).optional(),
      }),
    )
    .max(200)
    .default([]),
});

export const Bundle = z.strictObject({
  entities: z.array(EntityInput).max(100_000).default([]),
  sources: z.array(SourceInput).max(10_000).default([]),
  studies: z.array(StudyInput).max(100_000).default([]),
  claims: z.array(ClaimInput).max(100_000).default([]),
});

export type EntityInput = z.infer<typeof EntityInput>;
export type SourceInput = z.infer<typeof SourceInput>;
export type StudyInput = z.infer<typeof StudyInput>;
export type LinkInput = z.infer<typeof LinkInput>;
export type ClaimInput = z.infer<typeof ClaimInput>;
export type EvidenceInput = ClaimInput["evidence"][number];
export type CheckInput = z.infer<typeof CheckInput>;
export type Bundle = z.infer<typeof Bundle>;
