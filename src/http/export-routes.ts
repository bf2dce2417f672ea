/**
 * Download routes for the export documents (export/*.ts), as a yoga plugin that answers
 * `/export/*` before GraphQL sees the request:
 *
 *   GET /export/neighborhood?id=<entity>&hops=<1..3>&first=<1..100>[&direction=BOTH|OUT|IN]&format=<f>
 *   GET /export/chains?from=<entity>&to=<entity>&maxHops=<1..6>&first=<1..100>&format=<f>
 *   GET /export/graph?format=<f>    (the whole graph, bounded: KG_EXPORT_MAX_NODES / _EDGES)
 *
 * Arguments are checked by the same builders, with the same ranges and defaults, as the GraphQL
 * fields (`neighborhood`, `mechanismChains`, `graphExport`); each export is one Cypher query, read
 * through the traversal cache. Errors are `{ "error": { "code", "message" } }` with the service's
 * stable codes: 400 BAD_USER_INPUT or EXPORT_TOO_LARGE, 404 NOT_FOUND, 405 for a method other than
 * GET or HEAD, 503 BUSY or DB_UNAVAILABLE, 504 TIMEOUT, 500 INTERNAL_SERVER_ERROR (logged, never
 * shown). Exports take turns with GraphQL's heavy operations and have the same deadline.
 */
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context, NativeSearchProbe, TraversalReads, TraversalSlots } from "../context.js";
import type { Database } from "../db/database.js";
import { clientError, driverCause } from "../errors.js";
import { toCytoscape } from "../export/cytoscape.js";
import { toGraphml } from "../export/graphml.js";
import { kgxArchive, toKgx } from "../export/kgx.js";
import {
  DEFAULT_EXPORT_LIMITS,
  type ExportLimits,
  type ExportSubgraph,
  readChains,
  readGraph,
  readNeighborhood,
} from "../export/subgraph.js";
import type { Logger } from "../logger.js";
import { busyError, type WorkGate } from "../plugins/fairness.js";
import { requestIdFor } from "../plugins/request-log.js";

export interface ExportRoutesOptions {
  db: Database;
  log: Logger;
  /** The server's traversal cache, shared with GraphQL. */
  traversalCache?: TraversalReads;
  /** Whether chain searches may run as the database's procedure. */
  nativeSearch?: NativeSearchProbe;
  /** The whole-graph bound. @default DEFAULT_EXPORT_LIMITS (5,000 entities, 20,000 links) */
  limits?: ExportLimits;
  /** Every export is a heavy read: it takes a slot of the server's gate (plugins/fairness.ts), as GraphQL traversals do. */
  fairness?: { gate: WorkGate; maxWaitMs: number };
  /** The server's traversal slots, shared with GraphQL. */
  traversalSlots?: TraversalSlots;
  /** The request's deadline (KG_QUERY_TIMEOUT_MS), as for GraphQL requests. */
  timeoutMs?: number;
}

interface Format {
  contentType: string;
  /** Appended to the export's name to make the file name. */
  suffix: string;
  write(g: ExportSubgraph, name: string): string | Promise<Buffer>;
}

/** The formats, by the `format` parameter's value. */
export const EXPORT_FORMATS: Record<string, Format> = {
  cytoscape: {
    contentType: "application/json; charset=utf-8",
    suffix: ".cytoscape.json",
    write: (g) => JSON.stringify(toCytoscape(g)),
  },
  graphml: { contentType: "application/graphml+xml; charset=utf-8", suffix: ".graphml", write: toGraphml },
  "kgx-nodes-tsv": {
    contentType: "text/tab-separated-values; charset=utf-8",
    suffix: "_nodes.tsv",
    write: (g) => toKgx(g).nodesTsv,
  },
  "kgx-edges-tsv": {
    contentType: "text/tab-separated-values; charset=utf-8",
    suffix: "_edges.tsv",
    write: (g) => toKgx(g).edgesTsv,
  },
  "kgx-nodes-jsonl": {
    contentType: "application/x-ndjson; charset=utf-8",
    suffix: "_nodes.jsonl",
    write: (g) => toKgx(g).nodesJsonl,
  },
  "kgx-edges-jsonl": {
    contentType: "application/x-ndjson; charset=utf-8",
    suffix: "_edges.jsonl",
    write: (g) => toKgx(g).edgesJsonl,
  },
  "kgx-tar": { contentType: "application/gzip", suffix: ".tar.gz", write: (g) => kgxArchive(toKgx(g)) },
};

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  EXPORT_TOO_LARGE: 400,
  NOT_FOUND: 404,
  DB_UNAVAILABLE: 503,
  TIMEOUT: 504,
};

