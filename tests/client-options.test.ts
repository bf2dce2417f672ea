/**
 * What a client is sent besides its answer: CORS headers (credentials only for the configured
 * origins), and the Cypher round-trip count only when it asks for it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { prettyLogs } from "../src/logger.js";
import { testDatabase, testServer } from "./helpers.js";

const TRUSTED = "https://curators.example.org";

describe("cross-origin requests", () => {
  const db = testDatabase();
  const open = testServer(db);
  const configured = testServer(db, { KG_CORS_ORIGINS: `${TRUSTED}, http://localhost:5173` });
  afterAll(() => db.close());

  const preflight = (server: typeof open, origin: string) =>
    server.fetch("http://localhost/graphql", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });
  const query = (server: typeof open, origin: string) =>
    server.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { origin, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });

  it("allows no origin credentials by default, but lets any page read without them", async () => {
    for (const response of [await preflight(open, "https://evil.example"), await query(open, "https://evil.example")]) {
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      expect(response.headers.get("access-control-allow-origin")).toBe("https://evil.example");
    }
    expect((await preflight(open, "https://evil.example")).headers.get("access-control-allow-headers")).toContain(
      "authorization",
    );
  });

  it("allows credentials to the configured origins only", async () => {
    for (const response of [await preflight(configured, TRUSTED), await query(configured, TRUSTED)]) {
      expect(response.headers.get("access-control-allow-origin")).toBe(TRUSTED);
      expect(response.headers.get("access-control-allow-credentials")).toBe("true");
      expect(response.headers.get("vary")).toContain("Origin");
    }
    const other = await query(configured, "https://evil.example");
    expect(other.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("refuses an origin setting that is not a list of origins", () => {
    expect(() => loadConfig({ KG_CORS_ORIGINS: "https://a.example/path" })).toThrow(/KG_CORS_ORIGINS/);
    expect(loadConfig({}).KG_CORS_ORIGINS).toEqual([]);
  });
});

describe("extensions.cypherQueries", () => {
  const db = testDatabase();
  const server = testServer(db);
  afterAll(() => db.close());

  const ask = async (headers: Record<string, string>) => {
    const response = await server.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    return (await response.json()) as { extensions?: { cypherQueries?: number } };
  };

  it("is sent only to a request that asks for it", async () => {
    expect((await ask({})).extensions).toBeUndefined();
    expect((await ask({ "x-kg-debug": "cypher-queries" })).extensions?.cypherQueries).toBe(0);
    expect((await ask({ "x-kg-debug": "other, Cypher-Queries" })).extensions?.cypherQueries).toBe(0);
    expect((await ask({ "x-kg-debug": "other" })).extensions).toBeUndefined();
  });
});

describe("log format", () => {
  it("is pretty on a terminal and JSON otherwise, unless LOG_FORMAT says", () => {
    expect(prettyLogs({}, true)).toBe(true);
    expect(prettyLogs({}, false)).toBe(false);
    expect(prettyLogs({ LOG_FORMAT: "json" }, true)).toBe(false);
    expect(prettyLogs({ LOG_FORMAT: "pretty" }, false)).toBe(true);
  });
});
