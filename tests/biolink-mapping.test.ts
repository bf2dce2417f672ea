/**
 * Holds the Biolink mapping (src/model/vocabulary.ts, src/model/biolink.ts) to a table taken from
 * the model's YAML (schema/biolink-model.json, which names the repository, commit and version), so a
 * misspelt, abstract, mixin or deprecated term, a qualifier value outside its enum, or a predicate
 * whose domain or range the seed's ends do not fit, fails here. Pure: no database.
 *
 * Decision on mixin predicates: none on an edge. The model marks them as groupings
 * (interacts_with: "please use a more specific child predicate"), so every mapped predicate must be
 * concrete.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  biolinkEdge,
  CHEMICAL_KINDS,
  CHEMICAL_OR_TREATMENT_KINDS,
  CONDITION_KINDS,
  MOLECULAR_KINDS,
  PHYSICAL_OR_OCCURRENT_KINDS,
  PROCESS_KINDS,
} from "../src/model/biolink.js";
import { Bundle } from "../src/model/bundle.js";
import {
  ENTITY_KIND_NAMES,
  ENTITY_KINDS,
  type EntityKind,
  PREDICATE_NAMES,
  PREDICATES,
  STUDY_DESIGNS,
} from "../src/model/vocabulary.js";

const ROOT = path.resolve(import.meta.dirname, "..");

interface ClassRow {
  name: string;
  is_a: string | null;
  abstract: boolean;
  mixin: boolean;
  mixins: string[];
}
interface PredicateRow {
  name: string;
  is_a: string | null;
  domain: string | null;
  range: string | null;
  mixin: boolean;
  deprecated: boolean;
  symmetric: boolean;
}
interface Table {
  header: { target_version: string; read_from: { repository: string; commit: string; version: string } };
  classes: ClassRow[];
  predicates: PredicateRow[];
  enums: Record<string, string[]>;
  qualifiers: Record<string, { range: string; applies_to?: string[]; subproperty_of?: string }>;
}

const table: Table = JSON.parse(fs.readFileSync(path.join(ROOT, "schema/biolink-model.json"), "utf8"));
const classes = new Map(table.classes.map((c) => [c.name, c]));
const predicates = new Map(table.predicates.map((p) => [p.name, p]));

/** The class and everything it inherits from: is_a and mixins, transitively (mixins have is_a too). */
function ancestors(name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [name];
  while (todo.length) {
    const n = todo.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    const row = classes.get(n);
    if (!row) throw new Error(`${n} is not in schema/biolink-model.json (reached from ${name})`);
    if (row.is_a) todo.push(row.is_a);
    todo.push(...row.mixins);
  }
  return seen;
}
const descends = (cls: string, target: string) => ancestors(cls).has(target);
/** A null domain or range is "none declared": any entity fits. */
const admits = (constraint: string | null, cls: string) => constraint === null || descends(cls, constraint);
const predicateAncestors = (name: string): string[] => {
  const chain: string[] = [];
  for (let p = predicates.get(name); p; p = p.is_a ? predicates.get(p.is_a) : undefined) chain.push(p.name);
  return chain;
};

const category = (kind: EntityKind) => ENTITY_KINDS[kind].biolink;
const kindsWhere = (test: (cls: string) => boolean) => new Set(ENTITY_KIND_NAMES.filter((k) => test(category(k))));
const allTriples = PREDICATE_NAMES.flatMap((p) => ENTITY_KIND_NAMES.flatMap((s) => ENTITY_KIND_NAMES.map((o) => ({ p, s, o }))));

/** Problems with one mapped edge: its predicate and qualifiers, against the table. */
function edgeProblems(p: (typeof PREDICATE_NAMES)[number], s: EntityKind, o: EntityKind): string[] {
  const edge = biolinkEdge(p, s, o);
  const where = `${p} ${s}->${o} => ${edge.predicate}`;
  const row = predicates.get(edge.predicate);
  if (!row) return [`${where}: predicate not in the model table`];
  const problems: string[] = [];
  if (row.mixin) problems.push(`${where}: mixin predicate (grouping only, not for edges)`);
  if (row.deprecated) problems.push(`${where}: deprecated predicate`);
  for (const [q, value] of Object.entries(edge.qualifiers)) {
    const spec = table.qualifiers[q];
    if (!spec) {
      problems.push(`${where}: qualifier ${q} not in the model table`);
      continue;
    }
    if (q === "qualified_predicate") {
      if (!predicateAncestors(value).includes(spec.subproperty_of as string))
        problems.push(`${where}: qualified_predicate ${value} is not a ${spec.subproperty_of}`);
    } else if (!table.enums[spec.range]?.includes(value)) {
      problems.push(`${where}: ${q}: ${value} is not in ${spec.range}`);
    }
    if (spec.applies_to && !spec.applies_to.some((c) => descends(category(o), c)))
      problems.push(`${where}: ${q} on a ${category(o)} object (allowed only for ${spec.applies_to.join(", ")})`);
  }
  if (edge.qualifiers.object_aspect_qualifier && edge.qualifiers.qualified_predicate === undefined)
    problems.push(`${where}: object_aspect_qualifier without qualified_predicate`);
  return problems;
}

/** Problems with the ends of one mapped edge: the predicate's domain and range. */
function endProblems(p: (typeof PREDICATE_NAMES)[number], s: EntityKind, o: EntityKind): string[] {
  const edge = biolinkEdge(p, s, o);
  const row = predicates.get(edge.predicate);
  if (!row) return [];
  const problems: string[] = [];
  if (!admits(row.domain, category(s)))
    problems.push(`${p} ${s}->${o} => ${edge.predicate}: subject ${category(s)} is not a ${row.domain}`);
  if (!admits(row.range, category(o)))
    problems.push(`${p} ${s}->${o} => ${edge.predicate}: object ${category(o)} is not a ${row.range}`);
  return problems;
}

