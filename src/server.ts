/**
 * The GraphQL server: createYoga with the schema and its plugins (limits, auth context, error
 * masking, readiness, request logs, cancellation). No listener here (main.ts), so tests call
 * `yoga.fetch` in process.
 */
import { setMaxListeners } from "node:events";
import { createYoga, useExecutionCancellation, useReadinessCheck } from "graphql-yoga";
import type { Config } from "./config.js";
import type { Context } from "./context.js";
import type { Database } from "./db/database.js";
import { NativeSearch } from "./graph/native-search.js";
import { TraversalCache } from "./graph/traversal-cache.js";
import { graphiqlExamples } from "./graphiql-examples.js";
import { useExportRoutes } from "./http/export-routes.js";
import { renderLocalGraphiQL, usePages } from "./http/pages.js";
import type { Logger } from "./logger.js";
import { authorize, parseTokens } from "./plugins/auth.js";
import { corsFor } from "./plugins/cors.js";
import { useRequestDeadline } from "./plugins/deadline.js";
import { useFairness, WorkGate } from "./plugins/fairness.js";
import { useJitForRepeatedDocuments } from "./plugins/jit.js";
import { useArmor, useBodyLimit, useSupportedOperations } from "./plugins/limits.js";
import { errorMasker } from "./plugins/mask-errors.js";
import { requestIdFor, useRequestLog } from "./plugins/request-log.js";
import { useResponseSizeLimit } from "./plugins/response-size.js";
import { schema } from "./schema/index.js";

export interface ServerOptions {
  db: Database;
  config: Config;
  log: Logger;
  /** The heavy-operation gate (plugins/fairness.ts); tests pass one to hold its slots. */
  gate?: WorkGate;
  /**
   * Not ready until this says so: `npm start` holds /ready at 503 while it warms up, so that a
   * load balancer sends no traffic to a cold process (warm-up.ts). Unset: ready with the database.
   */
  warmedUp?: () => boolean;
}

export function createServer({
  db,
  config,
  log,
  gate = new WorkGate(config.KG_HEAVY_CONCURRENCY, config.KG_HEAVY_QUEUE),
  warmedUp = () => true,
}: ServerOptions) {
  const tokens = parseTokens(config.KG_API_TOKENS);
  const nativeSearch = config.KG_NATIVE_SEARCH === "auto" ? new NativeSearch(db) : undefined;
  void nativeSearch?.available(); // asked now, so that no request pays for the question
  const traversalSlots = new WorkGate(config.KG_TRAVERSAL_CONCURRENCY, Number.MAX_SAFE_INTEGER);
  const traversalCache = config.KG_TRAVERSAL_CACHE_ENTRIES ? new TraversalCache(config.KG_TRAVERSAL_CACHE_ENTRIES) : undefined;
  const exportLimits = { nodes: config.KG_EXPORT_MAX_NODES, edges: config.KG_EXPORT_MAX_EDGES };
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    logging: false,
    batching: false,
    cors: corsFor(config.KG_CORS_ORIGINS),
    // useBodyLimit caps bodies by their required Content-Length; yoga's byte-counting copy of
    // every body would only repeat it.
    maxRequestBodySize: false,
    graphiql: { title: "Gut-brain knowledge graph", defaultEditorToolsVisibility: true, ...graphiqlExamples() },
    renderGraphiQL: renderLocalGraphiQL,
    maskedErrors: { maskError: errorMasker(log) },
    context: ({ request }) => {
      // The request's deadline (plugins/deadline.ts): its client gone, or KG_QUERY_TIMEOUT_MS past.
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(config.KG_QUERY_TIMEOUT_MS)]);
      // Every resolver of a request listens to the same signal; that is not a leak.
      setMaxListeners(0, request.signal, signal);
      const requestId = requestIdFor(request);
      return {
        db,
        counter: { queries: 0 },
        traversalCache,
        traversalSlots,
        nativeSearch,
        requestId,
        maxComplexity: config.KG_MAX_COMPLEXITY,
        exportLimits,
        log: log.child({ requestId }),
        signal,
        clientSignal: request.signal,
        ...authorize(tokens, request.headers.get("authorization")),
      };
    },
    plugins: [
      usePages(),
      useBodyLimit(),
      useArmor({
        fieldSuggestions: config.KG_FIELD_SUGGESTIONS,
        maxAliases: config.KG_MAX_ALIASES,
        maxTokens: config.KG_MAX_TOKENS,
      }),
      useSupportedOperations(),
      useExecutionCancellation(),
      useFairness({ schema, gate, heavyCost: config.KG_HEAVY_COST, maxWaitMs: config.KG_BUSY_WAIT_MS }),
      useResponseSizeLimit({ maxBytes: config.KG_MAX_RESPONSE_BYTES, heavyCost: config.KG_HEAVY_COST }),
      ...useJitForRepeatedDocuments(log),
      // After the compiled-execution plugin, so that it bounds whichever execution runs.
      useRequestDeadline(),
      useRequestLog(log),
      useReadinessCheck({ endpoint: "/ready", check: async () => warmedUp() && (await db.ready()) }),
      useExportRoutes({
        db,
        log,
        traversalCache,
        traversalSlots,
        nativeSearch,
        limits: exportLimits,
        fairness: { gate, maxWaitMs: config.KG_BUSY_WAIT_MS },
        timeoutMs: config.KG_QUERY_TIMEOUT_MS,
      }),
    ],
  });
}
