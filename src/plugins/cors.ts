/**
 * Cross-origin requests. Any page may read this public API without credentials (no cookies, no
 * HTTP authentication: the answer carries no Access-Control-Allow-Credentials). Only the
 * origins named in KG_CORS_ORIGINS are also allowed credentialed requests; none are by default.
 * (yoga's own default reflects every origin with credentials allowed.)
 *
 * The same rule gives the headers of answers sent before yoga sees a request (the refusals of
 * http/front-door.ts), so that a page on another origin can read those too.
 */
import type { YogaServerOptions } from "graphql-yoga";

type CorsOption = YogaServerOptions<Record<string, unknown>, Record<string, unknown>>["cors"];

const COMMON = {
  methods: ["GET", "POST", "OPTIONS"],
  allowedHeaders: ["content-type", "accept", "authorization", "x-request-id", "x-kg-debug"],
  // Retry-After is no CORS-safelisted response header: without this a page on another origin
  // could not read how long a 503 (DB_UNAVAILABLE, BUSY) asks it to wait.
  exposedHeaders: ["x-request-id", "retry-after"],
  maxAge: 600,
};

/** The options for a request from `origin`: credentials for a configured origin only. */
function optionsFor(trusted: ReadonlySet<string>, origin: string | null) {
  // Listed twice: with one origin yoga sends it as a constant, without `Vary: Origin`; the
  // answer differs by origin here, so caches must key on it (the test checks the header).
  if (origin && trusted.has(origin)) return { ...COMMON, origin: [origin, origin], credentials: true };
  // "*" makes yoga echo the caller's origin; without credentials that is what "*" would allow.
  return { ...COMMON, origin: ["*"], credentials: false };
}

/** yoga's `cors` option for the configured origins (exact `scheme://host[:port]` strings). */
export function corsFor(credentialedOrigins: readonly string[]): CorsOption {
  const trusted = new Set(credentialedOrigins);
  return (request: Request) => optionsFor(trusted, request.headers.get("origin"));
}

/**
 * The CORS headers yoga sends on an answer to a request from `origin` (none without an Origin),
 * for answers the listener gives itself. Both shapes of `optionsFor` make yoga echo the origin
 * and vary on it (@whatwg-node/server's useCORS); tests/client-options.test.ts compares the two.
 */
export function corsHeadersFor(credentialedOrigins: readonly string[]): (origin: string | undefined) => Record<string, string> {
  const trusted = new Set(credentialedOrigins);
  return (origin) => {
    if (!origin) return {};
    const options = optionsFor(trusted, origin);
    return {
      "access-control-allow-origin": origin,
      vary: "Origin",
      "access-control-allow-methods": options.methods.join(", "),
      "access-control-allow-headers": options.allowedHeaders.join(", "),
      ...(options.credentials ? { "access-control-allow-credentials": "true" } : {}),
      "access-control-expose-headers": options.exposedHeaders.join(", "),
      "access-control-max-age": String(options.maxAge),
    };
  };
}
