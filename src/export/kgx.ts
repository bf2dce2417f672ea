/**
 * KGX (the Biolink community's exchange format; src/kgx/format.ts is the contract shared with the
 * importer): nodes and edges as TSV and as JSON Lines, and the TSV pair as a .tar.gz archive.
 *
 * - Nodes: `id` (a CURIE: the graph's slugs get the `gbkg:` prefix), `category` (the Biolink class
 *   of the entity's kind; an imported entity's own categories), `name`, `description`, `xref`,
 *   `synonym`, `provided_by` (this service; an imported entity's own), `gbkg_kind` (the kind).
 * - Edges: `id` (the link's own id, `link:<from>:<PREDICATE>:<to>`, so the graph's predicate is
 *   recoverable where Biolink maps two predicates alike), `subject`, `predicate` and the qualifiers
 *   from `biolinkEdge` (model/biolink.ts, given the ends' kinds), `primary_knowledge_source`
 *   (SERVICE_INFORES), `knowledge_level` (knowledge_assertion, or not_provided for a link no study
 *   is cited for: an evidence gap), `agent_type` (manual_agent: curated claims), `publications`
 *   (PMID, PMCID, DOI of the works supporting the link; never the graph's study ids). Edge
 *   `provided_by` (deprecated for edges) stays empty.
 * - A link only imported knowledge graphs assert (no claim) is written as they said it: their
 *   Biolink predicate, qualifiers, knowledge sources, knowledge_level, agent_type, publications.
 *   A curated link an import also asserts adds the import's sources and publications to its own.
 *   The whole graph's imported negated statements are rows with `negated` true.
 * - Deterministic: rows sorted by id, multi-valued cells in a fixed order, so the same graph
 *   always gives the same bytes.
 * - TSV cells cannot hold tabs or line breaks: those become spaces (the JSON Lines keep them).
 */
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { contributionsOf, type KgList, unionOf } from "../graph/kg-parts.js";
import {
  EDGE_COLUMNS,
  type EdgeColumn,
  KIND_COLUMN,
  MULTI_VALUE_SEPARATOR,
  MULTI_VALUED,
  NODE_COLUMNS,
  type NodeColumn,
  SERVICE_INFORES,
  toCurie,
} from "../kgx/format.js";
import { biolinkCategory, biolinkEdges, type ExportEdge, type ExportSubgraph, importedOnly } from "./subgraph.js";

/** The four KGX files of a subgraph. */
export interface KgxFiles {
  nodesTsv: string;
  edgesTsv: string;
  nodesJsonl: string;
  edgesJsonl: string;
}

type Value = string | string[] | undefined;
type Record_<C extends string> = Partial<Record<C, Value>>;

const byId = <T extends { id?: Value }>(a: T, b: T) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);
const present = (v: Value) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);

/** KGX node records, sorted by id: an imported entity keeps the categories and provided_by its graph gave. */
export function kgxNodes(g: ExportSubgraph): Array<Record_<NodeColumn>> {
  return g.nodes
    .map(
      (n): Record_<NodeColumn> => ({
        id: toCurie(n.id),
        category: n.categories?.length ? n.categories : [biolinkCategory(n)],
        name: n.label,
        description: n.description ?? undefined,
        xref: n.xrefs ?? [],
        synonym: n.synonyms ?? [],
        provided_by: n.providedBy ?? [SERVICE_INFORES],
        [KIND_COLUMN]: n.kind,
      }),
    )
    .sort(byId);
}

/**
 * A single-valued KGX slot (primary_knowledge_source, knowledge_level, agent_type) of a link that
 * holds several values (curated and imported, or edges of several graphs merged into one link):
 * all of them, sorted, joined with `|`, rather than one chosen silently.
 */
