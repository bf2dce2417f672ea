/**
 * The closed vocabularies of the graph: entity kinds, link predicates, study designs and
 * stances, with their Biolink Model mapping and the evidence weight of each design.
 * `schema/biolink-mapping.md` is generated from these tables (npm run schema:print), so the
 * code and the documentation cannot drift apart.
 */

export const ENTITY_KINDS = {
  ANATOMICAL_STRUCTURE: {
    biolink: "biolink:AnatomicalEntity",
    description: "A body structure: the vagus nerve, the enteric nervous system, the GI tract.",
  },
  BODY_SYSTEM: {
    biolink: "biolink:AnatomicalEntity",
    description: "A system of structures working together, e.g. the gut-brain axis.",
  },
  SMALL_MOLECULE: {
    biolink: "biolink:SmallMolecule",
    description: "A neurotransmitter, hormone, amino acid or salt: GABA, serotonin, cortisol, glycine.",
  },
  CHEMICAL_ENTITY: {
    biolink: "biolink:ChemicalEntity",
    description: "A mineral or chemical taken as a whole, e.g. magnesium.",
  },
  PROTEIN: {
    biolink: "biolink:Protein",
    description: "A protein or protein marker, e.g. C-reactive protein.",
  },
  PHYSIOLOGICAL_PROCESS: {
    biolink: "biolink:PhysiologicalProcess",
    description: "An organism-level process: gut motility, the stress response, the HPA axis, sleep.",
  },
  BIOLOGICAL_PROCESS: {
    biolink: "biolink:BiologicalProcess",
    description: "A cellular or molecular process: inflammation, neurotransmitter synthesis.",
  },
  MICROBIAL_COMMUNITY: {
    biolink: "biolink:OrganismalEntity",
    description: "A community of microorganisms, e.g. the gut microbiome.",
  },
  DISEASE: {
    biolink: "biolink:Disease",
    description: "A disease or disorder: IBS, depression, chronic fatigue syndrome, kidney disease.",
  },
  PHENOTYPE: {
    biolink: "biolink:PhenotypicFeature",
    description: "A symptom or trait: anxiety, bloating, constipation, insomnia, dysbiosis.",
  },
  INTERVENTION: {
    biolink: "biolink:ChemicalMixture",
    description: "A supplement or product people take, e.g. magnesium glycinate, probiotics.",
  },
  BEHAVIOR: {
    biolink: "biolink:Behavior",
    description: "Something people do: meditation, yoga, exercise, evening dosing.",
  },
  FOOD: {
    biolink: "biolink:Food",
    description: "A food or food group, e.g. magnesium-rich foods such as spinach and almonds.",
  },
} as const satisfies Record<string, { biolink: string; description: string }>;

export type EntityKind = keyof typeof ENTITY_KINDS;
export const ENTITY_KIND_NAMES = Object.keys(ENTITY_KINDS) as [EntityKind, ...EntityKind[]];

interface PredicateInfo {
  biolink: string;
  /** Biolink 4 expresses direction as qualifiers on biolink:affects rather than as predicates. */
  qualifiers?: Record<string, string>;
  description: string;
}

export const PREDICATES = {
  INCREASES: {
    biolink: "biolink:affects",
    qualifiers: {
      object_direction_qualifier: "increased",
      object_aspect_qualifier: "activity_or_abundance",
    },
    description: "The subject raises the amount or activity of the object.",
  },
  DECREASES: {
    biolink: "biolink:affects",
    qualifiers: {
      object_direction_qualifier: "decreased",
      object_aspect_qualifier: "activity_or_abundance",
    },
    description: "The subject lowers the amount or activity of the object.",
  },
  REGULATES: {
    biolink: "biolink:regulates",
    description: "The subject modulates the object, in either direction.",
  },
  PRODUCES: {
    biolink: "biolink:produces",
    description: "The subject makes the object, e.g. gut microbes produce serotonin.",
  },
  PART_OF: {
    biolink: "biolink:part_of",
    description: "The subject is a component of the object.",
  },
  HAS_PART: {
    biolink: "biolink:has_part",
    description: "The object is a component of the subject, e.g. magnesium glycinate has part glycine.",
  },
  COMMUNICATES_WITH: {
    biolink: "biolink:interacts_with",
    description: "The subject exchanges signals with the object.",
  },
  CONTRIBUTES_TO: {
    biolink: "biolink:contributes_to",
    description: "The subject is one cause of the object, e.g. dysbiosis contributes to inflammation.",
  },
  PREVENTS: {
    biolink: "biolink:preventative_for_condition",
    description: "The subject keeps the object from arising.",
  },
  TREATS: {
    biolink: "biolink:treats_or_applied_or_studied_to_treat",
    description: "The subject relieves the object.",
  },
  ASSOCIATED_WITH: {
    biolink: "biolink:associated_with",
    description: "The subject and the object go together, with no direction of cause claimed.",
  },
  SOURCE_OF: {
    biolink: "biolink:has_part",
    description: "The subject provides the object, e.g. magnesium-rich foods are a source of magnesium.",
  },
  CONTRAINDICATED_IN: {
    biolink: "biolink:contraindicated_in",
    description: "The subject should not be used, or only with medical advice, in the object.",
  },
} as const satisfies Record<string, PredicateInfo>;

