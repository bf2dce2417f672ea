/** Claims: what a source asserts, where, and the studies that bear on it. Also evidence gaps. */
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { readRows } from "../graph/read.js";
import { CypherBuilder, firstArg, projection } from "../translate/projection.js";
import { selectionOf } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, EvidenceSummaryRef, NodeRef, StanceEnum } from "./common.js";
import { connectionType, pageOf } from "./connection.js";
import { lookup } from "./entity.js";
import { checkId } from "./ids.js";
import { ClaimRef, EntityRef, EvidenceRef, MechanismLinkRef, QualifiersRef, SourceRef, StatementRef, StudyRef } from "./refs.js";
import { searchQuery } from "./search.js";

builder.objectType(ClaimRef, {
  description: "One assertion made by a source, in the project's own words, with the studies that bear on it.",
  interfaces: [NodeRef],
  fields: (t) => ({
    statement: t.string({
      resolve: byKey,
      description: "The assertion in the project's own words (never the source's sentence).",
    }),
    about: t.field({ type: [EntityRef], resolve: byKey, description: "The entities the claim is about." }),
    links: t.field({
      type: [MechanismLinkRef],
      resolve: byKey,
      description: "The mechanism links this claim asserts (may be empty).",
    }),
    statedIn: t.field({ type: [StatementRef], resolve: byKey, description: "Where it was asserted: source + locator." }),
    evidence: t.field({
      type: [EvidenceRef],
      resolve: byKey,
      description: "Every study that supports or contradicts it (supporting first).",
    }),
    evidenceSummary: t.field({
      type: EvidenceSummaryRef,
      resolve: byKey,
      description: "The evidence rule applied to `evidence`.",
    }),
    qualifiers: t.field({
      type: QualifiersRef,
      resolve: byKey,
      description: "Population, dose, timing and certainty, where the source gives them.",
    }),
    createdAt: t.string({ nullable: true, resolve: byKey, description: "When this record was first written (ISO 8601)." }),
    updatedAt: t.string({ nullable: true, resolve: byKey, description: "When this record last changed (ISO 8601)." }),
  }),
});

builder.objectType(QualifiersRef, {
  description: "Conditions under which the source makes a claim.",
  fields: (t) => ({
    population: t.string({
      nullable: true,
      resolve: byKey,
      description: "Who it applies to, e.g. people with magnesium deficiency.",
    }),
    dose: t.string({ nullable: true, resolve: byKey, description: "Dose, e.g. 200-400 mg elemental magnesium a day." }),
    timing: t.string({ nullable: true, resolve: byKey, description: "When, e.g. in the evening, with meals." }),
    certainty: t.string({
      nullable: true,
      resolve: byKey,
      description: "ASSERTED, or HEDGED where the source says may/suggests.",
    }),
  }),
});

builder.objectType(StatementRef, {
  description: "Where a source makes a claim.",
  fields: (t) => ({
    source: t.field({ type: SourceRef, resolve: byKey, description: "The source." }),
    locator: t.string({ resolve: byKey, description: "Section heading > sub-heading or bullet, sentence N." }),
  }),
});

builder.objectType(EvidenceRef, {
  description: "One study's bearing on one claim.",
  fields: (t) => ({
    study: t.field({ type: StudyRef, resolve: byKey, description: "The study." }),
    claim: t.field({ type: ClaimRef, resolve: byKey, description: "The claim." }),
    stance: t.field({ type: StanceEnum, resolve: byKey, description: "Supports, contradicts, or mixed." }),
    note: t.string({
      nullable: true,
      resolve: byKey,
      description: "Why the study bears on the claim, and how sure the curators are.",
    }),
  }),
});

const ClaimFilter = builder.inputType("ClaimFilter", {
  description: "Conditions a claim must meet; all given conditions apply together.",
  fields: (t) => ({
    about: t.id({ required: false, description: "Only claims about this entity." }),
    search: t.string({
      required: false,
      description: "Only claims whose statement matches this full-text search (any text is safe).",
    }),
    minScore: t.float({ required: false, description: "Only claims whose evidence score is at least this (0..1)." }),
    unsupported: t.boolean({
      required: false,
      description: "true: only claims no study supports (evidence gaps); false: only supported claims.",
    }),
  }),
});

export const ClaimConnectionRef = connectionType("Claim", "Claim", "A page of claims, ordered by id.");

builder.queryFields((t) => ({
  claim: t.field({
    type: ClaimRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'A claim id, e.g. "claim:magnesium-raises-gaba".' }) },
    description: "A claim by id; null when there is none. A malformed id is BAD_USER_INPUT.",
    resolve: (_root, { id }, ctx, info) => lookup(ctx, info, "Claim", checkId("claim", id)),
  }),
  claims: t.field({
    type: ClaimConnectionRef,
    args: {
      filter: t.arg({ type: ClaimFilter, required: false, description: "Conditions on the claims." }),
      first: t.arg.int({ required: false, description: "Page size, 1..100 (default 20)." }),
      after: t.arg.string({ required: false, description: "The `endCursor` of the previous page." }),
    },
    description: "Claims, a page at a time, ordered by id.",
    resolve: (_root, { filter, first, after }, ctx, info) => {
      const q = new CypherBuilder();
      const where: string[] = [];
      if (filter?.about)
        where.push(`EXISTS { (n)-[:ABOUT]->(:Entity {id: ${q.param(checkId("entity", filter.about, "filter.about"))}}) }`);
      if (filter?.minScore !== undefined && filter?.minScore !== null) {
        if (!(filter.minScore >= 0 && filter.minScore <= 1)) {
          throw clientError("BAD_USER_INPUT", "`filter.minScore` must be from 0 to 1.", { argument: "filter.minScore" });
        }
        where.push(`n.score >= ${q.param(filter.minScore)}`);
      }
      if (filter?.unsupported === true) where.push("coalesce(n.supporting, 0) = 0");
      if (filter?.unsupported === false) where.push("n.supporting > 0");
      const prefix = filter?.search
        ? `CALL db.index.fulltext.queryNodes('kg_search', ${q.param(searchQuery(filter.search, "filter.search"))}) YIELD node`
        : undefined;
      return pageOf(ctx, info, { label: "Claim", type: "Claim", where, prefix, first, after }, q);
    },
  }),
  evidenceGaps: t.field({
    type: [ClaimRef],
    args: { first: t.arg.int({ required: false, description: "At most this many (1..100; default 100)." }) },
    description: "Claims the source asserts with no supporting study: the places where evidence is missing, ordered by id.",
    resolve: async (_root, { first }, ctx, info) => {
      const q = new CypherBuilder();
      const limit = q.param(int(firstArg(first, 100)));
      const fields = selectionOf(info).get("Claim") ?? [];
      return readRows(
        ctx,
        `MATCH (n:Claim) WHERE coalesce(n.supporting, 0) = 0 WITH n ORDER BY n.id LIMIT ${limit} RETURN ${projection("Claim", "n", fields, q)} AS value`,
        q,
      );
    },
  }),
}));
