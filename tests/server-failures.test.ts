/**
 * Failures as a client meets them, end to end through the server in process against the real
 * Neo4j: a driver error inside a resolver is INTERNAL_SERVER_ERROR with nothing of the driver or
 * the Cypher in the answer (and the original in the log); a Neo4j that is not
 * there is DB_UNAVAILABLE; a query past KG_QUERY_TIMEOUT_MS is TIMEOUT, and its database query
 * ends with it.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { Database, int, toPlain } from "../src/db/database.js";
import { createServer } from "../src/server.js";
import { clearGraph, gql, seedArticle, testDatabase, testLog, testServer } from "./helpers.js";

/** What no answer may hold: Cypher, driver or Neo4j words, stack frames. */
const INTERNALS =
  /Neo4j|Neo\.|Cypher|MATCH|UNWIND|RETURN|collection|String\(|session|transaction|bolt|ECONNREFUSED|\bat .*\.[jt]s/i;

/** What a client is shown of an answer (the round-trip count in `extensions` aside). */
const shown = (r: { data?: unknown; errors?: unknown }) => JSON.stringify({ data: r.data, errors: r.errors });

const db = testDatabase();
afterAll(async () => {
  await clearGraph(db);
  await db.close();
});

describe("a driver error inside a resolver", () => {
  const STUDY = "study:nutrients-2017-meta-analysis";
  beforeAll(async () => {
    await seedArticle(db);
    // A study's facts are stored as parallel list properties. One stored as a string instead (as a
    // hand edit or a faulty import might leave it) makes Neo4j itself fail the read: a real driver
    // error (a Cypher type error), met while a field executes.
    await db.write((tx) =>
      tx.run("MATCH (s:Study {id: $id}) SET s.factFields = 'corrupt', s.factValues = 'corrupt'", { id: STUDY }),
    );
  });

  it("reaches the client as INTERNAL_SERVER_ERROR, with no driver or Cypher text, and is logged", async () => {
    const logged: string[] = [];
    const log = pino({ level: "error" }, { write: (line: string) => void logged.push(line) });
    const server = createServer({ db, config: loadConfig(process.env), log });
    const r = await gql(server, `query { study(id: "${STUDY}") { id facts { field value } } }`);
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ study: null });
    expect(r.errors).toEqual([
      {
        message: "Unexpected error.",
        locations: [{ line: 1, column: 9 }],
        path: ["study"],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      },
    ]);
    expect(shown(r)).not.toMatch(INTERNALS);
    expect(shown(r)).not.toMatch(/corrupt/);
    // The server's log keeps what the client is not shown: Neo4j's own error.
    const entries = logged.map((line) => JSON.parse(line));
    expect(entries, logged.join("\n")).toContainEqual(
      expect.objectContaining({
        msg: expect.stringMatching(/^internal error/),
        err: expect.objectContaining({ code: expect.stringMatching(/^Neo\.ClientError\.Statement\./) }),
      }),
    );
    // Another study, untouched, answers: the failure is that one read's.
    const other = await gql(server, `{ study(id: "study:nutrients-2018-magnesium-deficiency") { facts { field } } }`);
    expect(other.errors).toBeUndefined();
    expect(other.data.study.facts.length).toBeGreaterThan(0);
  });
});

describe("a database that is not there", () => {
  it("answers DB_UNAVAILABLE, with no driver text: no Neo4j at the address, or none of that name", async () => {
    const options = { queryTimeoutMs: 1_000, acquireTimeoutMs: 1_000 };
    const gone = [
      // A port nothing listens on stands for a Neo4j that went away.
      new Database({ uri: "bolt://127.0.0.1:1", user: "neo4j", password: "neo4j", database: "neo4j" }, options),
      new Database(
        {
          uri: process.env.NEO4J_URI as string,
          user: process.env.NEO4J_USER ?? "neo4j",
          password: process.env.NEO4J_PASSWORD ?? "neo4j",
          database: "nosuchdatabase",
        },
        options,
      ),
    ];
    try {
      for (const db of gone) {
        const r = await gql(testServer(db), `{ entity(id: "magnesium") { id } }`);
        expect(r.data).toEqual({ entity: null });
        expect(r.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
          ["The database is unavailable; try again shortly.", "DB_UNAVAILABLE"],
        ]);
        expect(shown(r)).not.toMatch(INTERNALS);
        expect(shown(r)).not.toMatch(/127\.0\.0\.1|connect|nosuchdatabase/i);
      }
    } finally {
      for (const db of gone) await db.close();
    }
  });
});

