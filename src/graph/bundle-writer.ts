/**
 * Writes a validated, reference-checked bundle inside ONE given transaction (schema/model.md).
 *
 * - Batched: one `UNWIND $rows AS row ...` statement per kind of thing (chunked only for very
 *   large bundles), always parameterised; relationship types come from fixed tables in code.
 * - Idempotent: existing records are read first (one query per kind) and compared with the
 *   bundle; only records that are new or differ are written, so a second run writes nothing,
 *   reports everything as unchanged and leaves updatedAt/updatedBy as they were.
 * - A claim in a bundle is authoritative for its own `about`, `links`, `statedIn` and
 *   `evidence`: what the database holds beyond the bundle's lists is removed (a LINK that no
 *   claim asserts any more is deleted). A study is authoritative for its citations *per source
 *   it names*, and for its `sameAs` list when that list is non-empty (an empty or absent list
 *   leaves existing SAME_AS alone, so `upsertStudy` without these fields keeps them).
 * - Imports never delete nodes.
 * - Finally the cached EvidenceSummary of every affected Claim and LINK is recomputed with
 *   summarizeEvidence (src/model/evidence-rule.ts), in the same transaction, and with it the
 *   strongest-link shortcuts of the ends of every link created, deleted or re-scored
 *   (strongest-links.ts).
 */
import type { ManagedTransaction } from "neo4j-driver";
import { int, toPlain } from "../db/database.js";
import type { Bundle, ClaimInput, EntityInput, EvidenceInput, SourceInput, StudyInput } from "../model/bundle.js";
import {
  articleImplies,
  DEFINITIONAL_SUMMARY,
  type EvidenceEdge,
  type EvidenceSummary,
  round4,
  summarizeEvidence,
} from "../model/evidence-rule.js";
import {
  type AuthorsCertainty,
  CERTAINTIES,
  type Certainty,
  EVIDENCE_TYPES,
  isDefinitional,
  linkId,
  type Predicate,
  STANCES,
  type Stance,
  type StudyDesign,
  type Verdict,
} from "../model/vocabulary.js";
import { refreshStrongestLinks } from "./strongest-links.js";
import { bumpGraphVersion } from "./traversal-cache.js";

export interface Counts {
  entities: number;
  sources: number;
  studies: number;
  claims: number;
  links: number;
  evidence: number;
}

export interface WriteReport {
  created: Counts;
  updated: Counts;
  unchanged: Counts;
  /** Links no claim asserts any more, and evidence edges a re-imported claim no longer lists. */
  removed: Counts;
}

export type WriteStep = "entities" | "sources" | "studies" | "claims" | "links" | "evidence" | "evidence-summaries";

export interface WriteOptions {
  /** Who writes: stored in createdBy/updatedBy. */
  actor: string;
  /** ISO timestamp for createdAt/updatedAt (default: now). */
  now?: string;
  /** Called before each step, inside the transaction: progress logs (and fault injection in tests). */
  onStep?: (step: WriteStep, tx: ManagedTransaction) => Promise<void> | void;
}

export const zeroCounts = (): Counts => ({ entities: 0, sources: 0, studies: 0, claims: 0, links: 0, evidence: 0 });

type Props = Record<string, unknown>;

/** Evidence relationship types by stance: a fixed table, never text from the input. */
export const EVIDENCE_REL: Record<Stance, string> = { SUPPORTS: "SUPPORTS", CONTRADICTS: "CONTRADICTS", MIXED: "MIXED" };

/** Rows per statement: one statement per kind for any realistic bundle, bounded memory for huge ones. */
const BATCH = 10_000;

/** Comparable JSON form of a value as Neo4j stores it (Integers as numbers, absent as null). */
const canon = (value: unknown): string => JSON.stringify(toPlain(value) ?? null);
const sameValue = (a: unknown, b: unknown) => canon(a) === canon(b);

function sameProps(desired: Props, existing: Props | undefined): boolean {
  if (!existing) return false;
  return Object.entries(desired).every(([key, value]) => sameValue(value, existing[key]));
}

const sameSet = (a: Iterable<string>, b: Iterable<string>) => canon([...new Set(a)].sort()) === canon([...new Set(b)].sort());

const uniq = <T>(items: Iterable<T>): T[] => [...new Set(items)];
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const pairKey = (...parts: unknown[]) => JSON.stringify(parts);

/** Runs one UNWIND statement over `rows` (chunked); returns the summed `n` column. */
async function unwind(tx: ManagedTransaction, cypher: string, rows: readonly unknown[], params: Props = {}): Promise<number> {
  let total = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const result = await tx.run(cypher, { ...params, rows: rows.slice(i, i + BATCH) });
    total += Number(toPlain(result.records[0]?.get("n") ?? 0));
  }
  return total;
}

/** Like `unwind`, but every row must have matched its nodes: a missing one aborts the transaction. */
async function unwindAll(tx: ManagedTransaction, what: string, cypher: string, rows: readonly unknown[], params: Props = {}) {
  const n = await unwind(tx, cypher, rows, params);
  if (n !== rows.length) {
    throw new Error(`writing ${what}: ${rows.length - n} of ${rows.length} rows named a node that does not exist`);
  }
}

