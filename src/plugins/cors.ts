/**
 * Cross-origin requests. Any page may read this public API without credentials (no cookies, no
 * HTTP authentication: the answer carries no Access-Control-Allow-Credentials). Only the
 * origins named in KG_CORS_ORIGINS are also allowed credentialed requests; none are by default.
 * (yoga's own default reflects every origin with credentials allowed.)
 */
import type { YogaServerOptions } from "graphql-yoga";

type CorsOption = YogaServerOptions<Record<string, unknown>, Record<string, unknown>>["cors"];

const COMMON = {
  methods: ["GET", "POST", "OPTIONS"],
  allowedHeaders: ["content-type", "accept", "authorization", "x-request-id", "x-kg-debug"],
  exposedHeaders: ["x-request-id"],
  maxAge: 600,
};

/** yoga's `cors` option for the configured origins (exact `scheme://host[:port]` strings). */
export function corsFor(credentialedOrigins: readonly string[]): CorsOption {
  const trusted = new Set(credentialedOrigins);
  return (request: Request) => {
    const origin = request.headers.get("origin");
    // Listed twice: with one origin yoga sends it as a constant, without `Vary: Origin`; the
    // answer differs by origin here, so caches must key on it (the test checks the header).
    if (origin && trusted.has(origin)) return { ...COMMON, origin: [origin, origin], credentials: true };
    // "*" makes yoga echo the caller's origin; without credentials that is what "*" would allow.
    return { ...COMMON, origin: ["*"], credentials: false };
  };
}
