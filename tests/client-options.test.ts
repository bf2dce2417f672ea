/**
 * What a client is sent besides its answer: CORS headers (credentials only for the configured
 * origins), also on the listener's own refusals while the database is gone (real HTTP, a driver
 * pointed at a port where nothing listens), and the Cypher round-trip count only when it asks for it.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { frontDoor } from "../src/http/front-door.js";
import { prettyLogs } from "../src/logger.js";
import { corsHeadersFor } from "../src/plugins/cors.js";
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

describe("cross-origin reads while the database is gone", () => {
  const env = { KG_CORS_ORIGINS: TRUSTED };
  const corsHeaders = corsHeadersFor([TRUSTED]);
  const up = testDatabase();
  const listeners: Server[] = [];
  const databases: Database[] = [up];
  afterAll(async () => {
    for (const listener of listeners) await new Promise((resolve) => listener.close(resolve));
    for (const db of databases) await db.close();
  });

  /** A real listener on a loopback port; its base URL. */
  const serve = async (handler: RequestListener) => {
    const listener = createHttpServer(handler);
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    listeners.push(listener);
    return `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  };
  /** The listener as main.ts builds it, over a server on `db`. */
  const withFrontDoor = (db: Database) => {
    const yoga = testServer(db, env);
    return serve(
      frontDoor(yoga as unknown as RequestListener, {
        graphqlPath: yoga.graphqlEndpoint,
        databaseAvailable: () => db.available,
        corsHeaders,
      }),
    );
  };
  const post = (base: string, origin?: string) =>
    fetch(`${base}/graphql`, {
      method: "POST",
      headers: {
        ...(origin ? { origin } : {}),
        "content-type": "application/json",
        accept: "application/graphql-response+json",
      },
      body: JSON.stringify({ query: '{ entity(id: "cors-probe") { name } }' }),
    });
  const corsOf = (response: Response) =>
    Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("access-control-") || name === "vary"));
  const exposed = (response: Response) =>
    (response.headers.get("access-control-expose-headers") ?? "").split(/,\s*/).map((h) => h.toLowerCase());

  it("gives the refusal the CORS headers yoga gives an answer, Retry-After readable; preflights pass", async () => {
    // A database that is gone: a driver pointed at a port nothing listens on.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const down = new Database(
      { uri: `bolt://127.0.0.1:${port}`, user: "neo4j", password: "neo4j", database: "neo4j" },
      { queryTimeoutMs: 10_000, acquireTimeoutMs: 5_000 },
    );
    databases.push(down);
    expect(await down.ping()).toBe(false);
    expect(down.available).toBe(false); // the circuit is open: the front door refuses

    const working = await withFrontDoor(up);
    const gone = await withFrontDoor(down);
    for (const origin of [TRUSTED, "https://elsewhere.example"]) {
      const answered = await post(working, origin);
      expect(answered.status).toBe(200);
      const refused = await post(gone, origin);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      // The front door's refusal (yoga's would carry `data`).
      expect(await refused.json()).toEqual({
        errors: [{ message: "The database is unavailable; try again shortly.", extensions: { code: "DB_UNAVAILABLE" } }],
      });
      expect(corsOf(refused)).toEqual(corsOf(answered));
      expect(refused.headers.get("access-control-allow-origin")).toBe(origin);
      expect(exposed(refused)).toContain("retry-after");
    }
    expect((await post(gone, TRUSTED)).headers.get("access-control-allow-credentials")).toBe("true");
    expect((await post(gone, "https://elsewhere.example")).headers.get("access-control-allow-credentials")).toBeNull();
    // No Origin, no CORS headers (as yoga).
    expect(corsOf(await post(gone))).toEqual(corsOf(await post(working)));

    // The browser's preflight before its POST: answered as yoga answers it, database or not.
    const preflight = await fetch(`${gone}/graphql`, {
      method: "OPTIONS",
      headers: { origin: TRUSTED, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(TRUSTED);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");

    // yoga's own 503 (the request that finds the database gone, here without the front door) exposes it too.
    const yogaItself = testServer(down, env);
    const direct = await post(await serve(yogaItself as unknown as RequestListener), "https://elsewhere.example");
    expect(direct.status).toBe(503);
    expect(direct.headers.get("retry-after")).toBe("1");
    expect(((await direct.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe(
      "DB_UNAVAILABLE",
    );
    expect(exposed(direct)).toContain("retry-after");
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