async function readMap(tx: ManagedTransaction, cypher: string, ids: readonly string[]): Promise<Map<string, Props>> {
  const map = new Map<string, Props>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const result = await tx.run(cypher, { ids: ids.slice(i, i + BATCH) });
    for (const record of result.records) {
      const row = toPlain(record.toObject()) as Props;
      map.set(String(row.id), row);
    }
  }
  return map;
}

type NodeLabel = "Entity" | "Source" | "Study" | "Claim";

/** MERGE nodes by id; audit fields on create, `props` (null removes) and updatedAt/By on every write. */
async function writeNodes(tx: ManagedTransaction, label: NodeLabel, rows: Array<{ id: string; props: Props }>, audit: Props) {
  if (!rows.length) return;
  await unwindAll(
    tx,
    label,
    `UNWIND $rows AS row
     MERGE (n:${label} {id: row.id})
     ON CREATE SET n.createdAt = $now, n.createdBy = $actor
     SET n += row.props, n.updatedAt = $now, n.updatedBy = $actor
     RETURN count(*) AS n`,
    rows,
    audit,
  );
}

interface Classified {
  created: string[];
  updated: string[];
  unchanged: string[];
}

function classify<T extends { id: string }>(
  items: readonly T[],
  isNew: (item: T) => boolean,
  changed: (item: T) => boolean,
): Classified {
  const out: Classified = { created: [], updated: [], unchanged: [] };
  for (const item of items) {
    if (isNew(item)) out.created.push(item.id);
    else if (changed(item)) out.updated.push(item.id);
    else out.unchanged.push(item.id);
  }
  return out;
}

/** Writes the rows of one label that are new or changed, and says how each row was classified. */
async function upsertNodes(
  tx: ManagedTransaction,
  label: "Entity" | "Source",
  rows: Array<{ id: string; props: Props }>,
  audit: Props,
): Promise<Classified> {
  const existing = await readMap(
    tx,
    `UNWIND $ids AS id MATCH (n:${label} {id: id}) USING INDEX SEEK n:${label}(id) RETURN n.id AS id, properties(n) AS props`,
    rows.map((r) => r.id),
  );
  const c = classify(
    rows,
    (r) => !existing.has(r.id),
    (r) => !sameProps(r.props, existing.get(r.id)?.props as Props),
  );
  const write = new Set([...c.created, ...c.updated]);
  await writeNodes(
    tx,
    label,
    rows.filter((r) => write.has(r.id)),
    audit,
  );
  return c;
}

function tally(report: WriteReport, kind: keyof Counts, c: Classified) {
  report.created[kind] += c.created.length;
  report.updated[kind] += c.updated.length;
  report.unchanged[kind] += c.unchanged.length;
}

/* ---------------------------------------------------------------- property maps (model.md) */

export function entityProps(e: EntityInput): Props {
  return {
    name: e.name,
    kind: e.kind,
    synonyms: e.synonyms,
    description: orNull(e.description),
    xrefs: e.xrefs,
    searchText: e.synonyms.join(" | "),
  };
}

export function sourceProps(s: SourceInput): Props {
  return { title: s.title, kind: s.kind, url: orNull(s.url), publisher: orNull(s.publisher) };
}

export function studyProps(s: StudyInput): Props {
  return {
    title: orNull(s.title),
    journal: orNull(s.journal),
    year: s.year === undefined ? null : int(s.year),
    design: s.design,
    population: orNull(s.population),
    sampleSize: s.sampleSize === undefined ? null : int(s.sampleSize),
    identifiers: s.identifiers,
    url: orNull(s.url),
    findings: orNull(s.findings),
    designVoice: s.designVoice,
    // What the work's own record says (WORK_RECORD voice); absent: not checked.
    recordStatus: s.record?.status ?? "NOT_CHECKED",
    recordReason: orNull(s.record?.reason),
    recordDesign: orNull(s.record?.design),
    authorsCertainty: orNull(s.record?.authorsCertainty),
    recordSampleSize: s.record?.sampleSize === undefined ? null : int(s.record.sampleSize),
    sizeCounts: orNull(s.record?.sizeCounts),
    recordUrls: s.record?.urls ?? [],
    // Facts with their voices, as parallel lists (a property cannot hold maps): one fact per index.
    factFields: s.facts.map((f) => f.field),
    factValues: s.facts.map((f) => f.value),
    factVoices: s.facts.map((f) => f.voice),
    factLocators: s.facts.map((f) => f.locator),
    factUrls: s.facts.map((f) => f.url ?? ""),
    searchText: [s.journal, ...s.identifiers].filter(Boolean).join(" | "),
  };
}

/** A claim with duplicate about/links/statedIn entries removed, and its link ids. */
interface NormalClaim {
  id: string;
  input: ClaimInput;
  about: string[];
  links: Array<{ id: string; from: string; predicate: Predicate; to: string }>;
  statedIn: Array<{ source: string; locator: string }>;
}

