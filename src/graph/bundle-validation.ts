/**
 * Bundle validation: every problem of every file at once, in one shape a person can act on
 * (file, entry, field, message, code), before anything touches the database.
 *
 * 1. Each file (a partial bundle) is checked against the zod schema; every issue is reported.
 * 2. The parts are merged; an id defined twice (in one file or across files) is an error.
 * 3. Every reference (claim.about, links from/to, statedIn.source, evidence.study,
 *    citations.source, sameAs.study) must name a record of the bundle or, when the caller
 *    passes `known`, one already in the database (`fetchKnownIds` finds those in one query).
 */
import type { ManagedTransaction } from "neo4j-driver";
import type { z } from "zod";
import type { Database } from "../db/database.js";
import { Bundle, ClaimInput, EntityInput, SourceInput, StudyInput } from "../model/bundle.js";
import { linkId } from "../model/vocabulary.js";
import { entryLabel, isRecord, issueToProblems, PROBLEM_CODES, type Problem, structureProblems } from "./bundle-problems.js";

export { entryLabel, PROBLEM_CODES, type Problem } from "./bundle-problems.js";

export const KINDS = ["entities", "sources", "studies", "claims"] as const;
export type Kind = (typeof KINDS)[number];

const ENTRY_SCHEMAS: Record<Kind, z.ZodType> = {
  entities: EntityInput,
  sources: SourceInput,
  studies: StudyInput,
  claims: ClaimInput,
};

/** Where an entry of the merged bundle came from: its file and its index there. */
export interface Origin {
  file: string;
  index: number;
}

export interface ValidationResult {
  /** The merged bundle of every entry that passed the schema (entries that failed are left out). */
  bundle: Bundle;
  problems: Problem[];
  /** origins[kind][i] is where bundle[kind][i] came from. */
  origins: Record<Kind, Origin[]>;
  /** The files read (loadBundleFiles), in order. */
  files?: string[];
}

/** Ids that exist in the database, by kind (claims are never referenced by other records). */
export interface KnownIds {
  entities: ReadonlySet<string>;
  studies: ReadonlySet<string>;
  sources: ReadonlySet<string>;
}

function emptyOrigins(): Record<Kind, Origin[]> {
  return { entities: [], sources: [], studies: [], claims: [] };
}

/**
 * Validates partial bundles (one per file) and merges them. References are checked against the
 * merged bundle plus `known` (ids already in the database); without `known`, against the bundle only.
 */
export function validateBundle(parts: ReadonlyArray<{ file: string; data: unknown }>, known?: KnownIds): ValidationResult {
  const problems: Problem[] = [];
  const bundle: Bundle = { entities: [], sources: [], studies: [], claims: [] };
  const origins = emptyOrigins();

  for (const { file, data: rawData } of parts) {
    // An empty file (or one holding only comments) is an empty bundle.
    const data = rawData ?? {};
    const structure = structureProblems(file, data);
    if (structure.length) {
      problems.push(...structure);
      continue;
    }
    const parsed = Bundle.safeParse(data, { reportInput: true });
    if (parsed.success) {
      for (const kind of KINDS) {
        (bundle[kind] as unknown[]).push(...parsed.data[kind]);
        origins[kind].push(...parsed.data[kind].map((_, index) => ({ file, index })));
      }
      continue;
    }
    for (const issue of parsed.error.issues) problems.push(...issueToProblems(file, data, issue));
    // Keep the entries that are valid on their own, so reference and duplicate checks still run.
    if (!isRecord(data)) continue;
    for (const kind of KINDS) {
      const list = data[kind];
      if (!Array.isArray(list)) continue;
      list.forEach((raw, index) => {
        const one = ENTRY_SCHEMAS[kind].safeParse(raw);
        if (one.success) {
          (bundle[kind] as unknown[]).push(one.data);
          origins[kind].push({ file, index });
        }
      });
    }
  }

  problems.push(...checkDuplicates(bundle, origins));
  problems.push(...checkReferences({ bundle, origins }, known));
  return { bundle, problems, origins };
}

