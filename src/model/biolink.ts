/**
 * The Biolink predicate and qualifiers of one mechanism link, given its ends (target: Biolink 4.4.x,
 * see schema/biolink-mapping.md). `PREDICATES[p].biolink` in vocabulary.ts is the mapping when the
 * ends fit; some Biolink terms only hold for certain ends, so the export needs the ends too:
 *
 * - `object_aspect_qualifier` takes values (abundance, activity, expression ...) that describe "a
 *   gene, gene product, or chemical entity" (GeneOrGeneProductOrChemicalEntityAspectEnum), so it goes
 *   only on edges whose object is one; with it, `qualified_predicate: biolink:causes` gives the full
 *   reading "X causes increased abundance of Y", as in the model's own examples.
 * - `ameliorates_condition` and `preventative_for_condition` need a subject that is a chemical, drug
 *   or treatment and an object that is a disease or phenotypic feature; other ends (a behaviour, a
 *   process) become `affects` with a decreased direction.
 * - `regulates` needs physical or processual ends (PhysicalEssenceOrOccurrent) and "a biologically
 *   evolved control mechanism": a product taken from outside (supplement, food) or a microbial
 *   community does not qualify, and between two molecular ends GeneRegulatesGeneAssociation would
 *   require a direction REGULATES does not carry, so those edges become `affects`.
 * - `produces` holds for a material entity; a process's product is `has_output`.
 *
 * tests/biolink-mapping.test.ts checks the kind sets below against schema/biolink-model.json.
 */
import { type EntityKind, PREDICATES, type Predicate } from "./vocabulary.js";

export interface BiolinkEdge {
  predicate: string;
  qualifiers: Record<string, string>;
}

/** Kinds whose category descends from ChemicalEntity. */
export const CHEMICAL_KINDS: ReadonlySet<EntityKind> = new Set(["SMALL_MOLECULE", "CHEMICAL_ENTITY", "INTERVENTION", "FOOD"]);
/** Kinds whose category descends from ChemicalEntity or GeneOrGeneProduct: what the aspect qualifier describes. */
export const MOLECULAR_KINDS: ReadonlySet<EntityKind> = new Set([...CHEMICAL_KINDS, "PROTEIN"]);
/** Kinds whose category carries the ChemicalOrDrugOrTreatment mixin (domain of the treats family). */
export const CHEMICAL_OR_TREATMENT_KINDS: ReadonlySet<EntityKind> = new Set([
  "SMALL_MOLECULE",
  "CHEMICAL_ENTITY",
  "INTERVENTION",
  "FOOD",
]);
/** Kinds whose category descends from DiseaseOrPhenotypicFeature (range of the treats family). */
export const CONDITION_KINDS: ReadonlySet<EntityKind> = new Set(["DISEASE", "PHENOTYPE"]);
/** Kinds whose category is a PhysicalEssenceOrOccurrent (domain and range of regulates). */
export const PHYSICAL_OR_OCCURRENT_KINDS: ReadonlySet<EntityKind> = new Set([
  "ANATOMICAL_STRUCTURE",
  "BODY_SYSTEM",
  "SMALL_MOLECULE",
  "CHEMICAL_ENTITY",
  "PHYSIOLOGICAL_PROCESS",
  "BIOLOGICAL_PROCESS",
  "INTERVENTION",
  "BEHAVIOR",
  "FOOD",
]);
/** Kinds whose category descends from BiologicalProcessOrActivity (domain of has_output). */
export const PROCESS_KINDS: ReadonlySet<EntityKind> = new Set(["PHYSIOLOGICAL_PROCESS", "BIOLOGICAL_PROCESS", "BEHAVIOR"]);
/** Taken from outside the body: not a "biologically evolved control mechanism" (regulates' note). */
const EXOGENOUS_KINDS: ReadonlySet<EntityKind> = new Set(["INTERVENTION", "FOOD"]);

/** The aspect used for INCREASES / DECREASES, which claim "amount or activity" without saying which. */
export const OBJECT_ASPECT = "activity_or_abundance";

const decreased = (): BiolinkEdge => ({
  predicate: "biolink:affects",
  qualifiers: { object_direction_qualifier: "decreased" },
});

/** Per-predicate rules; a predicate without one maps as in PREDICATES whatever its ends. */
const RULES: Partial<Record<Predicate, (s: EntityKind, o: EntityKind) => BiolinkEdge | undefined>> = {
  INCREASES: (_s, o) => directed("INCREASES", o),
  DECREASES: (_s, o) => directed("DECREASES", o),
  TREATS: (s, o) => (CHEMICAL_OR_TREATMENT_KINDS.has(s) && CONDITION_KINDS.has(o) ? undefined : decreased()),
  PREVENTS: (s, o) => (CHEMICAL_OR_TREATMENT_KINDS.has(s) && CONDITION_KINDS.has(o) ? undefined : decreased()),
  REGULATES: (s, o) =>
    PHYSICAL_OR_OCCURRENT_KINDS.has(s) &&
    PHYSICAL_OR_OCCURRENT_KINDS.has(o) &&
    !EXOGENOUS_KINDS.has(s) &&
    !(MOLECULAR_KINDS.has(s) && MOLECULAR_KINDS.has(o))
      ? undefined
      : { predicate: "biolink:affects", qualifiers: {} },
  PRODUCES: (s) => (PROCESS_KINDS.has(s) ? { predicate: "biolink:has_output", qualifiers: {} } : undefined),
  SOURCE_OF: (s, o) => (s === "FOOD" && CHEMICAL_KINDS.has(o) ? undefined : { predicate: "biolink:has_part", qualifiers: {} }),
};

function directed(p: "INCREASES" | "DECREASES", object: EntityKind): BiolinkEdge {
  const qualifiers: Record<string, string> = { ...PREDICATES[p].qualifiers };
  if (MOLECULAR_KINDS.has(object)) {
    qualifiers.object_aspect_qualifier = OBJECT_ASPECT;
    qualifiers.qualified_predicate = "biolink:causes";
  }
  return { predicate: PREDICATES[p].biolink, qualifiers };
}

/** The Biolink predicate and qualifiers for `subject predicate object`, given the ends' kinds. */
export function biolinkEdge(predicate: Predicate, subjectKind: EntityKind, objectKind: EntityKind): BiolinkEdge {
  const ruled = RULES[predicate]?.(subjectKind, objectKind);
  if (ruled) return ruled;
  const info: { biolink: string; qualifiers?: Record<string, string> } = PREDICATES[predicate];
  return { predicate: info.biolink, qualifiers: { ...info.qualifiers } };
}
