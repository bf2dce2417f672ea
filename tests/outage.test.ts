/**
 * Database trouble: a Neo4j of the test's own (embedded, its own port and store) is stopped under
 * a running server and started again. Requests fail fast with DB_UNAVAILABLE, /ready turns red
 * while /health stays green, and the service recovers by itself (and asks again whether the
 * database has the native chain search). A query past its time limit
 * ends with TIMEOUT.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { type EmbeddedHandle, startEmbedded } from "../src/db/embedded.js";
import { NativeSearch } from "../src/graph/native-search.js";
import { frontDoor } from "../src/http/front-door.js";
import { corsHeadersFor } from "../src/plugins/cors.js";
import { gql, testDatabase, testLog, testServer } from "./helpers.js";

const OUTAGE_PORT = Number(process.env.NEO4J_OUTAGE_PORT ?? 7690);
const options = {
  home: path.join(PROJECT_ROOT, ".neo4j", "outage"),
  port: OUTAGE_PORT,
  heap: "512m",
  pagecache: "64m",
  txTimeoutSeconds: 60,
  detached: false,
};

describe("a database outage", () => {
  let neo4j: EmbeddedHandle;
  let db: Database;

  beforeAll(async () => {
    neo4j = await startEmbedded(options, testLog);
    db = new Database(
      { uri: neo4j.uri, user: "neo4j", password: "neo4j", database: "neo4j" },
      // Generous: a freshly started JVM on a busy machine may take long over its first write.
      { queryTimeoutMs: 120_000, acquireTimeoutMs: 10_000 },
    );
    await db.write((tx) => tx.run("MERGE (:Entity {id: 'outage-probe', name: 'Probe', kind: 'PHENOTYPE'})"));
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await neo4j?.stop();
  });

  it("fails fast while Neo4j is down and recovers by itself when it is back", async () => {
    const server = testServer(db);
    const probe = `{ entity(id: "outage-probe") { name } }`;
    expect((await gql(server, probe)).data.entity.name).toBe("Probe");
    // The listener as main.ts builds it, on a loopback port of its own.
    const listener = await listen(
      frontDoor(server as unknown as RequestListener, {
        graphqlPath: server.graphqlEndpoint,
        databaseAvailable: () => db.available,
        corsHeaders: corsHeadersFor([]),
      }),
    );
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    const post = (accept = "application/json") =>
      fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept },
        body: JSON.stringify({ query: probe }),
      });
    expect(((await (await post()).json()) as { data: { entity: { name: string } } }).data.entity.name).toBe("Probe");

    await neo4j.stop();
    // How fast is the load script's to measure (npm run load -- --mode outage); here, the states.
    const down = await gql(server, probe);
    expect(down.errors?.[0]?.extensions?.code).toBe("DB_UNAVAILABLE");
    // The circuit is open: the next request is refused without waiting on the driver.
    expect((await gql(server, probe)).errors?.[0]?.extensions?.code).toBe("DB_UNAVAILABLE");
    expect(JSON.stringify(down)).not.toMatch(/bolt|ECONNREFUSED|Neo4jError|at .*\.js/);
    expect((await server.fetch("http://localhost/ready")).status).toBe(503);
    expect((await server.fetch("http://localhost/health")).status).toBe(200);
    // Through the listener: refused before yoga, with the same code, Retry-After and no internals.
    const refused = await post("application/graphql-response+json");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
    expect(await refused.json()).toEqual({
      errors: [{ message: "The database is unavailable; try again shortly.", extensions: { code: "DB_UNAVAILABLE" } }],
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // GraphiQL's page is no GraphQL request: still served.
    expect((await fetch(`${base}/graphql`, { headers: { accept: "text/html" } })).status).toBe(200);
    // Asked while Neo4j is down, whether it has the native chain search is not settled: asked again.
    const nativeSearch = new NativeSearch(db);
    expect(await nativeSearch.available()).toBe(false);

    neo4j = await startEmbedded(options, testLog);
    // The availability probe closes the circuit once Neo4j answers: waits for that state.
    await expect
      .poll(async () => (await gql(server, probe)).data?.entity?.name, { timeout: 120_000, interval: 250 })
      .toBe("Probe");
    expect((await server.fetch("http://localhost/ready")).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect(await nativeSearch.available()).toBe(true); // loaded again from the home's plugins directory
    await new Promise((resolve) => listener.close(resolve));
  }, 600_000);
});

function listen(handler: RequestListener): Promise<Server> {
  return new Promise((resolve) => {
    const listener = createHttpServer(handler);
    listener.listen(0, "127.0.0.1", () => resolve(listener));
  });
}

describe("a query past its time limit", () => {
  it("ends with TIMEOUT", async () => {
    const db = testDatabase({ queryTimeoutMs: 300 });
    try {
      const slow = db.read("UNWIND range(1, 200000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n");
      await expect(slow).rejects.toMatchObject({ extensions: { code: "TIMEOUT" } });
    } finally {
      await db.close();
    }
  });
});
