/**
 * The subgraph value every export document is written from (export/cytoscape.ts, graphml.ts,
 * kgx.ts: pure functions of it), and the reads that produce it: an entity's neighbourhood, the
 * union of the best mechanism chains between two entities, and the whole graph (bounded). Each is
 * one Cypher query (translate/neighborhood.ts, translate/export.ts), read through the traversal
 * cache; the bounds are the GraphQL fields' own.
 */
import type { Context } from "../context.js";
import { clientError } from "../errors.js";
import { readTraversal } from "../graph/traversal-cache.js";
import { categoryOf, QUALIFIER_PROPS } from "../kgx/mapping.js";
import { type BiolinkEdge, biolinkEdge } from "../model/biolink.js";
import type { EntityKind, EvidenceLevel, Predicate } from "../model/vocabulary.js";
import { type ChainArgs, checkChainArgs } from "../translate/chain.js";
import { CypherBuilder } from "../translate/cypher.js";
import { chainsSubgraphCypher, type ExportLimits, graphExportCypher } from "../translate/export.js";
import { type NeighborhoodArgs, neighborhoodCypher } from "../translate/neighborhood.js";
import type { FieldSelection } from "../translate/selection.js";

export type { ExportLimits } from "../translate/export.js";

/** The whole-graph bound when the server sets none (KG_EXPORT_MAX_NODES, KG_EXPORT_MAX_EDGES). */
export const DEFAULT_EXPORT_LIMITS: ExportLimits = { nodes: 5_000, edges: 20_000 };

export interface ExportNode {
  id: string;
  label: string;
  kind: EntityKind;
  /** Hops from the centre (neighbourhood) or from the start (chains); absent for the whole graph. */
  distance?: number | null;
  synonyms?: string[];
  description?: string | null;
  xrefs?: string[];
  /** An imported entity's own Biolink categories (null for a curated entity). */
  categories?: string[] | null;
  /** An imported entity's `provided_by` as its graph gave it (null for a curated entity). */
  providedBy?: string[] | null;
}

/**
 * What the knowledge graphs a link was imported from said of it (translate/export.ts, graph/write/links.ts):
 * its KG parts (read by graph/kg-parts.ts) and the first part's Biolink predicate and qualifiers.
 */
export interface KgStatementStored {
  kgSources?: string[] | null;
  kgContributions?: string[] | null;
  biolinkPredicate?: string | null;
  qualifiedPredicate?: string | null;
  subjectAspectQualifier?: string | null;
  subjectDirectionQualifier?: string | null;
  objectAspectQualifier?: string | null;
  objectDirectionQualifier?: string | null;
  // A link written before the parts were JSON keeps these as lists of its own.
  primaryKnowledgeSources?: string[] | null;
  aggregatorKnowledgeSources?: string[] | null;
  knowledgeLevels?: string[] | null;
  agentTypes?: string[] | null;
  publications?: string[] | null;
}

export interface ExportEdge {
  id: string;
  source: string;
  target: string;
  predicate: Predicate;
  score?: number;
  level?: EvidenceLevel;
  claimCount?: number;
  /** PMID, PMCID and DOI identifiers of the works supporting the link (translate/export.ts). */
  publications?: string[];
  /** True for an imported negated statement (a NEGATED_LINK; only the whole-graph KGX export has them). */
  negated?: boolean;
  /** What imported knowledge graphs said of the link; null when no import touched it. */
  kg?: KgStatementStored | null;
}

/** Nodes and edges; every edge's ends are among the nodes. */
export interface ExportSubgraph {
  nodes: ExportNode[];
  edges: ExportEdge[];
  /** Imported negated statements (whole graph only): written to KGX with `negated: true`, drawn nowhere. */
  negatedEdges?: ExportEdge[];
}

/** A node's Biolink category: an imported entity's most specific own one, else its kind's (kgx/mapping.ts). */
export const biolinkCategory = (node: Pick<ExportNode, "kind" | "categories">): string => categoryOf(node.kind, node.categories);

/**
 * True for a link that only imported knowledge graphs assert (no claim does): it is exported as
 * they said it (their Biolink predicate, qualifiers and provenance), not as the curated mapping
 * would write it. A link a claim asserts is the curated graph's word, whatever an import added.
 */
export const importedOnly = (e: ExportEdge): e is ExportEdge & { kg: KgStatementStored } => Boolean(e.kg) && !e.claimCount;