function normalizeClaim(c: ClaimInput): NormalClaim {
  const links = new Map<string, { id: string; from: string; predicate: Predicate; to: string }>();
  for (const l of c.links) {
    const id = linkId(l.from, l.predicate, l.to);
    links.set(id, { id, from: l.from, predicate: l.predicate, to: l.to });
  }
  const statedIn = new Map<string, { source: string; locator: string }>();
  for (const s of c.statedIn) statedIn.set(pairKey(s.source, s.locator), { source: s.source, locator: s.locator });
  return { id: c.id, input: c, about: uniq(c.about), links: [...links.values()], statedIn: [...statedIn.values()] };
}

export function claimProps(c: NormalClaim): Props {
  const q = c.input.qualifiers ?? {};
  return {
    statement: c.input.statement,
    population: orNull(q.population),
    dose: orNull(q.dose),
    timing: orNull(q.timing),
    certainty: orNull(q.certainty),
    linkIds: c.links.map((l) => l.id),
  };
}

/** What an evidence edge holds besides its stance (schema/model.md); null where absent. */
export interface EvidenceProps {
  note: string | null;
  voice: "ARTICLE" | "CURATOR_INFERENCE";
  reason: string | null;
  /** Ids of the claim's links the study was cited for; null: all of them. */
  bearsOn: string[] | null;
  verdict: Verdict | null;
  /** Ids of the links (among bearsOn) the work actually studies; null: all. The others: NOT_ADDRESSED. */
  addresses: string[] | null;
  /** The check's reasons as parallel lists (a property cannot hold maps): one reason per index. */
  reasonAspects: string[] | null;
  reasonArticle: string[] | null;
  reasonWork: string[] | null;
}
export const EVIDENCE_PROP_NAMES = [
  "note",
  "voice",
  "reason",
  "bearsOn",
  "verdict",
  "addresses",
  "reasonAspects",
  "reasonArticle",
  "reasonWork",
] as const satisfies ReadonlyArray<keyof EvidenceProps>;

export function evidenceProps(e: EvidenceInput): EvidenceProps {
  const reasons = e.check?.reasons;
  return {
    note: e.note ?? null,
    voice: e.voice ?? "ARTICLE",
    reason: e.reason ?? null,
    bearsOn: e.bearsOn ? uniq(e.bearsOn.map((l) => linkId(l.from, l.predicate, l.to))).sort() : null,
    verdict: e.check?.verdict ?? null,
    addresses: e.check?.addresses ? uniq(e.check.addresses.map((l) => linkId(l.from, l.predicate, l.to))).sort() : null,
    reasonAspects: reasons ? reasons.map((r) => r.aspect) : null,
    reasonArticle: reasons ? reasons.map((r) => r.article) : null,
    reasonWork: reasons ? reasons.map((r) => r.work) : null,
  };
}

/* ---------------------------------------------------------------- the writer */