function labelOf(bundle: Bundle, origins: Record<Kind, Origin[]>, kind: Kind, i: number): { file: string; entry: string } {
  const origin = origins[kind][i] ?? { file: "bundle", index: i };
  return { file: origin.file, entry: entryLabel(kind, origin.index, bundle[kind][i]) };
}

function checkDuplicates(bundle: Bundle, origins: Record<Kind, Origin[]>): Problem[] {
  const problems: Problem[] = [];
  for (const kind of KINDS) {
    const first = new Map<string, number>();
    bundle[kind].forEach((item, i) => {
      const seen = first.get(item.id);
      if (seen === undefined) {
        first.set(item.id, i);
        return;
      }
      const other = labelOf(bundle, origins, kind, seen);
      problems.push({
        ...labelOf(bundle, origins, kind, i),
        field: "id",
        message: `duplicate id "${item.id}": also defined in ${other.file} at ${other.entry}`,
        code: PROBLEM_CODES.duplicateId,
      });
    });
  }
  // One evidence edge per (study, claim): the same study twice on one claim is ambiguous.
  bundle.claims.forEach((claim, i) => {
    const studies = new Map<string, number>();
    claim.evidence.forEach((e, j) => {
      const seen = studies.get(e.study);
      if (seen !== undefined) {
        problems.push({
          ...labelOf(bundle, origins, "claims", i),
          field: `evidence[${j}].study`,
          message: `study "${e.study}" already gives evidence on this claim at evidence[${seen}]; one stance per study and claim`,
          code: PROBLEM_CODES.duplicateEvidence,
        });
      } else studies.set(e.study, j);
    });
  });
  return problems;
}

/**
 * Checks every reference of the bundle against the bundle itself plus `known`. Exported so a
 * caller that validated without the database can re-check once it has the known ids.
 */
export function checkReferences(result: Pick<ValidationResult, "bundle" | "origins">, known?: KnownIds): Problem[] {
  const { bundle, origins } = result;
  const defined = {
    entities: new Set(bundle.entities.map((e) => e.id)),
    sources: new Set(bundle.sources.map((s) => s.id)),
    studies: new Set(bundle.studies.map((s) => s.id)),
  };
  const where = known ? "in the bundle or the database" : "in the bundle";
  const noun = { entities: "entity", sources: "source", studies: "study" } as const;
  const problems: Problem[] = [];
  const check = (kind: Kind, i: number, target: keyof typeof defined, id: string, field: string) => {
    if (defined[target].has(id) || known?.[target].has(id)) return;
    problems.push({
      ...labelOf(bundle, origins, kind, i),
      field,
      message: `no ${noun[target]} with id "${id}" ${where}`,
      code: PROBLEM_CODES.dangling,
    });
  };
  const selfReference = (kind: Kind, i: number, field: string, message: string) => {
    problems.push({ ...labelOf(bundle, origins, kind, i), field, message, code: PROBLEM_CODES.selfReference });
  };
  bundle.claims.forEach((claim, i) => {
    claim.about.forEach((id, j) => {
      check("claims", i, "entities", id, `about[${j}]`);
    });
    claim.links.forEach((link, j) => {
      check("claims", i, "entities", link.from, `links[${j}].from`);
      check("claims", i, "entities", link.to, `links[${j}].to`);
      if (link.from === link.to)
        selfReference("claims", i, `links[${j}].to`, "a mechanism link cannot go from an entity to itself");
    });
    claim.statedIn.forEach((s, j) => {
      check("claims", i, "sources", s.source, `statedIn[${j}].source`);
    });
    const links = new Set(claim.links.map((l) => linkId(l.from, l.predicate, l.to)));
    claim.evidence.forEach((e, j) => {
      check("claims", i, "studies", e.study, `evidence[${j}].study`);
      e.bearsOn?.forEach((l, k) => {
        if (links.has(linkId(l.from, l.predicate, l.to))) return;
        problems.push({
          ...labelOf(bundle, origins, "claims", i),
          field: `evidence[${j}].bearsOn[${k}]`,
          message: `${l.from} ${l.predicate} ${l.to} is not one of this claim's links; a study bears only on links its claim asserts`,
          code: PROBLEM_CODES.bearsOnUnknownLink,
        });
      });
      const citedFor = new Set(e.bearsOn ? e.bearsOn.map((l) => linkId(l.from, l.predicate, l.to)) : links);
      e.check?.addresses?.forEach((l, k) => {
        if (citedFor.has(linkId(l.from, l.predicate, l.to))) return;
        problems.push({
          ...labelOf(bundle, origins, "claims", i),
          field: `evidence[${j}].check.addresses[${k}]`,
          message: `${l.from} ${l.predicate} ${l.to} is not a link the study is cited for (bearsOn); a work can address only those`,
          code: PROBLEM_CODES.bearsOnUnknownLink,
        });
      });
      if (e.voice === "CURATOR_INFERENCE" && !e.reason) {
        problems.push({
          ...labelOf(bundle, origins, "claims", i),
          field: `evidence[${j}].reason`,
          message: "a curator's inference needs a `reason`: the source itself does not tie this study to the claim",
          code: PROBLEM_CODES.inferenceWithoutReason,
        });
      }
    });
  });
  bundle.studies.forEach((study, i) => {
    study.citations.forEach((c, j) => {
      check("studies", i, "sources", c.source, `citations[${j}].source`);
    });
    study.sameAs.forEach((s, j) => {
      if (s.study === study.id) selfReference("studies", i, `sameAs[${j}].study`, "a study cannot be the same as itself");
      else check("studies", i, "studies", s.study, `sameAs[${j}].study`);
    });
  });
  return problems;
}

