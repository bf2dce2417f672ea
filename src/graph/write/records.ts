/**
 * Property maps: how each bundle record is stored (schema/model.md). One place per kind, shared by
 * the bundle writer, the mutations and the derived-data refresh.
 */
import { int } from "../../db/database.js";
import type { ClaimInput, EntityInput, EvidenceInput, SourceInput, StudyInput } from "../../model/bundle.js";
import { linkId, type Predicate, type Verdict } from "../../model/vocabulary.js";
import { orNull, type Props, pairKey, uniq } from "./common.js";

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
export interface NormalClaim {
  id: string;
  input: ClaimInput;
  about: string[];
  links: Array<{ id: string; from: string; predicate: Predicate; to: string }>;
  statedIn: Array<{ source: string; locator: string }>;
}

export function normalizeClaim(c: ClaimInput): NormalClaim {
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
