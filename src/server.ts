/**
 * The GraphQL server: createYoga with the schema, error masking, readiness, GraphiQL examples.
 * No listener here (main.ts), so tests call `yoga.fetch` in process or serve it on a port.
 */
import { GraphQLError } from "graphql";
import { createYoga, maskError as defaultMaskError, useReadinessCheck } from "graphql-yoga";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { graphiqlExamples } from "./graphiql-examples.js";
import type { Logger } from "./logger.js";
import type { Context } from "./schema/builder.js";
import { schema } from "./schema/index.js";

export interface ServerOptions {
  db: Database;
  config: Config;
  log: Logger;
}

export function createServer({ db, config, log }: ServerOptions) {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    logging: false,
    graphiql: { title: "Gut-brain knowledge graph", defaultEditorToolsVisibility: true, ...graphiqlExamples() },
    maskedErrors: {
      // Client errors (GraphQLErrors with a code) pass; anything else becomes "Unexpected error."
      // with INTERNAL_SERVER_ERROR, and the original goes to the log, never to the client.
      maskError(error, message, isDev) {
        const masked = defaultMaskError(error, message, isDev);
        const code = masked instanceof GraphQLError ? masked.extensions?.code : undefined;
        if (masked !== error || code === undefined || code === "INTERNAL_SERVER_ERROR") {
          const original = (error as { originalError?: unknown }).originalError ?? error;
          log.error({ err: original }, "internal error, masked for the client");
          return new GraphQLError("Unexpected error.", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
        }
        return masked;
      },
    },
    context: ({ request }) => ({
      db,
      counter: { queries: 0 },
      log,
      signal: request.signal,
    }),
    plugins: [
      useReadinessCheck({
        endpoint: "/ready",
        check: async () => db.ping(),
      }),
    ],
  });
}