/** The ids a bundle references but does not define itself: the ones to look up in the database. */
export function externalReferences(bundle: Bundle): { entities: string[]; studies: string[]; sources: string[] } {
  const entities = new Set<string>();
  const studies = new Set<string>();
  const sources = new Set<string>();
  for (const claim of bundle.claims) {
    for (const id of claim.about) entities.add(id);
    for (const link of claim.links) entities.add(link.from).add(link.to);
    for (const s of claim.statedIn) sources.add(s.source);
    for (const e of claim.evidence) studies.add(e.study);
  }
  for (const study of bundle.studies) {
    for (const c of study.citations) sources.add(c.source);
    for (const s of study.sameAs) studies.add(s.study);
  }
  for (const e of bundle.entities) entities.delete(e.id);
  for (const s of bundle.studies) studies.delete(s.id);
  for (const s of bundle.sources) sources.delete(s.id);
  return { entities: [...entities], studies: [...studies], sources: [...sources] };
}

/** Which of the given ids exist: one read query, three index seeks. */
export const KNOWN_IDS_CYPHER = `
CALL { UNWIND $entities AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) RETURN collect(n.id) AS entities }
CALL { UNWIND $studies AS id MATCH (n:Study {id: id}) USING INDEX SEEK n:Study(id) RETURN collect(n.id) AS studies }
CALL { UNWIND $sources AS id MATCH (n:Source {id: id}) USING INDEX SEEK n:Source(id) RETURN collect(n.id) AS sources }
RETURN entities, studies, sources`;

function knownFrom(record: { get(key: string): unknown } | undefined): KnownIds {
  const ids = (key: string) => new Set<string>((record?.get(key) as string[] | undefined) ?? []);
  return { entities: ids("entities"), studies: ids("studies"), sources: ids("sources") };
}

/** The ids the bundle references (and does not define) that exist in the database. */
export async function fetchKnownIds(db: Database, bundle: Bundle): Promise<KnownIds> {
  const refs = externalReferences(bundle);
  if (!refs.entities.length && !refs.studies.length && !refs.sources.length) return knownFrom(undefined);
  const result = await db.read(KNOWN_IDS_CYPHER, refs);
  return knownFrom(result.records[0]);
}

/** The same, inside a transaction (so the check and the write see the same database). */
export async function fetchKnownIdsTx(tx: ManagedTransaction, bundle: Bundle): Promise<KnownIds> {
  const refs = externalReferences(bundle);
  if (!refs.entities.length && !refs.studies.length && !refs.sources.length) return knownFrom(undefined);
  const result = await tx.run(KNOWN_IDS_CYPHER, refs);
  return knownFrom(result.records[0]);
}
