import { CypherBuilder, intArg } from "../translate/cypher.js";
import { builder } from "./builder.js";
import { byKey, NodeRef, StudyDesignEnum, VoiceEnum } from "./common.js";
import { connectionType, pageOf } from "./connection.js";
import { lookup } from "./entity.js";
import { SameWorkConfidenceEnum } from "./evidence.js";
import { checkId } from "./ids.js";
import { CitationRef, ClaimRef, EvidenceRef, SameAsRef, SourceRef, StudyFactRef, StudyRef, WorkRecordRef } from "./refs.js";
import { searchQuery } from "./search.js";

builder.objectType(StudyRef, {
  description:
    "A study or publication: what the source cited, as precisely as it was given. Identifiers only where the source gives them.",
  interfaces: [NodeRef],
  fields: (t) => ({
    title: t.string({ nullable: true, resolve: byKey, description: "Title, when the source gives one." }),
    journal: t.string({ nullable: true, resolve: byKey, description: "Journal, when the source names it." }),
    year: t.int({ nullable: true, resolve: byKey, description: "Publication year, when the source gives it." }),
    design: t.field({
      type: StudyDesignEnum,
      resolve: byKey,
      description:
        "Design as the source describes it (or a curator read it: see `designVoice`); UNKNOWN when it does not. The work's own record may say otherwise: see `record.design`.",
    }),
    designVoice: t.field({
      type: VoiceEnum,
      resolve: byKey,
      description: "Who says `design`: ARTICLE (the source's word) or CURATOR_INFERENCE (e.g. read from a title).",
    }),
    record: t.field({
      type: WorkRecordRef,
      resolve: byKey,
      description: "What the work's own record says (status NOT_CHECKED when it was not looked up).",
    }),
    facts: t.field({
      type: [StudyFactRef],
      args: { voice: t.arg({ type: VoiceEnum, required: false, description: "Only the facts of this voice." }) },
      resolve: byKey,
      description: "What is known of the study, each fact with who says so and where.",
    }),
    population: t.string({ nullable: true, resolve: byKey, description: "Who was studied." }),
    sampleSize: t.int({
      nullable: true,
      resolve: byKey,
      description: "A size the source gives (participants or studies: see `facts` and `record.sizeCounts` for what it counts).",
    }),
    identifiers: t.stringList({ resolve: byKey, description: 'CURIEs: "PMID:28445426", "PMCID:PMC9455664", "DOI:..."' }),
    url: t.string({ nullable: true, resolve: byKey, description: "Where the source points to it." }),
    findings: t.string({ nullable: true, resolve: byKey, description: "What it found, as the source describes it (our words)." }),
    claims: t.field({ type: [ClaimRef], resolve: byKey, description: "The claims it bears on." }),
    evidence: t.field({ type: [EvidenceRef], resolve: byKey, description: "Its bearing on each claim, with stance and note." }),
    citedIn: t.field({
      type: [CitationRef],
      resolve: byKey,
      description: "How sources cite it: in the text, in a reference list, or both.",
    }),
    sameAs: t.field({
      type: [SameAsRef],
      resolve: byKey,
      description: "Other records that plausibly are the same publication, and why.",
    }),
    createdAt: t.string({ nullable: true, resolve: byKey, description: "When this record was first written (ISO 8601)." }),
    updatedAt: t.string({ nullable: true, resolve: byKey, description: "When this record last changed (ISO 8601)." }),
  }),
});

builder.objectType(SameAsRef, {
  description:
    "A link between two study records that describe (or very probably describe) one publication: the evidence rule counts the work once.",
  fields: (t) => ({
    study: t.field({ type: StudyRef, resolve: byKey, description: "The other record." }),
    note: t.string({ resolve: byKey, description: "Why the curators think so, and how sure they are." }),
    confidence: t.field({ type: SameWorkConfidenceEnum, resolve: byKey, description: "SAME_WORK or PROBABLY_SAME_WORK." }),
    voice: t.field({ type: VoiceEnum, resolve: byKey, description: "Who says so: a curator, or the work's record." }),
  }),
});

