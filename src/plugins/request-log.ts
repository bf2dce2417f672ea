/**
 * One structured log line per request (request id, operation name, duration, outcome, Cypher
 * round trips), the request id echoed in `x-request-id` so clients can quote it, and the number
 * of Cypher round trips in the response's `extensions.cypherQueries` when the request asks for it
 * (`x-kg-debug: cypher-queries`: tests and the benchmark do; other clients are not sent it).
 */
import { randomUUID } from "node:crypto";
import type { DefinitionNode, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import type { Logger } from "../logger.js";

/** The request header, and its value, that asks for `extensions.cypherQueries` in the response. */
export const DEBUG_HEADER = "x-kg-debug";
export const CYPHER_QUERIES = "cypher-queries";

/** Whether the request lists `cypher-queries` in its x-kg-debug header (comma-separated). */
function wantsCypherQueries(request: Request | undefined): boolean {
  const asked = request?.headers.get(DEBUG_HEADER);
  return !!asked && asked.split(",").some((v) => v.trim().toLowerCase() === CYPHER_QUERIES);
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const requestIds = new WeakMap<Request, string>();

/** The client's x-request-id when it is a safe token, else a new UUID; the same for one request. */
export function requestIdFor(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    const offered = request.headers.get("x-request-id");
    id = offered && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

export function useRequestLog(log: Logger): Plugin<Context> {
  const started = new WeakMap<Request, number>();
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onExecute({ args }) {
      const ctx = args.contextValue as Context & { request?: Request };
      const definition = args.document.definitions.find((d: DefinitionNode) => d.kind === "OperationDefinition") as
        | OperationDefinitionNode
        | undefined;
      const operation = args.operationName ?? definition?.name?.value;
      return {
        onExecuteDone({ result, setResult }) {
          // Clients that ask (the round-trip tests, the benchmark) see how many Cypher queries their request cost.
          if (!(Symbol.asyncIterator in result) && wantsCypherQueries(ctx.request)) {
            setResult({ ...result, extensions: { ...result.extensions, cypherQueries: ctx.counter.queries } });
          }
          const errors = "errors" in result ? (result.errors ?? []) : [];
          ctx.log.info(
            {
              requestId: ctx.requestId,
              operation: operation ?? null,
              cypherQueries: ctx.counter.queries,
              errors: errors.map((e) => e.extensions?.code ?? "INTERNAL_SERVER_ERROR"),
            },
            "graphql operation",
          );
        },
      };
    },
    onResponse({ request, response }) {
      const requestId = requestIdFor(request);
      response.headers.set("x-request-id", requestId);
      const begun = started.get(request);
      const url = new URL(request.url);
      log.info(
        {
          requestId,
          method: request.method,
          path: url.pathname,
          status: response.status,
          ms: begun ? Math.round(performance.now() - begun) : undefined,
        },
        "request",
      );
    },
  };
}