describe("the Biolink table", () => {
  it("names where it was read from", () => {
    expect(table.header.read_from.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(table.header.read_from.version).toBe(table.header.target_version);
  });
  it("holds every class on every chain it reaches", () => {
    for (const c of table.classes) expect(() => ancestors(c.name)).not.toThrow();
  });
});

describe("entity kinds", () => {
  it.each(ENTITY_KIND_NAMES)("%s maps to a concrete Biolink class", (kind) => {
    const row = classes.get(category(kind));
    expect(row, `${category(kind)} is not in the model table`).toBeDefined();
    expect(row?.abstract, `${category(kind)} is abstract`).toBe(false);
    expect(row?.mixin, `${category(kind)} is a mixin`).toBe(false);
    expect(descends(category(kind), "biolink:NamedThing")).toBe(true);
  });
});

describe("study designs", () => {
  it.each(Object.entries(STUDY_DESIGNS))("%s maps to a concrete Study or Publication", (_design, { biolink }) => {
    const row = classes.get(biolink);
    expect(row, `${biolink} is not in the model table`).toBeDefined();
    expect(row?.abstract || row?.mixin).toBe(false);
    expect(descends(biolink, "biolink:Study") || descends(biolink, "biolink:Publication")).toBe(true);
  });
});

describe("predicates", () => {
  it.each(PREDICATE_NAMES)("%s maps to a predicate of the model that is neither deprecated nor a mixin", (p) => {
    const row = predicates.get(PREDICATES[p].biolink);
    expect(row, `${PREDICATES[p].biolink} is not in the model table`).toBeDefined();
    expect(row?.deprecated, `${PREDICATES[p].biolink} is deprecated`).toBe(false);
    expect(row?.mixin, `${PREDICATES[p].biolink} is a mixin`).toBe(false);
  });

  it("every (predicate, subject kind, object kind) maps to a live predicate with valid qualifiers", () => {
    expect(allTriples.flatMap(({ p, s, o }) => edgeProblems(p, s, o))).toEqual([]);
  });

  it("puts the aspect qualifier on exactly the chemical and gene-product objects", () => {
    for (const o of ENTITY_KIND_NAMES) {
      const aspect = biolinkEdge("INCREASES", "SMALL_MOLECULE", o).qualifiers.object_aspect_qualifier;
      const molecular = descends(category(o), "biolink:ChemicalEntity") || descends(category(o), "biolink:GeneOrGeneProduct");
      expect(aspect !== undefined, `${o} (${category(o)})`).toBe(molecular);
    }
  });

  it("maps the treats family to a fitting predicate when the subject is not a chemical, drug or treatment", () => {
    for (const p of ["TREATS", "PREVENTS"] as const) {
      expect(endProblems(p, "BEHAVIOR", "PHENOTYPE")).toEqual([]);
      expect(endProblems(p, "PHYSIOLOGICAL_PROCESS", "DISEASE")).toEqual([]);
      expect(endProblems(p, "SMALL_MOLECULE", "BIOLOGICAL_PROCESS")).toEqual([]);
    }
  });
});

describe("the kind sets of src/model/biolink.ts agree with the table", () => {
  const cases: [string, ReadonlySet<EntityKind>, (cls: string) => boolean][] = [
    ["CHEMICAL_KINDS", CHEMICAL_KINDS, (c) => descends(c, "biolink:ChemicalEntity")],
    [
      "MOLECULAR_KINDS",
      MOLECULAR_KINDS,
      (c) => descends(c, "biolink:ChemicalEntity") || descends(c, "biolink:GeneOrGeneProduct"),
    ],
    ["CHEMICAL_OR_TREATMENT_KINDS", CHEMICAL_OR_TREATMENT_KINDS, (c) => descends(c, "biolink:ChemicalOrDrugOrTreatment")],
    ["CONDITION_KINDS", CONDITION_KINDS, (c) => descends(c, "biolink:DiseaseOrPhenotypicFeature")],
    ["PHYSICAL_OR_OCCURRENT_KINDS", PHYSICAL_OR_OCCURRENT_KINDS, (c) => descends(c, "biolink:PhysicalEssenceOrOccurrent")],
    ["PROCESS_KINDS", PROCESS_KINDS, (c) => descends(c, "biolink:BiologicalProcessOrActivity")],
  ];
  it.each(cases)("%s", (_name, set, test) => {
    expect([...set].sort()).toEqual([...kindsWhere(test)].sort());
  });
});

describe("the seed's links", () => {
  const read = (file: string) => parse(fs.readFileSync(path.join(ROOT, "seed/data", file), "utf8"));
  const entities = Bundle.parse(read("entities.yaml")).entities;
  const claims = Bundle.parse(read("claims.yaml")).claims;
  const kindOf = new Map(entities.map((e) => [e.id, e.kind]));

  it("name only entities the seed defines", () => {
    const missing = claims.flatMap((c) =>
      c.links.flatMap((l) => [l.from, l.to].filter((id) => !kindOf.has(id)).map((id) => `${c.id}: ${id}`)),
    );
    expect(missing).toEqual([]);
  });

  it("fit the domain and range of the Biolink predicate they map to", () => {
    const violations = claims.flatMap((c) =>
      c.links.flatMap((l) => {
        const s = kindOf.get(l.from);
        const o = kindOf.get(l.to);
        if (!s || !o) return [];
        return [...endProblems(l.predicate, s, o), ...edgeProblems(l.predicate, s, o)].map(
          (problem) => `${c.id} (${l.from} ${l.predicate} ${l.to}): ${problem}`,
        );
      }),
    );
    expect(violations).toEqual([]);
  });
});