builder.objectType(CitationRef, {
  description: "How a source cites a study.",
  fields: (t) => ({
    source: t.field({ type: SourceRef, resolve: byKey, description: "The citing source." }),
    as: t.string({ resolve: byKey, description: "TEXT (mentioned in the text) or REFERENCE_LIST." }),
    locator: t.string({ resolve: byKey, description: "Where in the source." }),
  }),
});

builder.objectType(SourceRef, {
  description: "A source of claims, e.g. an article.",
  interfaces: [NodeRef],
  fields: (t) => ({
    title: t.string({ resolve: byKey, description: "Title." }),
    kind: t.string({ resolve: byKey, description: 'e.g. "popular-health article".' }),
    url: t.string({ nullable: true, resolve: byKey, description: "Where it is published." }),
    publisher: t.string({ nullable: true, resolve: byKey, description: "Who published it." }),
    cites: t.field({ type: [StudyRef], resolve: byKey, description: "Every study it cites, in the text or its reference list." }),
    claims: t.field({ type: [ClaimRef], resolve: byKey, description: "Every claim it makes." }),
  }),
});

const StudyFilter = builder.inputType("StudyFilter", {
  description: "Conditions a study must meet; all given conditions apply together.",
  fields: (t) => ({
    designs: t.field({ type: [StudyDesignEnum], required: false, description: "Only these designs." }),
    yearFrom: t.int({ required: false, description: "Published in or after this year." }),
    yearTo: t.int({ required: false, description: "Published in or before this year." }),
    search: t.string({ required: false, description: "Only studies whose title, journal or identifiers match this text." }),
    citedBy: t.id({ required: false, description: "Only studies this source cites." }),
  }),
});

export const StudyConnectionRef = connectionType("Study", "Study", "A page of studies, ordered by id.");

const checkYear = (value: number | null | undefined, argument: string): number | undefined =>
  value === null || value === undefined ? undefined : intArg(value, { name: argument, min: 1800, max: 2100, unit: "a year" });

builder.queryFields((t) => ({
  study: t.field({
    type: StudyRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'A study id, e.g. "study:nutrients-2017-meta-analysis".' }) },
    description: "A study by id; null when there is none. A malformed id is BAD_USER_INPUT.",
    resolve: (_root, { id }, ctx, info) => lookup(ctx, info, "Study", checkId("study", id)),
  }),
  source: t.field({
    type: SourceRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'A source id, e.g. "source:mg-glycinate-gut-brain".' }) },
    description: "A source by id; null when there is none.",
    resolve: (_root, { id }, ctx, info) => lookup(ctx, info, "Source", checkId("source", id)),
  }),
  studies: t.field({
    type: StudyConnectionRef,
    args: {
      filter: t.arg({ type: StudyFilter, required: false, description: "Conditions on the studies." }),
      first: t.arg.int({ required: false, description: "Page size, 1..100 (default 20)." }),
      after: t.arg.string({ required: false, description: "The `endCursor` of the previous page." }),
    },
    description: "Studies, a page at a time, ordered by id.",
    resolve: (_root, { filter, first, after }, ctx, info) => {
      const q = new CypherBuilder();
      const where: string[] = [];
      if (filter?.designs?.length) where.push(`n.design IN ${q.param(filter.designs)}`);
      const from = checkYear(filter?.yearFrom, "filter.yearFrom");
      const to = checkYear(filter?.yearTo, "filter.yearTo");
      if (from !== undefined) where.push(`n.year >= ${q.param(from)}`);
      if (to !== undefined) where.push(`n.year <= ${q.param(to)}`);
      if (filter?.citedBy)
        where.push(`EXISTS { (:Source {id: ${q.param(checkId("source", filter.citedBy, "filter.citedBy"))}})-[:CITES]->(n) }`);
      const prefix = filter?.search
        ? `CALL db.index.fulltext.queryNodes('kg_search', ${q.param(searchQuery(filter.search, "filter.search"))}) YIELD node`
        : undefined;
      return pageOf(ctx, info, { label: "Study", type: "Study", where, prefix, first, after }, q);
    },
  }),
}));
