/** Shared pieces of the schema: the Node interface, the enums, and the projected-object shape. */
import type { GraphQLResolveInfo } from "graphql";
import {
  type Certainty,
  ENTITY_KINDS,
  EVIDENCE_LEVELS,
  PREDICATES,
  type STANCES,
  STUDY_DESIGNS,
  type Voice,
} from "../model/vocabulary.js";
import { builder } from "./builder.js";

/**
 * Objects come out of one Cypher map projection keyed by response key (alias or field name),
 * so every field resolver reads its own response key from the parent.
 */
// biome-ignore lint/suspicious/noExplicitAny: projected objects are shaped by the query itself
export type Projected = Record<string, any>;

export const byKey = (parent: Projected, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo) =>
  parent[info.path.key as string];

export const NodeRef = builder.interfaceRef<Projected>("Node").implement({
  description: "Anything with a stable id: entities (slugs), claims (claim:...), studies (study:...), sources (source:...).",
  fields: (t) => ({ id: t.id({ resolve: byKey, description: "The stable, human-readable id." }) }),
  resolveType: (value) => value.__type,
});

export const EntityKindEnum = builder.enumType("EntityKind", {
  description: "What kind of thing an entity is; each maps to a Biolink category (see `biolinkCategory`).",
  values: Object.fromEntries(
    Object.entries(ENTITY_KINDS).map(([k, v]) => [k, { description: `${v.description} Biolink: ${v.biolink}.` }]),
  ) as Record<keyof typeof ENTITY_KINDS, { description: string }>,
});

export const PredicateEnum = builder.enumType("Predicate", {
  description: "The relation a mechanism link asserts; each maps to a Biolink predicate (see `biolinkPredicate`).",
  values: Object.fromEntries(
    Object.entries(PREDICATES).map(([k, v]) => [
      k,
      {
        description: `${v.description} Biolink: ${v.biolink}${
          "qualifiers" in v
            ? ` with ${Object.entries(v.qualifiers)
                .map(([q, x]) => `${q}: ${x}`)
                .join(", ")}`
            : ""
        }.`,
      },
    ]),
  ) as Record<keyof typeof PREDICATES, { description: string }>,
});

export const StudyDesignEnum = builder.enumType("StudyDesign", {
  description: "A study's design, as the source describes it. Ranked as in the Oxford CEBM levels of evidence.",
  values: Object.fromEntries(
    Object.entries(STUDY_DESIGNS).map(([k, v]) => [
      k,
      { description: `Evidence level ${v.level}; weight ${v.weight} in the evidence score.` },
    ]),
  ) as Record<keyof typeof STUDY_DESIGNS, { description: string }>,
});

export const StanceEnum = builder.enumType("Stance", {
  description: "How a study bears on a claim.",
  values: {
    SUPPORTS: { description: "The study backs the claim." },
    CONTRADICTS: { description: "The study goes against the claim." },
    MIXED: { description: "The study's results partly back and partly go against the claim (counts half each way)." },
  } satisfies Record<(typeof STANCES)[number], { description: string }>,
});

export const EvidenceLevelEnum = builder.enumType("EvidenceLevel", {
  description:
    "The best design among the works that support a claim or link, best first; UNCONFIRMED when works are cited but none adds support once checked against its own record; NONE_CITED when none is cited; DEFINITIONAL for a link true by definition (HAS_PART, PART_OF, SUBCLASS_OF), which needs no study.",
  values: EVIDENCE_LEVELS,
});

export const CertaintyEnum = builder.enumType("Certainty", {
  description:
    "How firmly a claim is made, strongest first. A link is as firm as its firmest claim; a chain as its weakest link.",
  values: {
    ASSERTED: { description: "Stated as fact." },
    HEDGED: { description: "Stated with may, can, suggests, potentially, indirectly." },
    ASSOCIATIONAL: { description: "Stated as going together (linked, associated), with no cause claimed." },
  } satisfies Record<Certainty, { description: string }>,
});

export const VoiceEnum = builder.enumType("Voice", {
  description: "Who says so.",
  values: {
    ARTICLE: { description: "The source's own text, with a section/sentence locator." },
    WORK_RECORD: {
      description: "The cited work's own record (PubMed, PMC, the publisher, NCBI Bookshelf), with its URL and section.",
    },
    CURATOR_INFERENCE: { description: "A curator's reasoning, with the reason." },
    KNOWLEDGE_GRAPH: {
      description:
        "An imported knowledge graph (KGX) reports it, with the publications it lists: the graph's word, not a checked study (each publication weighs as a work of unknown design).",
    },
  } satisfies Record<Voice, { description: string }>,
});

export const DirectionEnum = builder.enumType("Direction", {
  description: "Which way to follow mechanism links.",
  values: {
    OUT: { description: "From the entity to what it acts on (downstream)." },
    IN: { description: "From what acts on the entity (upstream)." },
    BOTH: { description: "Both ways." },
  },
});

export const ChainOrderEnum = builder.enumType("ChainOrder", {
  description: "How mechanism chains are ordered.",
  values: {
    EVIDENCE: { description: "Best chain score first, then fewer hops." },
    LENGTH: { description: "Fewest hops first, then best chain score." },
    CERTAINTY: { description: "Firmest chains first (asserted, then hedged, then associational), then best score." },
  },
});

export const EvidenceSummaryRef = builder.objectRef<Projected>("EvidenceSummary").implement({
  description: [
    "How well a claim or a link is backed, by a documented, reproducible rule (README, src/model/evidence-rule.ts):",
    "a work (one publication, whichever of its records is cited) counts once and weighs by its design",
    "(meta-analysis/systematic review 0.9, RCT 0.75, clinical trial 0.6, cohort 0.5, case-control/cross-sectional 0.4,",
    "case report/series and human study of unstated design 0.25, narrative review 0.2, animal/in vitro 0.15,",
    "expert opinion/unknown 0.1), its record's design where known; halved when its authors rate their evidence low",
    "(twice: very low) and when the source overstates it; NOT_ADDRESSED and UNVERIFIED works add nothing.",
    "support = 1 - Π(1 - w) over supporting works, against = the same over contradicting ones (MIXED counts half",
    "each way); score = support × (1 - against). A link's summary counts the works cited for that link (bearsOn);",
    "a definitional link scores 1 (level DEFINITIONAL).",
  ].join(" "),
  fields: (t) => ({
    level: t.field({ type: EvidenceLevelEnum, resolve: byKey, description: "Best supporting design; NONE_CITED when none." }),
    supporting: t.int({ resolve: byKey, description: "Studies that support (or partly support: MIXED)." }),
    contradicting: t.int({ resolve: byKey, description: "Studies that contradict (or partly: MIXED)." }),
    score: t.float({ resolve: byKey, description: "0..1 by the rule above, to 4 decimals; 0 when nothing supports." }),
  }),
});
