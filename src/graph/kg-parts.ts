/**
 * How a link keeps what imported knowledge graphs state of it, read by its writer (write/links.ts)
 * and by the API (`MechanismLink.statedBy`, `deniedBy`). A link one KG states keeps that KG's
 * statements in its own list properties (`KG_LISTS`, the qualifier properties, `biolinkPredicate`);
 * once a second KG states it, each KG's part is kept too (`kgContributions`, one JSON per KG),
 * beside the unions every other reader uses.
 */
import { QUALIFIER_PROPS } from "../kgx/mapping.js";

type Props = Record<string, unknown>;

/** The lists a link keeps of the KG statements behind it, each the union over the KGs stating it. */
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

/** The KG parts of a link as stored. */
export function contributionsOf(link: Props): Contribution[] {
  const stored = list(link.kgContributions);
  if (stored.length) return stored.map((json) => JSON.parse(json) as Contribution);
  const sources = list(link.kgSources);
  if (!sources.length) return [];
  // One KG states it (or, written before parts were kept, several as one part): its own lists.
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

/** The part of a link `sourceId` states (shared with other KGs only where written before parts were kept). */
export const partOf = (link: Props, sourceId: string): Contribution | undefined =>
  contributionsOf(link).find((c) => c.sources.includes(sourceId));
