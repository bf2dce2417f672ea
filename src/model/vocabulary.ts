/**
 * The closed vocabularies of the graph: entity kinds, link predicates, study designs and
 * stances, with their Biolink Model mapping and the evidence weight of each design.
 * `schema/biolink-mapping.md` is generated from these tables (npm run schema:print), so the
 * code and the documentation cannot drift apart.
 */

export const ENTITY_KINDS = {
  ANATOMICAL_STRUCTURE: {
    biolink: "biolink:GrossAnatomicalStructure",
    description: "A body structure: the vagus nerve, the enteric nervous system, the GI tract.",
  },
  BODY_SYSTEM: {
    biolink: "biolink:GrossAnatomicalStructure",
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
    biolink: "biolink:PopulationOfIndividualOrganisms",
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
    // ChemicalEntity, not ChemicalMixture: the model keeps that for two or more molecular
    // entities, and magnesium glycinate, oxide and citrate are single compounds.
    biolink: "biolink:ChemicalEntity",
    description: "A supplement or product people take, e.g. magnesium glycinate, magnesium citrate.",
  },
  BEHAVIOR: {
    biolink: "biolink:Behavior",
    description: "Something people do: meditation, yoga, exercise, evening dosing.",
  },
  FOOD: {
    biolink: "biolink:Food",
    description: "A food or food group, e.g. magnesium-rich foods such as spinach and almonds.",
  },
  NAMED_THING: {
    biolink: "biolink:NamedThing",
    description:
      "Anything an imported knowledge graph names with a category we do not model (a gene, a cell type, an organism taxon): its own Biolink categories are kept on the entity.",
  },
} as const satisfies Record<string, { biolink: string; description: string }>;

export type EntityKind = keyof typeof ENTITY_KINDS;
export const ENTITY_KIND_NAMES = Object.keys(ENTITY_KINDS) as [EntityKind, ...EntityKind[]];

interface PredicateInfo {
  biolink: string;
  /**
   * True by definition (a salt has its ion as a part, a narrower term is a subclass of a broader
   * one), not an empirical claim: such a link needs no study and scores 1 in a chain, so it
   * neither adds nor removes evidence (evidence-rule.ts).
   */
  definitional?: boolean;
  /** Biolink 4 expresses direction as qualifiers on biolink:affects rather than as predicates. */
  qualifiers?: Record<string, string>;
  description: string;
}

export const PREDICATES = {
  INCREASES: {
    biolink: "biolink:affects",
    qualifiers: { object_direction_qualifier: "increased" },
    description: "The subject raises the amount or activity of the object.",
  },
  DECREASES: {
    biolink: "biolink:affects",
    qualifiers: { object_direction_qualifier: "decreased" },
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
    definitional: true,
    description: "The subject is a component of the object.",
  },
  HAS_PART: {
    biolink: "biolink:has_part",
    definitional: true,
    description: "The object is a component of the subject, e.g. magnesium glycinate has part glycine.",
  },
  COMMUNICATES_WITH: {
    biolink: "biolink:affects",
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
    biolink: "biolink:ameliorates_condition",
    description: "The subject relieves the object.",
  },
  ASSOCIATED_WITH: {
    biolink: "biolink:associated_with",
    description: "The subject and the object go together, with no direction of cause claimed.",
  },
  SOURCE_OF: {
    biolink: "biolink:has_food_component",
    description: "The subject provides the object, e.g. magnesium-rich foods are a source of magnesium.",
  },
  SUBCLASS_OF: {
    biolink: "biolink:subclass_of",
    definitional: true,
    description: "The subject is a narrower kind of the object, e.g. depression is a mood disorder.",
  },
  CONTRAINDICATED_IN: {
    biolink: "biolink:contraindicated_in",
    description: "The subject should not be used, or only with medical advice, in the object.",
  },
  RELATED_TO: {
    biolink: "biolink:related_to",
    description:
      "An imported knowledge graph's statement whose Biolink predicate we do not model: the link keeps that predicate's CURIE (biolinkPredicate) and its qualifiers.",
  },
} as const satisfies Record<string, PredicateInfo>;

