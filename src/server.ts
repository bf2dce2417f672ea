/**
 * The GraphQL server: createYoga with the schema and its plugins (limits, auth context, error
 * masking, readiness, request logs, cancellation). No listener here (main.ts), so tests call
 * `yoga.fetch` in process.
 */
import { setMaxListeners } from "node:events";
import { GraphQLError } from "graphql";
import { createYoga, maskError as defaultMaskError, useExecutionCancellation, useReadinessCheck } from "graphql-yoga";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { driverCause } from "./errors.js";
import { NativeSearch } from "./graph/native-search.js";
import { TraversalCache } from "./graph/traversal-cache.js";
import { graphiqlExamples } from "./graphiql-examples.js";
import type { Logger } from "./logger.js";
import { authorize, parseTokens } from "./plugins/auth.js";
import { useJitForRepeatedDocuments } from "./plugins/jit.js";
import { useArmor, useBodyLimit } from "./plugins/limits.js";
import { requestIdFor, useRequestLog } from "./plugins/request-log.js";
import type { Context } from "./schema/builder.js";
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
    // useBodyLimit caps bodies by their required Content-Length; yoga's byte-counting copy of
    // every body would only repeat it.
    maxRequestBodySize: false,
    graphiql: { title: "Gut-brain knowledge graph", defaultEditorToolsVisibility: true, ...graphiqlExamples() },
    maskedErrors: {
      // GraphQLErrors of our vocabulary and of graphql-js pass; anything else (a thrown TypeError,
      // an unmapped driver error) becomes "Unexpected error." with INTERNAL_SERVER_ERROR, and the
      // original goes to the log, never to the client.
      maskError(error, message, isDev) {
        const masked = defaultMaskError(error, message, isDev);
        if (masked !== error || !(masked instanceof GraphQLError)) {
          const original = driverCause(error) ?? (error as { originalError?: unknown }).originalError ?? error;
          log.error({ err: original }, "internal error, masked for the client");
          return new GraphQLError("Unexpected error.", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
        }
        const code = masked.extensions?.code;
        const cause = driverCause(error);
        if (code === "INTERNAL_SERVER_ERROR") log.error({ err: cause ?? error }, "internal error");
        else if (cause) log.warn({ err: cause, code }, "database error");
        // graphql-js's own request errors (e.g. a variable of the wrong type) carry no code.
        return code
          ? masked
          : new GraphQLError(masked.message, {
              nodes: masked.nodes,
              extensions: { ...masked.extensions, code: "BAD_USER_INPUT" },
            });
      },
    },
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
        log: log.child({ requestId }),
        signal: request.signal,
        ...authorize(tokens, request.headers.get("authorization")),
      };
    },
    plugins: [
      useBodyLimit(),
      useArmor({ fieldSuggestions: config.KG_FIELD_SUGGESTIONS }),
      useExecutionCancellation(),
      ...useJitForRepeatedDocuments(log),
      useRequestLog(log),
      useReadinessCheck({ endpoint: "/ready", check: () => db.ping() }),
    ],
  });
}
