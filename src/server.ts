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
import type { Logger } from "./logger.js";
import { authorize, parseTokens } from "./plugins/auth.js";
import { corsFor } from "./plugins/cors.js";
import { useJitForRepeatedDocuments } from "./plugins/jit.js";
import { useArmor, useBodyLimit, useSupportedOperations } from "./plugins/limits.js";
import { errorMasker } from "./plugins/mask-errors.js";
import { requestIdFor, useRequestLog } from "./plugins/request-log.js";
import { schema } from "./schema/index.js";

export interface ServerOptions {
  db: Database;
  config: Config;
  log: Logger;
}

export function createServer({ db, config, log }: ServerOptions) {
  const tokens = parseTokens(config.KG_API_TOKENS);
  const nativeSearch = config.KG_NATIVE_SEARCH === "auto" ? new NativeSearch(db) : undefined;
  void nativeSearch?.available(); // asked now, so that no request pays for the question
  const traversalCache = config.KG_TRAVERSAL_CACHE_ENTRIES ? new TraversalCache(config.KG_TRAVERSAL_CACHE_ENTRIES) : undefined;
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
    maskedErrors: { maskError: errorMasker(log) },
    context: ({ request }) => {
      // Every resolver of a request listens to the same signal; that is not a leak.
      setMaxListeners(0, request.signal);
      const requestId = requestIdFor(request);
      return {
        db,
        counter: { queries: 0 },
        traversalCache,
        nativeSearch,
        requestId,
        maxComplexity: config.KG_MAX_COMPLEXITY,
        log: log.child({ requestId }),
        signal: request.signal,
        ...authorize(tokens, request.headers.get("authorization")),
      };
    },
    plugins: [
      useBodyLimit(),
      useArmor({
        fieldSuggestions: config.KG_FIELD_SUGGESTIONS,
        maxAliases: config.KG_MAX_ALIASES,
        maxTokens: config.KG_MAX_TOKENS,
      }),
      useSupportedOperations(),
      useExecutionCancellation(),
      ...useJitForRepeatedDocuments(log),
      useRequestLog(log),
      useReadinessCheck({ endpoint: "/ready", check: () => db.ping() }),
    ],
  });
}