const single = (values: ReadonlyArray<string | null | undefined>): string | undefined => {
  const kept = [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
  return kept.length ? kept.join(MULTI_VALUE_SEPARATOR) : undefined;
};

/**
 * Provenance of an edge: the curated graph's (this service, the evidence level, the supporting
 * works) for a link a claim asserts or no import touched; plus what imported graphs said of it.
 */
function provenance(e: ExportEdge) {
  const curated = !importedOnly(e) && !e.negated;
  const parts = e.kg ? contributionsOf(e.kg as Record<string, unknown>) : [];
  const kg = (key: KgList) => unionOf(parts, key);
  return {
    primary_knowledge_source: single([...(curated ? [SERVICE_INFORES] : []), ...kg("primaryKnowledgeSources")]),
    aggregator_knowledge_source: kg("aggregatorKnowledgeSources"),
    // Biolink requires both on an edge: an imported edge that gave none says so (not_provided).
    knowledge_level:
      single([
        ...(curated ? [(e.level ?? "NONE_CITED") === "NONE_CITED" ? "not_provided" : "knowledge_assertion"] : []),
        ...kg("knowledgeLevels"),
      ]) ?? "not_provided",
    agent_type: single([...(curated ? ["manual_agent"] : []), ...kg("agentTypes")]) ?? "not_provided",
    publications: [...new Set([...(curated ? (e.publications ?? []) : []), ...kg("publications")])].sort(),
  };
}

/** KGX edge records (negated statements of the whole graph included), sorted by id. */
export function kgxEdges(g: ExportSubgraph): Array<Record_<EdgeColumn>> {
  const biolink = biolinkEdges(g);
  return [...g.edges, ...(g.negatedEdges ?? [])]
    .map((e): Record_<EdgeColumn> => {
      const b = biolink.get(e.id);
      return {
        id: toCurie(e.id),
        subject: toCurie(e.source),
        predicate: b?.predicate,
        object: toCurie(e.target),
        negated: e.negated ? "true" : undefined,
        qualified_predicate: b?.qualifiers.qualified_predicate,
        subject_aspect_qualifier: b?.qualifiers.subject_aspect_qualifier,
        subject_direction_qualifier: b?.qualifiers.subject_direction_qualifier,
        object_aspect_qualifier: b?.qualifiers.object_aspect_qualifier,
        object_direction_qualifier: b?.qualifiers.object_direction_qualifier,
        ...provenance(e),
      };
    })
    .sort(byId);
}

const cell = (text: string) => text.replace(/[\t\r\n]+/g, " ");

function tsv<C extends string>(columns: readonly C[], rows: Array<Record_<C>>): string {
  const line = (row: Record_<C>) =>
    columns
      .map((c) => {
        const v = row[c];
        if (v === undefined) return "";
        return Array.isArray(v) ? v.map(cell).join(MULTI_VALUE_SEPARATOR) : cell(v);
      })
      .join("\t");
  return `${[columns.join("\t"), ...rows.map(line)].join("\n")}\n`;
}

function jsonl<C extends string>(columns: readonly C[], rows: Array<Record_<C>>): string {
  const line = (row: Record_<C>) =>
    JSON.stringify(
      Object.fromEntries(
        columns.flatMap((c): Array<[string, unknown]> => {
          const v = row[c];
          if (!present(v)) return [];
          // JSON Lines say a boolean as one.
          if (c === "negated") return [[c, v === "true"]];
          return [[c, MULTI_VALUED.has(c) && !Array.isArray(v) ? [v] : v]];
        }),
      ),
    );
  return rows.map((r) => `${line(r)}\n`).join("");
}

/** The subgraph as the four KGX files. */
export function toKgx(g: ExportSubgraph): KgxFiles {
  const nodes = kgxNodes(g);
  const edges = kgxEdges(g);
  return {
    nodesTsv: tsv(NODE_COLUMNS, nodes),
    edgesTsv: tsv(EDGE_COLUMNS, edges),
    nodesJsonl: jsonl(NODE_COLUMNS, nodes),
    edgesJsonl: jsonl(EDGE_COLUMNS, edges),
  };
}

/** A fixed time for the archive's entries, so the same files give the same archive. */
const ARCHIVE_TIME = new Date("2000-01-01T00:00:00Z");

/** The KGX archive form: a gzipped tar holding nodes.tsv and edges.tsv. */
export async function kgxArchive(files: Pick<KgxFiles, "nodesTsv" | "edgesTsv">): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    tar.on("end", () => resolve());
    tar.on("error", reject);
  });
  for (const [name, text] of [
    ["nodes.tsv", files.nodesTsv],
    ["edges.tsv", files.edgesTsv],
  ] as const) {
    tar.entry({ name, mode: 0o644, mtime: ARCHIVE_TIME, uname: "", gname: "" }, Buffer.from(text, "utf8"));
  }
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
