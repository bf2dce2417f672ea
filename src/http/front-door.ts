/**
 * What the listener answers before graphql-yoga sees a request: the cheapest answers the process
 * can give, so that a flood cannot delay them.
 *
 * - `/health` (liveness): the process lives. /ready says whether the database answers.
 * - GraphQL requests while the database is known to be gone (the circuit is open,
 *   db/availability.ts): 503 DB_UNAVAILABLE with Retry-After, the body yoga would send for a
 *   request error, before any body is read, parsed or validated. Clients that retry at once
 *   during an outage (hundreds of requests a second) then cost the service almost nothing.
 *   GraphiQL's page (GET without a query) is still served. The refusal carries the CORS headers
 *   yoga would send (plugins/cors.ts), Retry-After exposed, so a page on another origin reads
 *   DB_UNAVAILABLE instead of an opaque network error. A preflight (OPTIONS) is no operation:
 *   yoga answers it as always, database or not.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { DB_RETRY_AFTER_SECONDS, DB_UNAVAILABLE_MESSAGE } from "../errors.js";

const UNAVAILABLE_BODY = JSON.stringify({
  errors: [{ message: DB_UNAVAILABLE_MESSAGE, extensions: { code: "DB_UNAVAILABLE" } }],
});
const GRAPHQL_RESPONSE = "application/graphql-response+json";

export interface FrontDoorOptions {
  /** The GraphQL endpoint's path. */
  graphqlPath: string;
  /** False while the database is known to be gone. */
  databaseAvailable: () => boolean;
  /** The CORS headers for a request from this origin, as yoga sends them (plugins/cors.ts: corsHeadersFor). */
  corsHeaders: (origin: string | undefined) => Record<string, string>;
}

export function frontDoor(next: RequestListener, options: FrontDoorOptions): RequestListener {
  return (req, res) => {
    const path = pathOf(req.url);
    if (path === "/health" && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : '{"message":"alive"}');
      return;
    }
    if (path === options.graphqlPath && isOperation(req) && !options.databaseAvailable()) {
      refuseUnavailable(req, res, options.corsHeaders(req.headers.origin));
      return;
    }
    next(req, res);
  };
}

const pathOf = (url: string | undefined) => {
  const query = url?.indexOf("?") ?? -1;
  return query === -1 ? url : url?.slice(0, query);
};

/** A POST, or a GET carrying a query (a GET without one asks for GraphiQL's page). */
const isOperation = (req: IncomingMessage) => req.method === "POST" || (req.method === "GET" && /[?&]query=/.test(req.url ?? ""));

function refuseUnavailable(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
  const type = req.headers.accept?.includes(GRAPHQL_RESPONSE) ? GRAPHQL_RESPONSE : "application/json";
  res.writeHead(503, {
    ...cors,
    "content-type": `${type}; charset=utf-8`,
    "retry-after": String(DB_RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
  });
  res.end(UNAVAILABLE_BODY);
}