export type Predicate = keyof typeof PREDICATES;
export const PREDICATE_NAMES = Object.keys(PREDICATES) as [Predicate, ...Predicate[]];

/**
 * Study designs, ranked as in the Oxford CEBM levels of evidence. `weight` is the design's
 * contribution to an evidence score (see src/graph/evidence-rule.ts); `level` the summary level
 * the design earns.
 */
export const STUDY_DESIGNS = {
  META_ANALYSIS: { level: "SYSTEMATIC_REVIEW", weight: 0.9, biolink: "biolink:Study" },
  SYSTEMATIC_REVIEW: { level: "SYSTEMATIC_REVIEW", weight: 0.9, biolink: "biolink:Study" },
  RCT: { level: "RCT", weight: 0.75, biolink: "biolink:Study" },
  CLINICAL_TRIAL: { level: "CLINICAL_TRIAL", weight: 0.6, biolink: "biolink:Study" },
  COHORT: { level: "COHORT", weight: 0.5, biolink: "biolink:Study" },
  CASE_CONTROL: { level: "CASE_CONTROL", weight: 0.4, biolink: "biolink:Study" },
  CROSS_SECTIONAL: { level: "CASE_CONTROL", weight: 0.4, biolink: "biolink:Study" },
  CASE_REPORT: { level: "CASE_SERIES", weight: 0.25, biolink: "biolink:Article" },
  CASE_SERIES: { level: "CASE_SERIES", weight: 0.25, biolink: "biolink:Article" },
  NARRATIVE_REVIEW: { level: "MECHANISTIC_OR_OPINION", weight: 0.2, biolink: "biolink:Article" },
  ANIMAL: { level: "MECHANISTIC_OR_OPINION", weight: 0.15, biolink: "biolink:Study" },
  IN_VITRO: { level: "MECHANISTIC_OR_OPINION", weight: 0.15, biolink: "biolink:Study" },
  EXPERT_OPINION: { level: "MECHANISTIC_OR_OPINION", weight: 0.1, biolink: "biolink:Article" },
  UNKNOWN: { level: "MECHANISTIC_OR_OPINION", weight: 0.1, biolink: "biolink:Article" },
} as const;

export type StudyDesign = keyof typeof STUDY_DESIGNS;
export const STUDY_DESIGN_NAMES = Object.keys(STUDY_DESIGNS) as [StudyDesign, ...StudyDesign[]];

/** Evidence levels, best first. NONE_CITED: no supporting study at all. */
export const EVIDENCE_LEVELS = [
  "SYSTEMATIC_REVIEW",
  "RCT",
  "CLINICAL_TRIAL",
  "COHORT",
  "CASE_CONTROL",
  "CASE_SERIES",
  "MECHANISTIC_OR_OPINION",
  "NONE_CITED",
] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

export const STANCES = ["SUPPORTS", "CONTRADICTS", "MIXED"] as const;
export type Stance = (typeof STANCES)[number];

/** Stable id shapes (see the contract): slugs for entities, prefixed slugs for the rest. */
export const SLUG = "[a-z0-9]+(?:-[a-z0-9]+)*";
export const ID_PATTERNS = {
  entity: new RegExp(`^${SLUG}$`),
  claim: new RegExp(`^claim:${SLUG}$`),
  study: new RegExp(`^study:${SLUG}$`),
  source: new RegExp(`^source:${SLUG}$`),
} as const;
export const MAX_ID_LENGTH = 120;

/** A mechanism link's id is derived from its ends and predicate, so it is stable and unique. */
export function linkId(from: string, predicate: Predicate, to: string): string {
  return `link:${from}:${predicate}:${to}`;
}
