/** Entities and the mechanism links between them, with the lookups that return them. */

import { type Contribution, partOf } from "../graph/kg-parts.js";
import { readOne } from "../graph/read.js";
import { categoryOf } from "../kgx/mapping.js";
import { biolinkEdge } from "../model/biolink.js";
import type { EntityKind, Predicate } from "../model/vocabulary.js";
import { CypherBuilder } from "../translate/cypher.js";
import { lookupCypher, type NodeLabel } from "../translate/lookup.js";
import { selectionOf } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, CertaintyEnum, EntityKindEnum, EvidenceSummaryRef, NodeRef, PredicateEnum, type Projected } from "./common.js";
import { connectionType, pageOf } from "./connection.js";
import { checkId, kindOfId, LABELS } from "./ids.js";
import {
  ClaimRef,
  EntityRef,
  KnowledgeGraphStatementRef,
  MechanismLinkRef,
  NegatedLinkRef,
  SourceRef,
  StudyRef,
} from "./refs.js";

const firstDescription = "At most this many (1..100; default 20), strongest evidence first.";

builder.objectType(EntityRef, {
  description: "A thing in the graph: a structure, molecule, process, microbial community, condition or intervention.",
  interfaces: [NodeRef],
  fields: (t) => ({
    name: t.string({ resolve: byKey, description: "Preferred name." }),
    kind: t.field({ type: EntityKindEnum, resolve: byKey, description: "What kind of thing this is." }),
    biolinkCategory: t.string({
      resolve: (p, _a, _c, info) => {
        const { kind, categories } = p[info.path.key as string] as { kind: EntityKind; categories: string[] | null };
        return categoryOf(kind, categories);
      },
      description:
        "The Biolink Model category: that of this entity's kind (e.g. biolink:GrossAnatomicalStructure); for an entity imported from a knowledge graph, the most specific of the categories that graph gave (e.g. biolink:Gene for a NAMED_THING).",
    }),
    synonyms: t.stringList({ resolve: byKey, description: "Other names and abbreviations people type (searchable)." }),
    description: t.string({ nullable: true, resolve: byKey, description: "One or two sentences on what it is." }),
    xrefs: t.stringList({ resolve: byKey, description: 'Cross-references as CURIEs, e.g. "MESH:D014630".' }),
    degree: t.int({ resolve: byKey, description: "How many mechanism links touch this entity, both ways." }),
    outgoing: t.field({
      type: [MechanismLinkRef],
      args: {
        predicates: t.arg({ type: [PredicateEnum], required: false, description: "Only links with these predicates." }),
        first: t.arg.int({ required: false, description: firstDescription }),
      },
      resolve: byKey,
      description: "Links from this entity to what it acts on.",
    }),
    incoming: t.field({
      type: [MechanismLinkRef],
      args: {
        predicates: t.arg({ type: [PredicateEnum], required: false, description: "Only links with these predicates." }),
        first: t.arg.int({ required: false, description: firstDescription }),
      },
      resolve: byKey,
      description: "Links from what acts on this entity.",
    }),
    claims: t.field({
      type: [ClaimRef],
      args: { first: t.arg.int({ required: false, description: firstDescription }) },
      resolve: byKey,
      description: "Claims about this entity, best supported first.",
    }),
    namedBy: t.field({
      type: [SourceRef],
      resolve: byKey,
      description:
        "The imported knowledge graphs (KGX) whose nodes this entity is, as Sources (source:kgx-<name>); empty for a curated entity, including an imported one a curator has since written. (A node merged into a curated entity by xref is not listed: it only adds its id to `xrefs`.)",
    }),
    describedBy: t.field({
      type: SourceRef,
      nullable: true,
      resolve: byKey,
      description:
        "Who says what this entity is (name, synonyms, description, categories): the imported knowledge graph whose description it holds; null when the curators' (a curated entity, or an imported one a curator has since written).",
    }),
    denials: t.field({
      type: [NegatedLinkRef],
      resolve: byKey,
      description:
        "What imported knowledge graphs say does NOT hold between this entity and another (their negated edges), either way, by id; at most 200. Whether or not anyone states the link itself: a denial is never read as the link (no chain, neighbourhood or shortcut reads it).",
    }),
    createdAt: t.string({ nullable: true, resolve: byKey, description: "When this record was first written (ISO 8601)." }),
    updatedAt: t.string({ nullable: true, resolve: byKey, description: "When this record last changed (ISO 8601)." }),
  }),
});