export type Predicate = keyof typeof PREDICATES;
export const isDefinitional = (predicate: string): boolean =>
  (PREDICATES[predicate as Predicate] as PredicateInfo | undefined)?.definitional === true;
export const DEFINITIONAL_PREDICATES = (Object.keys(PREDICATES) as Predicate[]).filter(isDefinitional);
export const PREDICATE_NAMES = Object.keys(PREDICATES) as [Predicate, ...Predicate[]];

/**
 * Study designs, ranked as in the Oxford CEBM levels of evidence. `weight` is the design's
 * contribution to an evidence score (see src/graph/evidence-rule.ts); `level` the summary level
 * the design earns.
 */
export const STUDY_DESIGNS = {
  META_ANALYSIS: { level: "SYSTEMATIC_REVIEW", weight: 0.9, biolink: "biolink:Study" },
  SYSTEMATIC_REVIEW: { level: "SYSTEMATIC_REVIEW", weight: 0.9, biolink: "biolink:Study" },
  RCT: { level: "RCT", weight: 0.75, biolink: "biolink:ClinicalTrial" },
  CLINICAL_TRIAL: { level: "CLINICAL_TRIAL", weight: 0.6, biolink: "biolink:ClinicalTrial" },
  COHORT: { level: "COHORT", weight: 0.5, biolink: "biolink:Study" },
  CASE_CONTROL: { level: "CASE_CONTROL", weight: 0.4, biolink: "biolink:Study" },
  CROSS_SECTIONAL: { level: "CASE_CONTROL", weight: 0.4, biolink: "biolink:Study" },
  CASE_REPORT: { level: "CASE_SERIES", weight: 0.25, biolink: "biolink:Study" },
  CASE_SERIES: { level: "CASE_SERIES", weight: 0.25, biolink: "biolink:Study" },
  /** A study in people whose design the source does not give: weighed as the weakest human design. */
  HUMAN_STUDY_UNSPECIFIED: { level: "HUMAN_STUDY_UNSPECIFIED", weight: 0.25, biolink: "biolink:Study" },
  NARRATIVE_REVIEW: { level: "MECHANISTIC_OR_OPINION", weight: 0.2, biolink: "biolink:Publication" },
  ANIMAL: { level: "MECHANISTIC_OR_OPINION", weight: 0.15, biolink: "biolink:Study" },
  IN_VITRO: { level: "MECHANISTIC_OR_OPINION", weight: 0.15, biolink: "biolink:Study" },
  EXPERT_OPINION: { level: "MECHANISTIC_OR_OPINION", weight: 0.1, biolink: "biolink:Publication" },
  UNKNOWN: { level: "MECHANISTIC_OR_OPINION", weight: 0.1, biolink: "biolink:Publication" },
} as const;

export type StudyDesign = keyof typeof STUDY_DESIGNS;
export const STUDY_DESIGN_NAMES = Object.keys(STUDY_DESIGNS) as [StudyDesign, ...StudyDesign[]];

/**
 * Evidence levels, best first. UNCONFIRMED: studies are cited, but none adds support once checked
 * against its own record (not found, or not about the claim). NONE_CITED: no study at all.
 * DEFINITIONAL: a link true by definition (see PredicateInfo.definitional), which needs none.
 */
export const EVIDENCE_LEVELS = [
  "SYSTEMATIC_REVIEW",
  "RCT",
  "CLINICAL_TRIAL",
  "COHORT",
  "CASE_CONTROL",
  "CASE_SERIES",
  "HUMAN_STUDY_UNSPECIFIED",
  "MECHANISTIC_OR_OPINION",
  "UNCONFIRMED",
  "NONE_CITED",
  "DEFINITIONAL",
] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