/** The Biolink predicate and qualifiers an import kept on a link (qualifier props back to KGX slot names). */
export function storedBiolink(kg: KgStatementStored | null | undefined): BiolinkEdge | undefined {
  if (!kg?.biolinkPredicate) return undefined;
  const qualifiers: Record<string, string> = {};
  for (const [column, prop] of Object.entries(QUALIFIER_PROPS)) {
    const v = kg[prop];
    if (v) qualifiers[column] = v;
  }
  return { predicate: kg.biolinkPredicate, qualifiers };
}

/** The Biolink predicate and qualifiers of one edge: as imported, or from its ends' kinds (model/biolink.ts). */
export function biolinkOf(e: ExportEdge, kinds: ReadonlyMap<string, EntityKind>): BiolinkEdge {
  const stored = importedOnly(e) ? storedBiolink(e.kg) : undefined;
  if (stored) return stored;
  // Ends outside the subgraph cannot happen (every read keeps them in); without kinds the
  // predicate's own mapping is the fallback.
  return biolinkEdge(e.predicate, kinds.get(e.source) ?? "BEHAVIOR", kinds.get(e.target) ?? "BEHAVIOR");
}

/** The Biolink predicate and qualifiers of each edge (negated ones included), by edge id. */
export function biolinkEdges(g: ExportSubgraph): Map<string, BiolinkEdge> {
  const kinds = new Map(g.nodes.map((n) => [n.id, n.kind]));
  return new Map([...g.edges, ...(g.negatedEdges ?? [])].map((e) => [e.id, biolinkOf(e, kinds)]));
}

/** A Subgraph selection asking for every document: the neighbourhood query then reads every export field. */
const EVERY_DOCUMENT: FieldSelection[] = ["cytoscape", "graphml", "kgx"].map((name) => ({
  key: name,
  name,
  args: {},
  children: new Map(),
}));

/** An entity's neighbourhood (GraphQL `neighborhood`'s arguments and bounds); NOT_FOUND for an unknown id. */
export async function readNeighborhood(ctx: Context, args: NeighborhoodArgs): Promise<ExportSubgraph> {
  const q = new CypherBuilder();
  const row = await readTraversal(ctx, neighborhoodCypher(EVERY_DOCUMENT, args, q), q);
  if (!row?.found) throw clientError("NOT_FOUND", `No entity with id "${args.id}".`, { ids: [args.id] });
  return { nodes: row.nodes, edges: row.edges };
}

/**
 * The union of the best chains from one entity to another (GraphQL `mechanismChains`' arguments,
 * bounds and order): their entities and links. NOT_FOUND when either end does not exist; empty
 * when they are not connected.
 */
export async function readChains(ctx: Context, args: ChainArgs): Promise<ExportSubgraph & { chainCount: number }> {
  const search = checkChainArgs(args);
  const native = (await ctx.nativeSearch?.available()) ?? false;
  const q = new CypherBuilder();
  const row = await readTraversal(ctx, chainsSubgraphCypher(search, native, q), q);
  const missing = [!row?.fromFound && args.from, !row?.toFound && args.to].filter(Boolean) as string[];
  if (missing.length) {
    throw clientError("NOT_FOUND", `No entity with id ${missing.map((m) => `"${m}"`).join(" or ")}.`, { ids: missing });
  }
  return { nodes: row?.nodes ?? [], edges: row?.edges ?? [], chainCount: row?.chainCount ?? 0 };
}

/** The whole graph, when it is within `limits`; EXPORT_TOO_LARGE, saying its size and the bound, when not. */
export async function readGraph(
  ctx: Context,
  limits: ExportLimits = DEFAULT_EXPORT_LIMITS,
): Promise<ExportSubgraph & { nodeCount: number; edgeCount: number }> {
  const q = new CypherBuilder();
  const row = await readTraversal(ctx, graphExportCypher(limits, q), q);
  const nodeCount = row?.nodeCount ?? 0;
  const edgeCount = row?.edgeCount ?? 0;
  if (!row?.within) {
    const links = edgeCount + (row?.negatedCount ?? 0);
    throw clientError(
      "EXPORT_TOO_LARGE",
      `The graph has ${nodeCount} entities and ${links} links; a whole-graph export holds at most ${limits.nodes} and ${limits.edges}. Export neighbourhoods or chains instead.`,
      { nodeCount, edgeCount: links, maxNodes: limits.nodes, maxEdges: limits.edges },
    );
  }
  return { nodes: row.nodes, edges: row.edges, negatedEdges: row.negatedEdges ?? [], nodeCount, edgeCount };
}