describe("a query past KG_QUERY_TIMEOUT_MS", () => {
  // Every question the API takes is bounded in its work (the narrower-term walk of a claims filter
  // included), so no legal question is slow enough to be sure of outlasting a deadline on any
  // machine. These tests keep the whole path (GraphQL, the resolver, the request's deadline, the
  // Database and the real Neo4j) and make only the database's work heavy: each read of this
  // Database runs a walk of every path of up to 4 steps through an 80-node mesh in which every node
  // links to every other, summing each path's nodes (some 3 billion path steps, minutes of work on any machine;
  // a condition on the whole path, so the planner cannot start from the end that matches nothing). A walk reads
  // relationships from the store step by step, which is where Neo4j notices that its transaction was
  // ended. It outlasts Neo4j's check of transaction timeouts, every couple of seconds, too. `marker` tells each test's query apart in SHOW
  // TRANSACTIONS: one test's ended query may still be winding down while the next looks for its own.
  const MESH = 80;
  const heavy = (marker: string) =>
    `MATCH p = (:KgHeavyRow)-[:KG_HEAVY*1..4]->(:KgHeavyRow) WHERE reduce(s = 0, n IN nodes(p) | s + n.i) = -1 RETURN count(*) AS ${marker}`;
  const heavyReads = (real: Database, marker: string): Database => {
    const heavyDb = Object.create(real) as Database;
    // Only a request's reads (they carry its signal): the server's own, such as its question at
    // start-up whether the database has the native chain search, stay what they are, or they would
    // run the heavy walk with no deadline to end it.
    heavyDb.read = (cypher, params, counter, signal) =>
      signal
        ? Database.prototype.read.call(real, heavy(marker), {}, counter, signal)
        : Database.prototype.read.call(real, cypher, params, counter, signal);
    return heavyDb;
  };
  beforeAll(async () => {
    await db.write((tx) => tx.run("MATCH (n:KgHeavyRow) DETACH DELETE n"));
    await db.write((tx) =>
      tx.run(
        `UNWIND range(1, $n) AS i CREATE (:KgHeavyRow {i: i})
         WITH count(*) AS made
         MATCH (a:KgHeavyRow), (b:KgHeavyRow) WHERE a <> b CREATE (a)-[:KG_HEAVY]->(b)`,
        { n: int(MESH) },
      ),
    );
  }, 180_000);

  it("answers TIMEOUT through GraphQL, with nothing of the query or the driver", async () => {
    // As main.ts builds them: the Database's transaction timeout from the configuration.
    const config = loadConfig({ ...process.env, KG_QUERY_TIMEOUT_MS: "100" });
    const tight = testDatabase({ queryTimeoutMs: config.KG_QUERY_TIMEOUT_MS });
    try {
      const server = createServer({ db: heavyReads(tight, "answers_timeout"), config, log: testLog });
      const r = await gql(server, `{ claims(filter: { about: "leaf" }, first: 5) { nodes { id } } }`);
      expect(r.status).toBe(504);
      expect(r.data).toBeNull();
      expect(r.errors).toHaveLength(1);
      expect(r.errors?.[0]).toMatchObject({
        message: "The query took too long and was stopped.",
        extensions: { code: "TIMEOUT" },
      });
      expect(shown(r)).not.toMatch(INTERNALS);
      expect(shown(r)).not.toMatch(/KgHeavyRow|leaf"\s*\}|timed out|terminated/);
    } finally {
      await tight.close();
    }
  });

  it("bounds the whole request, and ends the query on the database too", async () => {
    // The request's deadline alone: the database would let this transaction run for ten minutes.
    const config = loadConfig({ ...process.env, KG_QUERY_TIMEOUT_MS: "300" });
    const patient = testDatabase({ queryTimeoutMs: 600_000 });
    const running = async () =>
      toPlain(
        (
          await db.read("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker RETURN count(*) AS n", {
            marker: "ends_the_query", // a parameter, so that this query's own text does not match
          })
        ).records[0]?.get("n"),
      );
    try {
      const server = createServer({ db: heavyReads(patient, "ends_the_query"), config, log: testLog });
      const r = await gql(server, `{ claims(filter: { about: "leaf" }, first: 5) { nodes { id } } }`);
      expect(r.status).toBe(504);
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(["TIMEOUT"]);
      // Closing the session sent RESET: the query is gone from the database, not left to run for
      // minutes. This waits for that state; the query alone would outlast the wait many times over.
      await expect.poll(running, { timeout: 60_000, interval: 200 }).toBe(0);
    } finally {
      await patient.close();
    }
  });
});