export const STANCES = ["SUPPORTS", "CONTRADICTS", "MIXED"] as const;
export type Stance = (typeof STANCES)[number];
/** The evidence relationship types, for Cypher patterns: one place for the list. */
export const EVIDENCE_TYPES = STANCES.join("|");

/**
 * Who says so (evidence.md): the source's own text, the cited work's own record, a curator, or an
 * imported knowledge graph (KGX) that reports the statement and the publications behind it.
 */
export const VOICES = ["ARTICLE", "WORK_RECORD", "CURATOR_INFERENCE", "KNOWLEDGE_GRAPH"] as const;
export type Voice = (typeof VOICES)[number];

/** How firmly a claim is made, strongest first: a chain is as firm as its weakest link. */
export const CERTAINTIES = ["ASSERTED", "HEDGED", "ASSOCIATIONAL"] as const;
export type Certainty = (typeof CERTAINTIES)[number];

/** The article's statement checked against what the cited work's record reports. */
export const VERDICTS = ["CONSISTENT", "OVERSTATED", "NOT_ADDRESSED", "CONTRADICTED", "UNVERIFIED"] as const;
export type Verdict = (typeof VERDICTS)[number];
export const CHECK_ASPECTS = ["DESIGN", "OUTCOME", "POPULATION", "CERTAINTY", "DIRECTION", "DOSE"] as const;

/** What a work's authors say of their own evidence (GRADE-like). */
export const AUTHORS_CERTAINTY = ["HIGH", "MODERATE", "LOW", "VERY_LOW", "NOT_STATED"] as const;
export type AuthorsCertainty = (typeof AUTHORS_CERTAINTY)[number];

/** Whether a study record was checked against the work's own record (PubMed, PMC, publisher, Bookshelf). */
export const RECORD_STATUSES = ["VERIFIED", "CANDIDATE", "UNVERIFIED", "NOT_CHECKED"] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];
export const SIZE_COUNTS = ["PARTICIPANTS", "PATIENTS", "STUDIES", "ANIMALS", "NOT_STATED"] as const;

/** How sure the curators are that two study records describe one work. */
export const SAME_WORK_CONFIDENCES = ["SAME_WORK", "PROBABLY_SAME_WORK"] as const;

/** Stable id shapes (see the contract): slugs for entities, prefixed slugs for the rest. */
export const SLUG = "[a-z0-9]+(?:-[a-z0-9]+)*";
/**
 * A CURIE as an entity id (imported knowledge graphs keep their ids: `CHEBI:6636`, `MONDO:0005148`):
 * a prefix (letter first; letters, digits, `_`, `.`, `-`), a colon, a local part without spaces or
 * `|`. The graph's own prefixes (claim, study, source, link) are not entity prefixes.
 */
export const ENTITY_CURIE = "(?!(?:claim|study|source|link):)[A-Za-z][A-Za-z0-9_.-]*:[^\\s|]+";
export const ID_PATTERNS = {
  entity: new RegExp(`^(?:${SLUG}|${ENTITY_CURIE})$`),
  claim: new RegExp(`^claim:${SLUG}$`),
  study: new RegExp(`^study:${SLUG}$`),
  source: new RegExp(`^source:${SLUG}$`),
} as const;
export const MAX_ID_LENGTH = 120;

/** A mechanism link's id is derived from its ends and predicate, so it is stable and unique. */
export function linkId(from: string, predicate: Predicate, to: string): string {
  return `link:${from}:${predicate}:${to}`;
}

const LINK_ID = new RegExp(`^link:(.+?):(${Object.keys(PREDICATES).join("|")}):(.+)$`);

/** The ends and predicate of a link id (entity ids may be CURIEs: the predicate name splits them). */
export function linkOfId(id: string): { from: string; predicate: Predicate; to: string } {
  const m = LINK_ID.exec(id);
  if (!m) {
    const [, from, predicate, to] = id.split(":");
    return { from: String(from), predicate: predicate as Predicate, to: String(to) };
  }
  return { from: String(m[1]), predicate: m[2] as Predicate, to: String(m[3]) };
}