export async function writeBundle(tx: ManagedTransaction, bundle: Bundle, opts: WriteOptions): Promise<WriteReport> {
  const audit = { now: opts.now ?? new Date().toISOString(), actor: opts.actor };
  const report: WriteReport = { created: zeroCounts(), updated: zeroCounts(), unchanged: zeroCounts(), removed: zeroCounts() };
  const step = async (name: WriteStep) => opts.onStep?.(name, tx);

  // Later entries win over earlier ones with the same id (validation reports such duplicates).
  const last = <T extends { id: string }>(items: readonly T[]) => [...new Map(items.map((i) => [i.id, i])).values()];
  const entities = last(bundle.entities);
  const sources = last(bundle.sources);
  const studies = last(bundle.studies);
  const claims = last(bundle.claims).map(normalizeClaim);

  /* entities and sources: plain nodes */
  await step("entities");
  tally(
    report,
    "entities",
    await upsertNodes(
      tx,
      "Entity",
      entities.map((e) => ({ id: e.id, props: entityProps(e) })),
      audit,
    ),
  );
  await step("sources");
  tally(
    report,
    "sources",
    await upsertNodes(
      tx,
      "Source",
      sources.map((s) => ({ id: s.id, props: sourceProps(s) })),
      audit,
    ),
  );

  /* studies, their citations (CITES) and SAME_AS */
  await step("studies");
  const designChanged: string[] = [];
  {
    const existing = await readMap(
      tx,
      `UNWIND $ids AS id MATCH (n:Study {id: id}) USING INDEX SEEK n:Study(id)
       RETURN n.id AS id, properties(n) AS props,
         [(src:Source)-[r:CITES]->(n) | [src.id, r.as, r.locator]] AS citations,
         [(n)-[r:SAME_AS]->(o:Study) | [o.id, r.note, r.confidence, r.voice]] AS sameAs`,
      studies.map((s) => s.id),
    );
    const citationKeys = (list: ReadonlyArray<readonly unknown[]>, source: string) =>
      list.filter((c) => c[0] === source).map((c) => pairKey(c[1], c[2]));
    const rows = studies.map((s) => ({ id: s.id, study: s, props: studyProps(s) }));
    const citesChanged = (r: (typeof rows)[number]) => {
      const old = (existing.get(r.id)?.citations ?? []) as unknown[][];
      const named = uniq(r.study.citations.map((c) => c.source));
      return named.some(
        (source) =>
          !sameSet(
            citationKeys(old, source),
            r.study.citations.filter((c) => c.source === source).map((c) => pairKey(c.as, c.locator)),
          ),
      );
    };
    const sameAsChanged = (r: (typeof rows)[number]) => {
      if (!r.study.sameAs.length) return false;
      const old = ((existing.get(r.id)?.sameAs ?? []) as unknown[][]).map((s) => pairKey(s[0], s[1], s[2], s[3]));
      const wanted = [...new Map(r.study.sameAs.map((s) => [s.study, s])).values()];
      return !sameSet(
        old,
        wanted.map((s) => pairKey(s.study, s.note, s.confidence, s.voice)),
      );
    };
    const c = classify(
      rows,
      (r) => !existing.has(r.id),
      (r) => !sameProps(r.props, existing.get(r.id)?.props as Props) || citesChanged(r) || sameAsChanged(r),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of c.updated) {
      const r = byId.get(id);
      const before = existing.get(id)?.props as Props | undefined;
      // What the rule reads of a study: its design, and its record's design and certainty.
      const ruleInputs = (p: Props | undefined) => [p?.design, p?.recordDesign ?? null, p?.authorsCertainty ?? null];
      if (r && !sameValue(ruleInputs(r.props), ruleInputs(before))) designChanged.push(id);
    }
    for (const id of c.updated) {
      const r = byId.get(id);
      if (r && sameAsChanged(r) && !designChanged.includes(id)) designChanged.push(id); // work identity changed
    }
    const write = new Set([...c.created, ...c.updated]);
    const changed = rows.filter((r) => write.has(r.id));
    await writeNodes(
      tx,
      "Study",
      changed.map(({ id, props }) => ({ id, props })),
      audit,
    );

    // CITES: per (study, source) the bundle's citations replace the database's.
    const keepCites = changed.flatMap((r) =>
      uniq(r.study.citations.map((c) => c.source)).map((source) => ({
        study: r.id,
        source,
        keep: r.study.citations.filter((c) => c.source === source).map((c) => [c.as, c.locator]),
      })),
    );
    if (keepCites.length) {
      await unwind(
        tx,
        `UNWIND $rows AS row
         MATCH (:Source {id: row.source})-[r:CITES]->(s:Study {id: row.study}) USING INDEX SEEK s:Study(id)
         WHERE NOT [r.as, r.locator] IN row.keep
         DELETE r RETURN count(*) AS n`,
        keepCites,
      );
    }
    const cites = changed.flatMap((r) =>
      uniq(r.study.citations.map((c) => pairKey(c.source, c.as, c.locator))).map((key) => {
        const [source, as, locator] = JSON.parse(key) as [string, string, string];
        return { study: r.id, source, as, locator };
      }),
    );
    if (cites.length) {
      await unwindAll(
        tx,
        "citations",
        `UNWIND $rows AS row
         MATCH (src:Source {id: row.source}), (s:Study {id: row.study}) USING INDEX SEEK src:Source(id) USING INDEX SEEK s:Study(id)
         MERGE (src)-[r:CITES {as: row.as, locator: row.locator}]->(s)
         RETURN count(*) AS n`,
        cites,
      );
    }

    // SAME_AS: a non-empty list replaces the study's outgoing SAME_AS.
    const withSameAs = changed.filter((r) => r.study.sameAs.length);
    if (withSameAs.length) {
      await unwind(
        tx,
        `UNWIND $rows AS row
         MATCH (s:Study {id: row.study})-[r:SAME_AS]->(o:Study) USING INDEX SEEK s:Study(id)
         WHERE NOT o.id IN row.keep
         DELETE r RETURN count(*) AS n`,
        withSameAs.map((r) => ({ study: r.id, keep: r.study.sameAs.map((s) => s.study) })),
      );
      await unwindAll(
        tx,
        "sameAs",
        `UNWIND $rows AS row
         MATCH (a:Study {id: row.from}), (b:Study {id: row.to}) USING INDEX SEEK a:Study(id) USING INDEX SEEK b:Study(id)
         MERGE (a)-[r:SAME_AS]->(b)
         SET r.note = row.note, r.confidence = row.confidence, r.voice = row.voice
         RETURN count(*) AS n`,
        withSameAs.flatMap((r) =>
          [...new Map(r.study.sameAs.map((s) => [s.study, s])).values()].map((s) => ({
            from: r.id,
            to: s.study,
            note: s.note,
            confidence: s.confidence,
            voice: s.voice,
          })),
        ),
      );
    }
    tally(report, "studies", c);
  }

  /* claims, ABOUT and STATED_IN */
  await step("claims");
  const claimIds = claims.map((c) => c.id);
  const existingClaims = await readMap(
    tx,
    `UNWIND $ids AS id MATCH (c:Claim {id: id}) USING INDEX SEEK c:Claim(id)
     RETURN c.id AS id, properties(c) AS props,
       [(c)-[:ABOUT]->(e:Entity) | e.id] AS about,
       [(c)-[r:STATED_IN]->(s:Source) | [s.id, r.locator]] AS statedIn,
       [(s:Study)-[e:${EVIDENCE_TYPES}]->(c) | e {study: s.id, stance: type(e), .note, .voice, .reason, .bearsOn, .verdict, .addresses,
         .reasonAspects, .reasonArticle, .reasonWork, .createdAt, .createdBy}] AS evidence`,
    claimIds,
  );
  interface OldEvidence extends EvidenceProps {
    study: string;
    stance: Stance;
    createdAt: string | null;
    createdBy: string | null;
  }
  const oldEvidence = (id: string) => (existingClaims.get(id)?.evidence ?? []) as OldEvidence[];
  const evidenceKeys = (list: ReadonlyArray<EvidenceProps & { study: string; stance: string }>) =>
    list.map((e) => pairKey(e.study, e.stance, ...EVIDENCE_PROP_NAMES.map((k) => e[k] ?? null)));
  const wantedEvidence = (c: NormalClaim) =>
    c.input.evidence.map((e) => ({ study: e.study, stance: e.stance, ...evidenceProps(e) }));
  const claimRows = claims.map((c) => ({ id: c.id, claim: c, props: claimProps(c) }));
  const claimClasses = classify(
    claimRows,
    (r) => !existingClaims.has(r.id),
    (r) => {
      const old = existingClaims.get(r.id) as Props;
      return (
        !sameProps(r.props, old.props as Props) ||
        !sameSet(old.about as string[], r.claim.about) ||
        !sameSet(
          (old.statedIn as string[][]).map((s) => pairKey(s[0], s[1])),
          r.claim.statedIn.map((s) => pairKey(s.source, s.locator)),
        ) ||
        !sameSet(evidenceKeys(oldEvidence(r.id)), evidenceKeys(wantedEvidence(r.claim)))
      );
    },
  );
  tally(report, "claims", claimClasses);
  const changedClaimIds = new Set([...claimClasses.created, ...claimClasses.updated]);
  const changedClaims = claimRows.filter((r) => changedClaimIds.has(r.id));
  await writeNodes(
    tx,
    "Claim",
    changedClaims.map(({ id, props }) => ({ id, props })),
    audit,
  );
  const updatedClaims = changedClaims.filter((r) => existingClaims.has(r.id));
  if (updatedClaims.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.id})-[r:ABOUT]->(e:Entity) USING INDEX SEEK c:Claim(id)
       WHERE NOT e.id IN row.about
       DELETE r RETURN count(*) AS n`,
      updatedClaims.map((r) => ({ id: r.id, about: r.claim.about })),
    );
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.id})-[r:STATED_IN]->(s:Source) USING INDEX SEEK c:Claim(id)
       WHERE NOT [s.id, r.locator] IN row.statedIn
       DELETE r RETURN count(*) AS n`,
      updatedClaims.map((r) => ({ id: r.id, statedIn: r.claim.statedIn.map((s) => [s.source, s.locator]) })),
    );
  }
  const aboutRows = changedClaims.flatMap((r) => r.claim.about.map((entity) => ({ claim: r.id, entity })));
  if (aboutRows.length) {
    await unwindAll(
      tx,
      "about",
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.claim}), (e:Entity {id: row.entity}) USING INDEX SEEK c:Claim(id) USING INDEX SEEK e:Entity(id)
       MERGE (c)-[:ABOUT]->(e)
       RETURN count(*) AS n`,
      aboutRows,
    );
  }
  const statedRows = changedClaims.flatMap((r) => r.claim.statedIn.map((s) => ({ claim: r.id, ...s })));
  if (statedRows.length) {
    await unwindAll(
      tx,
      "statedIn",
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.claim}), (s:Source {id: row.source}) USING INDEX SEEK c:Claim(id) USING INDEX SEEK s:Source(id)
       MERGE (c)-[:STATED_IN {locator: row.locator}]->(s)
       RETURN count(*) AS n`,
      statedRows,
    );
  }

  /* LINK relationships: claimIds = the claims asserting each link */
  await step("links");
  const bundleClaimIds = new Set(claimIds);
  const assertedBy = new Map<string, { link: NormalClaim["links"][number]; claims: string[] }>();
  for (const c of claims) {
    for (const link of c.links) {
      const entry = assertedBy.get(link.id) ?? { link, claims: [] };
      entry.claims.push(c.id);
      assertedBy.set(link.id, entry);
    }
  }
  const oldLinkIds = claims.flatMap((c) => ((existingClaims.get(c.id)?.props as Props | undefined)?.linkIds ?? []) as string[]);
  const affectedLinks = uniq([...oldLinkIds, ...assertedBy.keys()]);
  const existingLinks = await readMap(
    tx,
    `UNWIND $ids AS id MATCH (a)-[l:LINK {id: id}]->(b) USING INDEX SEEK l:LINK(id)
     RETURN l.id AS id, l.claimIds AS claimIds, l.predicate AS predicate, a.id AS from, b.id AS to`,
    affectedLinks,
  );
  const linkRows: Array<{ id: string; from: string; predicate: string; to: string; claimIds: string[] }> = [];
  const deleteLinks: string[] = [];
  const linkClasses: Classified = { created: [], updated: [], unchanged: [] };
  for (const id of affectedLinks) {
    const old = existingLinks.get(id);
    const oldClaimIds = (old?.claimIds ?? []) as string[];
    const asserted = assertedBy.get(id);
    const next = uniq([...oldClaimIds.filter((c) => !bundleClaimIds.has(c)), ...(asserted?.claims ?? [])]).sort();
    if (!next.length) {
      if (old) deleteLinks.push(id);
      continue;
    }
    const ends = asserted?.link ?? { from: String(old?.from), predicate: String(old?.predicate), to: String(old?.to) };
    const row = { id, from: ends.from, predicate: ends.predicate, to: ends.to, claimIds: next };
    if (!old) linkClasses.created.push(id);
    else if (!sameValue(oldClaimIds, next) || old.predicate !== ends.predicate) linkClasses.updated.push(id);
    else {
      linkClasses.unchanged.push(id);
      continue;
    }
    linkRows.push(row);
  }
  if (linkRows.length) {
    await unwindAll(
      tx,
      "links",
      `UNWIND $rows AS row
       MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to}) USING INDEX SEEK a:Entity(id) USING INDEX SEEK b:Entity(id)
       MERGE (a)-[l:LINK {id: row.id}]->(b)
       ON CREATE SET l.createdAt = $now, l.createdBy = $actor
       SET l.predicate = row.predicate, l.claimIds = row.claimIds, l.updatedAt = $now, l.updatedBy = $actor
       RETURN count(*) AS n`,
      linkRows,
      audit,
    );
  }
  if (deleteLinks.length) {
    await unwind(
      tx,
      "UNWIND $rows AS id MATCH ()-[l:LINK {id: id}]->() USING INDEX SEEK l:LINK(id) DELETE l RETURN count(*) AS n",
      deleteLinks,
    );
  }
  tally(report, "links", linkClasses);
  report.removed.links += deleteLinks.length;

  /* evidence: Study-[:SUPPORTS|CONTRADICTS|MIXED {note, voice, bearsOn, verdict, ...}]->Claim, one per (study, claim) */
  await step("evidence");
  const dropEvidence: Array<{ claim: string; study: string }> = [];
  const putEvidence: Record<Stance, Props[]> = { SUPPORTS: [], CONTRADICTS: [], MIXED: [] };
  for (const c of claims) {
    const old = new Map(oldEvidence(c.id).map((e) => [e.study, e]));
    const wanted = new Map(wantedEvidence(c).map((e) => [e.study, e]));
    for (const study of old.keys()) {
      if (!wanted.has(study)) {
        dropEvidence.push({ claim: c.id, study });
        report.removed.evidence += 1;
      }
    }
    for (const [study, e] of wanted) {
      const before = old.get(study);
      if (before && evidenceKeys([before])[0] === evidenceKeys([e])[0]) {
        report.unchanged.evidence += 1;
        continue;
      }
      if (before) {
        report.updated.evidence += 1;
        if (before.stance !== e.stance) dropEvidence.push({ claim: c.id, study }); // a new type: recreate
      } else report.created.evidence += 1;
      const { study: _s, stance: _t, ...props } = e;
      putEvidence[e.stance].push({
        claim: c.id,
        study,
        props,
        createdAt: before?.createdAt ?? null,
        createdBy: before?.createdBy ?? null,
      });
    }
  }
  if (dropEvidence.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (:Study {id: row.study})-[e:${EVIDENCE_TYPES}]->(c:Claim {id: row.claim}) USING INDEX SEEK c:Claim(id)
       DELETE e RETURN count(*) AS n`,
      dropEvidence,
    );
  }
  for (const stance of STANCES) {
    if (!putEvidence[stance].length) continue;
    await unwindAll(
      tx,
      `${stance} evidence`,
      `UNWIND $rows AS row
       MATCH (s:Study {id: row.study}), (c:Claim {id: row.claim}) USING INDEX SEEK s:Study(id) USING INDEX SEEK c:Claim(id)
       MERGE (s)-[e:${EVIDENCE_REL[stance]}]->(c)
       ON CREATE SET e.createdAt = coalesce(row.createdAt, $now), e.createdBy = coalesce(row.createdBy, $actor)
       SET e += row.props, e.updatedAt = $now, e.updatedBy = $actor
       RETURN count(*) AS n`,
      putEvidence[stance],
      audit,
    );
  }

  /* cached evidence summaries */
  await step("evidence-summaries");
  const deleted = new Set(deleteLinks);
  const removedEnds = deleteLinks.map((id) => existingLinks.get(id) as Props);
  await refreshEvidence(tx, {
    claimIds,
    studyIds: designChanged,
    linkIds: affectedLinks.filter((id) => !deleted.has(id)),
    removedLinkEnds: removedEnds.map((e) => ({ from: String(e.from), to: String(e.to) })),
  });
  const changed = [report.created, report.updated, report.removed].some((counts) => Object.values(counts).some((n) => n > 0));
  if (changed) await bumpGraphVersion(tx);
  return report;
}

/* ---------------------------------------------------------------- cached evidence */

export interface RefreshTargets {
  /** Claims whose evidence (or links) changed. Their links are refreshed too. */
  claimIds?: readonly string[];
  /** Links whose claims changed. */
  linkIds?: readonly string[];
  /** Studies whose design changed: every claim they bear on (and its links) is refreshed. */
  studyIds?: readonly string[];
  /** Ends of links just deleted: their strongest-link shortcuts are rebuilt with the re-scored ones. */
  removedLinkEnds?: ReadonlyArray<{ from: string; to: string }>;
}

/** An evidence edge as read for the rule: the record, its work's records, the edge's check. */
interface EvidenceRow {
  study: string;
  design: StudyDesign;
  stance: Stance;
  voice: "ARTICLE" | "CURATOR_INFERENCE" | null;
  verdict: Verdict | null;
  bearsOn: string[] | null;
  addresses: string[] | null;
  /** Every record of the study's work (itself and its SAME_AS records, at most 3 steps away). */
  records: Array<{
    id: string;
    recordStatus: string | null;
    recordDesign: StudyDesign | null;
    authorsCertainty: AuthorsCertainty | null;
  }>;
}

/** Cypher map of an evidence edge `e` from study `s`, for `edgeOf`. */
const EVIDENCE_ROW = (s: string, e: string) =>
  `{study: ${s}.id, design: ${s}.design, stance: type(${e}), voice: ${e}.voice, verdict: ${e}.verdict, bearsOn: ${e}.bearsOn, addresses: ${e}.addresses,
    records: [r IN [${s}] + [(${s})-[:SAME_AS*1..3]-(o:Study) | o] | {id: r.id, recordStatus: r.recordStatus, recordDesign: r.recordDesign, authorsCertainty: r.authorsCertainty}]}`;

/**
 * The rule's view of a row: its work is keyed by the smallest record id, its record facts taken
 * from the work. For a link, a work that does not study that link is NOT_ADDRESSED there.
 */
export function edgeOf(row: EvidenceRow, link?: string): EvidenceEdge {
  const records = [...row.records].sort((a, b) => (a.id < b.id ? -1 : 1));
  // A verified record of the work speaks first; a candidate's only where none is verified.
  const found = records.filter((r) => r.recordStatus === "VERIFIED" || r.recordStatus === "CANDIDATE");
  const record = found.find((r) => r.recordStatus === "VERIFIED") ?? found[0];
  return {
    study: row.study,
    work: records[0]?.id ?? row.study,
    design: row.design,
    recordDesign: record?.recordDesign ?? null,
    recordVerified: record?.recordStatus === "VERIFIED",
    authorsCertainty: record?.authorsCertainty ?? null,
    stance: row.stance,
    voice: row.voice,
    verdict: link && row.addresses && !row.addresses.includes(link) ? "NOT_ADDRESSED" : row.verdict,
  };
}

const summaryRow = (id: string, s: EvidenceSummary) => ({
  id,
  level: s.level,
  supporting: int(s.supporting),
  contradicting: int(s.contradicting),
  score: s.score,
});

/** A claim's cache: what the evidence supports, and what the source implies on its own word. */
const claimCacheRow = (id: string, supported: EvidenceSummary, implied: EvidenceSummary) => ({
  ...summaryRow(id, supported),
  impliedLevel: implied.level,
  impliedSupporting: int(implied.supporting),
  impliedContradicting: int(implied.contradicting),
  impliedScore: implied.score,
  gap: round4(Math.max(0, implied.score - supported.score)),
});

/** A link is as firm as the firmest claim asserting it (a claim without a word on it: ASSERTED). */
export function linkCertainty(claimCertainties: ReadonlyArray<string | null>): Certainty {
  const ranks = claimCertainties.map((c) => Math.max(0, CERTAINTIES.indexOf((c ?? "ASSERTED") as Certainty)));
  return CERTAINTIES[ranks.length ? Math.min(...ranks) : 0] as Certainty;
}

/**
 * Recomputes the cached evidence of the given claims and links with the evidence rule
 * (model/evidence-rule.ts): a claim's summary and what its source implies; a link's summary over
 * the works cited for it (`bearsOn`), and its certainty. Two reads (claims, then links) and at
 * most two UNWIND writes, whatever the number of targets. Returns how many caches changed.
 */
export async function refreshEvidence(
  tx: ManagedTransaction,
  targets: RefreshTargets,
): Promise<{ claims: number; links: number }> {
  const claimIds = uniq(targets.claimIds ?? []);
  const studyIds = uniq(targets.studyIds ?? []);
  const linkIds = new Set(targets.linkIds ?? []);
  const claimUpdates: ReturnType<typeof claimCacheRow>[] = [];
  if (claimIds.length || studyIds.length) {
    const result = await tx.run(
      `CALL {
         UNWIND $claimIds AS id MATCH (c:Claim {id: id}) USING INDEX SEEK c:Claim(id) RETURN c
         UNION
         UNWIND $studyIds AS sid MATCH (s:Study {id: sid})-[:${EVIDENCE_TYPES}]->(c:Claim) USING INDEX SEEK s:Study(id) RETURN c
         UNION
         UNWIND $studyIds AS sid MATCH (:Study {id: sid})-[:SAME_AS*1..3]-(:Study)-[:${EVIDENCE_TYPES}]->(c:Claim) RETURN c
       }
       RETURN c.id AS id, coalesce(c.linkIds, []) AS linkIds,
         [c.level, c.supporting, c.contradicting, c.score, c.impliedLevel, c.impliedSupporting, c.impliedContradicting, c.impliedScore, c.gap] AS current,
         [(s:Study)-[e:${EVIDENCE_TYPES}]->(c) | ${EVIDENCE_ROW("s", "e")}] AS evidence`,
      { claimIds, studyIds },
    );
    for (const record of result.records) {
      const row = toPlain(record.toObject()) as { id: string; linkIds: string[]; current: unknown; evidence: EvidenceRow[] };
      for (const id of row.linkIds) linkIds.add(id);
      const edges = row.evidence.map((e) => edgeOf(e));
      const cache = claimCacheRow(row.id, summarizeEvidence(edges), articleImplies(edges));
      const { id: _id, ...values } = cache;
      if (!sameValue(row.current, Object.values(values))) claimUpdates.push(cache);
    }
  }
  if (claimUpdates.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row MATCH (c:Claim {id: row.id}) USING INDEX SEEK c:Claim(id)
       SET c += row {.level, .supporting, .contradicting, .score, .impliedLevel, .impliedSupporting, .impliedContradicting, .impliedScore, .gap}
       RETURN count(*) AS n`,
      claimUpdates,
    );
  }
  const linkUpdates: Array<ReturnType<typeof summaryRow> & { certainty: Certainty; certaintyRank: ReturnType<typeof int> }> = [];
  // Shortcuts to rebuild: both ends of every deleted or re-scored link.
  const ends = [...(targets.removedLinkEnds ?? [])];
  if (linkIds.size) {
    const result = await tx.run(
      `UNWIND $linkIds AS id MATCH (a)-[l:LINK {id: id}]->(b) USING INDEX SEEK l:LINK(id)
       RETURN l.id AS id, a.id AS from, b.id AS to, l.predicate AS predicate,
         [l.level, l.supporting, l.contradicting, l.score, l.certainty] AS current,
         COLLECT {
           UNWIND coalesce(l.claimIds, []) AS cid
           MATCH (c:Claim {id: cid}) USING INDEX SEEK c:Claim(id)
           RETURN c.certainty AS certainty
         } AS certainties,
         COLLECT {
           UNWIND coalesce(l.claimIds, []) AS cid
           MATCH (s:Study)-[e:${EVIDENCE_TYPES}]->(c:Claim {id: cid}) USING INDEX SEEK c:Claim(id)
           WHERE e.bearsOn IS NULL OR l.id IN e.bearsOn
           RETURN ${EVIDENCE_ROW("s", "e")}
         } AS evidence`,
      { linkIds: [...linkIds] },
    );
    for (const record of result.records) {
      const row = toPlain(record.toObject()) as {
        id: string;
        from: string;
        to: string;
        predicate: string;
        current: unknown;
        certainties: Array<string | null>;
        evidence: EvidenceRow[];
      };
      // The same study cited for a link by several claims is one edge of its work.
      const summary = isDefinitional(row.predicate)
        ? DEFINITIONAL_SUMMARY
        : summarizeEvidence(row.evidence.map((e) => edgeOf(e, row.id)));
      const certainty = linkCertainty(row.certainties);
      if (!sameValue(row.current, [summary.level, summary.supporting, summary.contradicting, summary.score, certainty])) {
        linkUpdates.push({ ...summaryRow(row.id, summary), certainty, certaintyRank: int(CERTAINTIES.indexOf(certainty)) });
        ends.push({ from: row.from, to: row.to });
      }
    }
  }
  if (linkUpdates.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row MATCH ()-[l:LINK {id: row.id}]->() USING INDEX SEEK l:LINK(id)
       SET l += row {.level, .supporting, .contradicting, .score, .certainty, .certaintyRank}
       RETURN count(*) AS n`,
      linkUpdates,
    );
  }
  // Deleted and re-scored links may move in or out of their ends' strongest links.
  if (ends.length) await refreshStrongestLinks(tx, { from: ends.map((e) => e.from), to: ends.map((e) => e.to) });
  return { claims: claimUpdates.length, links: linkUpdates.length };
}
