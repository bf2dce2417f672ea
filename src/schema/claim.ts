/** Claims: what a source asserts, where, and the studies that bear on it. Also evidence gaps. */
import { readRows } from "../graph/read.js";
import { claimsPageCypher, evidenceGapsCypher, NARROWER_LIMIT } from "../translate/claims.js";
import { CypherBuilder } from "../translate/cypher.js";
import { selectionOf } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, CertaintyEnum, EvidenceSummaryRef, NodeRef, type Projected } from "./common.js";
import { connectionSelection, connectionType, readPage } from "./connection.js";
import { lookup } from "./entity.js";
import { checkId } from "./ids.js";
import {
  ClaimCheckRef,
  ClaimRef,
  EntityRef,
  EvidenceRef,
  MechanismLinkRef,
  QualifiersRef,
  SourceRef,
  StatementRef,
} from "./refs.js";

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
      description: "The evidence rule applied to `evidence`: what the cited works support, once checked (see `check`).",
    }),
    check: t.field({
      type: ClaimCheckRef,
      resolve: byKey,
      description: "What the source implies about its evidence against what the evidence supports, with the verdicts.",
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
    certainty: t.field({
      type: CertaintyEnum,
      nullable: true,
      resolve: byKey,
      description: "ASSERTED; HEDGED where the source says may/suggests; ASSOCIATIONAL where it says linked/associated.",
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

const ClaimFilter = builder.inputType("ClaimFilter", {
  description: "Conditions a claim must meet; all given conditions apply together.",
  fields: (t) => ({
    about: t.id({
      required: false,
      description: `Only claims about this entity, or (unless narrower is false) about a narrower term of it (SUBCLASS_OF, up to 3 steps; at most ${NARROWER_LIMIT} narrower terms, the closer levels first; the answer's \`narrowerTerms\` says whether that bound cut the walk).`,
    }),
    narrower: t.boolean({
      required: false,
      defaultValue: true,
      description: "With `about`: include claims about narrower terms (e.g. depression for mood disorders).",
    }),
    search: t.string({
      required: false,
      description:
        "Only claims whose statement, or the name or a synonym of an entity they are about, matches this full-text search (any text is safe).",
    }),
    minScore: t.float({ required: false, description: "Only claims whose evidence score is at least this (0..1)." }),
    unsupported: t.boolean({
      required: false,
      description: "true: only claims no study supports (evidence gaps); false: only supported claims.",
    }),
  }),
});

export const ClaimConnectionRef = connectionType("Claim", "Claim", "A page of claims, ordered by id.");

const NarrowerTermsRef = builder.objectRef<Projected>("NarrowerTerms").implement({
  description: `The narrower terms a claims filter on \`about\` took in (SUBCLASS_OF, up to 3 steps, at most ${NARROWER_LIMIT}).`,
  fields: (t) => ({
    walked: t.int({
      resolve: byKey,
      description: "How many narrower terms the filter took in (the entity itself not counted).",
    }),
    truncated: t.boolean({
      resolve: byKey,
      description: `True when the entity has more narrower terms within 3 steps than \`limit\`: those past it were left out (the closer levels are taken first), and with them the claims about them only. Ask about a narrower entity to see those.`,
    }),
    limit: t.int({ resolve: byKey, description: "The most narrower terms a filter takes in, the closer levels first." }),
  }),
});

// Computed by the page's own query (translate/claims.ts), no second round trip.
builder.objectField(ClaimConnectionRef, "narrowerTerms", (t) =>
  t.field({
    type: NarrowerTermsRef,
    nullable: true,
    resolve: (p) => p.narrowerTerms ?? null,
    description:
      "The narrower-term walk of `filter.about`: how many terms it took in and whether the bound cut it. Null without `about`, or with `narrower: false`.",
  }),
);

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
    resolve: (_root, args, ctx, info) => {
      const q = new CypherBuilder();
      return readPage(ctx, "Claim", claimsPageCypher(connectionSelection(info), args, q), q);
    },
  }),
  evidenceGaps: t.field({
    type: [ClaimRef],
    args: { first: t.arg.int({ required: false, description: "At most this many (1..100; default 100)." }) },
    description:
      "Claims the source asserts without citing any study in support: the places where evidence is missing, ordered by id. (Claims whose cited studies could not be confirmed are not gaps of the source's: see `overstatements` and `claims(filter: {unsupported: true})`.)",
    resolve: async (_root, args, ctx, info) => {
      const q = new CypherBuilder();
      return readRows(ctx, evidenceGapsCypher(selectionOf(info).get("Claim") ?? [], args, q), q);
    },
  }),
}));