builder.objectType(NegatedLinkRef, {
  description:
    "A link imported knowledge graphs say does NOT hold (KGX edges with negated: true), e.g. a drug that does not treat a disease. Its id is not-link:<from>:<predicate>:<to>; the link itself, if anyone states it, is link:<from>:<predicate>:<to>.",
  fields: (t) => ({
    id: t.id({ resolve: byKey, description: "not-link:<from>:<predicate>:<to>; stable." }),
    predicate: t.field({ type: PredicateEnum, resolve: byKey, description: "The relation denied." }),
    deniedBy: t.field({
      type: [KnowledgeGraphStatementRef],
      resolve: byKey,
      description: "Each knowledge graph that denies it, with its own provenance and publications.",
    }),
  }),
});

// A link's and a denial's ends, the same fields on both.
for (const ref of [MechanismLinkRef, NegatedLinkRef]) {
  builder.objectFields(ref, (t) => ({
    from: t.field({ type: EntityRef, resolve: byKey, description: "The subject." }),
    to: t.field({ type: EntityRef, resolve: byKey, description: "The object." }),
  }));
}

/** The KG's part of the link, picked out of the link's properties (graph/kg-parts.ts). */
const partCache = new WeakMap<Projected, Contribution>();
function statementPart(p: Projected): Contribution {
  let part = partCache.get(p);
  if (!part) {
    part = partOf(p.__link, p.__sourceId) ?? { sources: [], lists: {}, qualifiers: {}, biolinkPredicate: "" };
    partCache.set(p, part);
  }
  return part;
}
const partList = (name: string) => (p: Projected) => statementPart(p).lists[name] ?? [];

builder.objectType(KnowledgeGraphStatementRef, {
  description:
    "What one imported knowledge graph (KGX) states of a link: the KNOWLEDGE_GRAPH voice, the graph's word with its own provenance, not a checked study.",
  fields: (t) => ({
    source: t.field({ type: SourceRef, resolve: byKey, description: "The knowledge graph, as a Source (source:kgx-<name>)." }),
    negated: t.boolean({
      resolve: byKey,
      description: "True: the graph states that the link does NOT hold (its edges have negated: true).",
    }),
    biolinkPredicate: t.string({
      resolve: (p) => statementPart(p).biolinkPredicate,
      description: "The graph's own Biolink predicate (a CURIE; kept as given when we do not model it).",
    }),
    qualifiers: t.field({
      type: "JSON",
      resolve: (p) => statementPart(p).qualifiers,
      description:
        "The graph's own qualifiers, by link property (qualifiedPredicate, objectDirectionQualifier ...); {} when none.",
    }),
    primaryKnowledgeSources: t.stringList({
      resolve: partList("primaryKnowledgeSources"),
      description: "Its edges' primary_knowledge_source (infores CURIEs).",
    }),
    aggregatorKnowledgeSources: t.stringList({
      resolve: partList("aggregatorKnowledgeSources"),
      description: "Its edges' aggregator_knowledge_source.",
    }),
    knowledgeLevels: t.stringList({
      resolve: partList("knowledgeLevels"),
      description: "Its edges' knowledge_level (knowledge_assertion, prediction ...).",
    }),
    agentTypes: t.stringList({
      resolve: partList("agentTypes"),
      description: "Its edges' agent_type (manual_agent, text_mining_agent ...).",
    }),
    publications: t.stringList({
      resolve: partList("publications"),
      description: "Its edges' publications, as the graph gives them (PMID:, PMC:, DOI: ...).",
    }),
    studies: t.field({
      type: [StudyRef],
      resolve: (p, _a, _c, info) => {
        const mine = new Set(partList("studyIds")(p));
        return (p[info.path.key as string] as Projected[]).filter((s) => mine.has(s.__id));
      },
      description:
        "The work records made for those publications (design UNKNOWN, not checked: they weigh in the link's evidence as the graph's word), by id; at most 200 over all the link's graphs.",
    }),
    edgeIds: t.stringList({ resolve: partList("kgxEdgeIds"), description: "The ids of its KGX edges that state this." }),
  }),
});

/** A link's Biolink predicate and qualifiers, from its predicate and its ends' kinds. */
const biolinkOf = (ends: { predicate: Predicate; fromKind: EntityKind; toKind: EntityKind }) =>
  biolinkEdge(ends.predicate, ends.fromKind, ends.toKind);

