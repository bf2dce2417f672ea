/**
 * How a link keeps what imported knowledge graphs state of it, read by its writer (write/links.ts)
 * and by the API (`MechanismLink.statedBy`, `deniedBy`) and the KGX export. Each KG's part of a
 * link is one JSON string in `kgContributions` (one per KG: its edge ids, statement hashes,
 * knowledge sources, levels, agent types, publications and work records). Beside them the link
 * keeps, as properties, only what Cypher reads: the unions `kgSources` (which KGs state it) and
 * `studyIds` (the work records they cite), and the first part's `biolinkPredicate` and
 * qualifiers. One JSON string, not a list property per field: Neo4j stores each list in a record
 * of its own, and six of them made writing a link about a quarter slower (README, "KGX import
 * rate"). Links written before (one KG's lists as properties of their own) are read as they are.
 */
import { QUALIFIER_PROPS } from "../kgx/mapping.js";

type Props = Record<string, unknown>;

/** The lists a KG part keeps of the KG statements behind it (`kgUnion`: the union over the parts). */
export const KG_LISTS = [
  "kgxEdgeIds",
  "kgxHashes",
  "primaryKnowledgeSources",
  "aggregatorKnowledgeSources",
  "knowledgeLevels",
  "agentTypes",
  "publications",
  "studyIds",
] as const;
export const QUALIFIER_KEYS: readonly string[] = Object.values(QUALIFIER_PROPS);
/** Every link property a KG part is read from. */
export const KG_PART_PROPS: readonly string[] = [
  "kgSources",
  "kgContributions",
  "biolinkPredicate",
  ...KG_LISTS,
  ...QUALIFIER_KEYS,
];

/** What one knowledge graph (normally; `sources`) states of a link. */
export interface Contribution {
  sources: string[];
  lists: Record<string, string[]>;
  qualifiers: Record<string, string>;
  biolinkPredicate: string;
}

export const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

/** The KG parts of a link as stored (lists a part's JSON leaves out are empty). */
export function contributionsOf(link: Props): Contribution[] {
  const stored = list(link.kgContributions);
  if (stored.length) {
    return stored.map((json) => {
      const part = JSON.parse(json) as Contribution;
      return {
        ...part,
        lists: Object.fromEntries(KG_LISTS.map((k) => [k, list(part.lists?.[k])])),
        qualifiers: part.qualifiers ?? {},
      };
    });
  }
  const sources = list(link.kgSources);
  if (!sources.length) return [];
  // Written before parts were kept as JSON: one KG's (or several KGs' as one part) own lists.
  const qualifiers: Record<string, string> = {};
  for (const k of QUALIFIER_KEYS) if (typeof link[k] === "string") qualifiers[k] = link[k] as string;
  return [
    {
      sources,
      lists: Object.fromEntries(KG_LISTS.map((k) => [k, list(link[k])])),
      qualifiers,
      biolinkPredicate: String(link.biolinkPredicate),
    },
  ];
}

/** A part as `kgContributions` stores it: JSON, without its empty lists (most edges have no publications). */
export function storedPart(part: Contribution): string {
  const lists = Object.fromEntries(Object.entries(part.lists).filter(([, v]) => v.length));
  return JSON.stringify({ ...part, lists });
}

export type KgList = (typeof KG_LISTS)[number];

/** The union of one list over KG parts (what every KG stating a link says together). */
export const unionOf = (parts: readonly Contribution[], key: KgList): string[] => [
  ...new Set(parts.flatMap((c) => c.lists[key] ?? [])),
];

/** The union of one list over the link's KG parts. */
export const kgUnion = (link: Props, key: KgList): string[] => unionOf(contributionsOf(link), key);

/** The part of a link `sourceId` states (shared with other KGs only where written before parts were kept). */
export const partOf = (link: Props, sourceId: string): Contribution | undefined =>
  contributionsOf(link).find((c) => c.sources.includes(sourceId));
