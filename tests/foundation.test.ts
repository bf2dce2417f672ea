import net from "node:net";
import type { Neo4jError } from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config.js";
import { Database, int } from "../src/db/database.js";
import { constraintStatements } from "../src/db/schema-setup.js";
import { driverCause } from "../src/errors.js";
import { createServer } from "../src/server.js";
import { clearGraph, testDatabase, testLog, testServer } from "./helpers.js";

describe("the real Neo4j the tests run against", () => {
  const db = testDatabase();
  beforeAll(() => clearGraph(db));
  afterAll(() => db.close());

  it("round-trips real data through the driver", async () => {
    await db.write((tx) =>
      tx.run("CREATE (:Entity {id: $id, name: $name, synonyms: $synonyms, year: $year})", {
        id: "round-trip",
        name: "Round trip ü",
        synonyms: ["a", "b"],
        year: int(2017),
      }),
    );
    const result = await db.read("MATCH (e:Entity {id: $id}) RETURN e {.*} AS e", { id: "round-trip" });
    const entity = result.records[0]?.get("e");
    expect(entity.name).toBe("Round trip ü");
    expect(entity.synonyms).toEqual(["a", "b"]);
    expect(entity.year.toNumber()).toBe(2017);
    const server = await db.driver.getServerInfo({ database: db.name });
    expect(server.agent).toMatch(/^Neo4j\/5\.26\./);
  });

  it("has every constraint and index of schema/constraints.cypher", async () => {
    const names = constraintStatements().map((s) => /(?:CONSTRAINT|INDEX) (\w+)/.exec(s)?.[1]);
    const constraints = await db.read("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names");
    const indexes = await db.read("SHOW INDEXES YIELD name, state RETURN collect(name) AS names, collect(state) AS states");
    const present = new Set<string>([
      ...(constraints.records[0]?.get("names") ?? []),
      ...(indexes.records[0]?.get("names") ?? []),
    ]);
    for (const name of names) expect(present, `missing ${name}`).toContain(name);
    expect(new Set(indexes.records[0]?.get("states"))).toEqual(new Set(["ONLINE"]));
  });

  it("enforces unique entity ids", async () => {
    const refused = await db
      .write((tx) => tx.run("CREATE (:Entity {id: 'round-trip'})"))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused, "the duplicate id was written").toBeDefined();
    // Refused by the uniqueness constraint, not by any other failure; the client sees none of it.
    expect((driverCause(refused) as Neo4jError | undefined)?.code).toBe("Neo.ClientError.Schema.ConstraintValidationFailed");
    expect(refused).toMatchObject({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    // The same statement with an id of its own is written: the id, and only the id, was the problem.
    await db.write((tx) => tx.run("CREATE (:Entity {id: 'round-trip-2'})"));
    const stored = await db.read("MATCH (e:Entity) WHERE e.id STARTS WITH 'round-trip' RETURN e.id AS id ORDER BY id");
    expect(stored.records.map((r) => r.get("id"))).toEqual(["round-trip", "round-trip-2"]);
  });
});

describe("health and readiness", () => {
  it("is healthy and ready while Neo4j answers", async () => {
    const db = testDatabase();
    const server = testServer(db);
    expect((await server.fetch("http://localhost/health")).status).toBe(200);
    expect((await server.fetch("http://localhost/ready")).status).toBe(200);
    await db.close();
  });

  it("holds /ready at 503 until the process has warmed up, then follows the database", async () => {
    const db = testDatabase();
    let warm = false;
    const server = createServer({ db, config: loadConfig(process.env), log: testLog, warmedUp: () => warm });
    expect((await server.fetch("http://localhost/ready")).status).toBe(503);
    expect((await server.fetch("http://localhost/health")).status).toBe(200);
    warm = true;
    expect((await server.fetch("http://localhost/ready")).status).toBe(200);
    await db.close();
  });

  it("turns /ready red, and keeps /health green, when the database is gone", async () => {
    // A port nothing listens on stands for a Neo4j that went away.
    const gone = new Database(
      { uri: "bolt://127.0.0.1:1", user: "neo4j", password: "neo4j", database: "neo4j" },
      { queryTimeoutMs: 1_000, acquireTimeoutMs: 1_000 },
    );
    const server = testServer(gone);
    const started = Date.now();
    expect((await server.fetch("http://localhost/ready")).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await server.fetch("http://localhost/health")).status).toBe(200);
    await gone.close();
  });
});

describe("Bolt sockets", () => {
  it("switch Nagle's algorithm off, so queries over one TCP segment are not held back", async () => {
    const setNoDelay = vi.spyOn(net.Socket.prototype, "setNoDelay");
    const db = testDatabase();
    try {
      await db.read("RETURN 1");
      expect(setNoDelay).toHaveBeenCalledWith(true);
    } finally {
      setNoDelay.mockRestore();
      await db.close();
    }
  });
});