builder.objectType(MechanismLinkRef, {
  description:
    "A directed mechanistic link, e.g. magnesium -INCREASES-> GABA, as asserted by one or more claims. Its id is link:<from>:<predicate>:<to>.",
  fields: (t) => ({
    id: t.id({ resolve: byKey, description: "link:<from>:<predicate>:<to>; stable." }),
    predicate: t.field({ type: PredicateEnum, resolve: byKey, description: "The relation asserted." }),
    biolinkPredicate: t.string({
      resolve: (p, _a, _c, info) => biolinkOf(p[info.path.key as string]).predicate,
      description: "The Biolink predicate, for this link's ends (schema/biolink-mapping.md).",
    }),
    biolinkQualifiers: t.field({
      type: "JSON",
      resolve: (p, _a, _c, info) => biolinkOf(p[info.path.key as string]).qualifiers,
      description: "The Biolink qualifiers of this link (e.g. object_direction_qualifier), for its ends; {} when none.",
    }),
    claims: t.field({
      type: [ClaimRef],
      resolve: byKey,
      description:
        "The claims that assert this link (at most 200); empty for a link only imported knowledge graphs state (see statedBy).",
    }),
    statedBy: t.field({
      type: [KnowledgeGraphStatementRef],
      resolve: byKey,
      description:
        "What imported knowledge graphs (KGX) state of this link, one statement per graph, by Source id; empty when only curated claims assert it.",
    }),
    deniedBy: t.field({
      type: [KnowledgeGraphStatementRef],
      resolve: byKey,
      description:
        "Imported knowledge graphs that state this link does NOT hold (negated edges; never read as the link itself), one per graph.",
    }),
    evidence: t.field({
      type: EvidenceSummaryRef,
      resolve: byKey,
      description:
        "The evidence rule over the works cited for this link (`Evidence.bearsOn`) by its claims; for a link no claim asserts, over the publications of the knowledge graphs that state it, and against it those of the graphs that deny it (works of unknown design in the KNOWLEDGE_GRAPH voice: see `statedBy`, `deniedBy`); level DEFINITIONAL and score 1 for a definitional link.",
    }),
    certainty: t.field({
      type: CertaintyEnum,
      resolve: byKey,
      description:
        "As firm as its firmest claim: ASSERTED, HEDGED or ASSOCIATIONAL. For a link no claim asserts, from its knowledge graphs' knowledge_level (knowledge_assertion, logical_entailment: ASSERTED; prediction, statistical_association: ASSOCIATIONAL; anything else: HEDGED).",
    }),
    definitional: t.boolean({
      resolve: byKey,
      description: "True by definition (HAS_PART, PART_OF, SUBCLASS_OF), not an empirical claim: it needs no study.",
    }),
  }),
});

export const EntityConnectionRef = connectionType("Entity", "Entity", "A page of entities, ordered by id.");

builder.queryFields((t) => ({
  node: t.field({
    type: NodeRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: "Any node id: slug, claim:..., study:... or source:..." }) },
    description: "Any node by id; null when no node has it. A malformed id is BAD_USER_INPUT.",
    resolve: (_root, { id }, ctx, info) => lookup(ctx, info, LABELS[kindOfId(id)], id),
  }),
  entity: t.field({
    type: EntityRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'An entity slug, e.g. "vagus-nerve".' }) },
    description: "An entity by id; null when there is none. A malformed id is BAD_USER_INPUT.",
    resolve: (_root, { id }, ctx, info) => lookup(ctx, info, "Entity", checkId("entity", id)),
  }),
  entities: t.field({
    type: EntityConnectionRef,
    args: {
      kind: t.arg({ type: EntityKindEnum, required: false, description: "Only entities of this kind." }),
      first: t.arg.int({ required: false, description: "Page size, 1..100 (default 20)." }),
      after: t.arg.string({ required: false, description: "The `endCursor` of the previous page." }),
    },
    description: "All entities, a page at a time, ordered by id.",
    resolve: (_root, args, ctx, info) => {
      const q = new CypherBuilder();
      const where = args.kind ? [`n.kind = ${q.param(args.kind)}`] : [];
      return pageOf(ctx, info, { label: "Entity", type: "Entity", where, first: args.first, after: args.after }, q);
    },
  }),
}));

/** One node by id with the requested selection, in one round trip; null when absent. */
export function lookup(ctx: Parameters<typeof readOne>[0], info: Parameters<typeof selectionOf>[0], type: NodeLabel, id: string) {
  const q = new CypherBuilder();
  return readOne(ctx, lookupCypher(type, id, selectionOf(info).get(type) ?? [], q), q);
}