function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/** A query parameter; required ones are BAD_USER_INPUT when absent. */
function text(url: URL, name: string, required: true): string;
function text(url: URL, name: string, required?: false): string | undefined;
function text(url: URL, name: string, required = false): string | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === "") {
    if (required) throw clientError("BAD_USER_INPUT", `\`${name}\` is required.`, { argument: name });
    return undefined;
  }
  return value;
}

/** A whole-number parameter: a number when it reads as one, else the text (the range check refuses it by name). */
function whole(url: URL, name: string): number | undefined {
  const value = text(url, name);
  if (value === undefined) return undefined;
  return /^-?\d{1,9}$/.test(value) ? Number(value) : (value as unknown as number);
}

function direction(url: URL): "BOTH" | "OUT" | "IN" | undefined {
  const value = text(url, "direction");
  if (value === undefined || value === "BOTH" || value === "OUT" || value === "IN") return value;
  throw clientError("BAD_USER_INPUT", "`direction` must be BOTH, OUT or IN.", { argument: "direction" });
}

type Route = (ctx: Context, url: URL, limits: ExportLimits) => Promise<{ name: string; graph: ExportSubgraph }>;

const ROUTES: Record<string, Route> = {
  "/export/neighborhood": async (ctx, url) => {
    const id = text(url, "id", true);
    const graph = await readNeighborhood(ctx, {
      id,
      hops: whole(url, "hops"),
      first: whole(url, "first"),
      direction: direction(url),
    });
    return { name: `neighborhood-${id}`, graph };
  },
  "/export/chains": async (ctx, url) => {
    const from = text(url, "from", true);
    const to = text(url, "to", true);
    const graph = await readChains(ctx, { from, to, maxHops: whole(url, "maxHops"), first: whole(url, "first") });
    return { name: `chains-${from}-to-${to}`, graph };
  },
  "/export/graph": async (ctx, _url, limits) => ({ name: "graph", graph: await readGraph(ctx, limits) }),
};

function formatOf(url: URL): Format {
  const value = text(url, "format", true);
  const format = EXPORT_FORMATS[value];
  if (!format) {
    throw clientError("BAD_USER_INPUT", `\`format\` must be one of ${Object.keys(EXPORT_FORMATS).join(", ")}.`, {
      argument: "format",
    });
  }
  return format;
}

async function answer(request: Request, url: URL, options: ExportRoutesOptions): Promise<Response> {
  const route = ROUTES[url.pathname.replace(/\/+$/, "")];
  if (!route) {
    return errorResponse(404, "NOT_FOUND", `No export at ${url.pathname}: use ${Object.keys(ROUTES).join(", ")}.`);
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return errorResponse(405, "BAD_USER_INPUT", "Exports are read with GET (or HEAD).", { allow: "GET, HEAD" });
  }
  const requestId = requestIdFor(request);
  const ctx: Context = {
    db: options.db,
    counter: { queries: 0 },
    traversalCache: options.traversalCache,
    traversalSlots: options.traversalSlots,
    nativeSearch: options.nativeSearch,
    requestId,
    log: options.log.child({ requestId }),
    signal: options.timeoutMs ? AbortSignal.any([request.signal, AbortSignal.timeout(options.timeoutMs)]) : request.signal,
  };
  const release = options.fairness ? await options.fairness.gate.enter(options.fairness.maxWaitMs, ctx.signal) : () => {};
  if (!release) {
    const busy = options.fairness && busyError(options.fairness.gate);
    return errorResponse(503, "BUSY", busy?.message ?? "Busy.", { "retry-after": "1" });
  }
  try {
    const format = formatOf(url);
    const { name, graph } = await route(ctx, url, options.limits ?? DEFAULT_EXPORT_LIMITS);
    const body = await format.write(graph, name);
    const headers = {
      "content-type": format.contentType,
      // Names are made of entity ids, which are slugs: nothing to quote or encode.
      "content-disposition": `attachment; filename="${name}${format.suffix}"`,
      "x-content-type-options": "nosniff",
    };
    const bytes = typeof body === "string" ? body : new Uint8Array(body);
    return new Response(request.method === "HEAD" ? null : bytes, { status: 200, headers });
  } catch (error) {
    const code = error instanceof GraphQLError ? String(error.extensions?.code ?? "") : "";
    if (code && code !== "INTERNAL_SERVER_ERROR" && error instanceof GraphQLError) {
      if (driverCause(error)) ctx.log.warn({ err: driverCause(error), code }, "database error");
      return errorResponse(STATUS[code] ?? 400, code, error.message);
    }
    ctx.log.error({ err: driverCause(error) ?? error }, "internal error");
    return errorResponse(500, "INTERNAL_SERVER_ERROR", "Unexpected error.");
  } finally {
    release();
  }
}

/** Answers GET /export/neighborhood, /export/chains and /export/graph (see the file's comment). */
export function useExportRoutes(options: ExportRoutesOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== "/export" && !url.pathname.startsWith("/export/")) return;
      endResponse(await answer(request, url, options));
    },
  };
}
