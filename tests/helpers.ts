/** Shared test helpers: the test database, a clean graph, the seeded article, GraphQL calls. */
import type { GraphQLError } from "graphql";
import { expect } from "vitest";
import { loadConfig } from "../src/config.js";
import { Database, toPlain } from "../src/db/database.js";
import { type Problem, problemsOf } from "../src/graph/import.js";
import { createLogger } from "../src/logger.js";
import { CYPHER_QUERIES, DEBUG_HEADER } from "../src/plugins/request-log.js";
import { createServer } from "../src/server.js";

export function testDatabase(options: { queryTimeoutMs?: number; acquireTimeoutMs?: number } = {}): Database {
  const uri = process.env.NEO4J_URI;
  if (!uri) throw new Error("NEO4J_URI is not set: the global set-up did not provide a Neo4j");
  return new Database(
    {
      uri,
      user: process.env.NEO4J_USER ?? "neo4j",
      password: process.env.NEO4J_PASSWORD ?? "neo4j",
      database: process.env.NEO4J_DATABASE ?? "neo4j",
    },
    // Generous: a busy machine once took 39 s for the first seed into a fresh JVM; tests wait for
    // states, never for durations, so a slow machine must not fail them.
    { queryTimeoutMs: options.queryTimeoutMs ?? 120_000, acquireTimeoutMs: options.acquireTimeoutMs ?? 5_000 },
  );
}

/** Deletes every node and relationship (constraints and indexes stay). */
export async function clearGraph(db: Database): Promise<void> {
  await db.write((tx) => tx.run("MATCH (n) DETACH DELETE n"));
}

export const testLog = createLogger("kg-test", process.env.LOG_LEVEL ?? "warn");

export function testServer(db: Database, env: NodeJS.ProcessEnv = {}) {
  const config = loadConfig({ ...process.env, ...env });
  return createServer({ db, config, log: testLog });
}

export interface GraphQLResponse {
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: { cypherQueries?: number };
}

/**
 * POSTs one operation to the server in process (real HTTP semantics, no port), asking for
 * `extensions.cypherQueries` (the round-trip tests read it).
 */
export async function gql(
  server: ReturnType<typeof testServer>,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse & { status: number }> {
  const response = await server.fetch("http://localhost/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      [DEBUG_HEADER]: CYPHER_QUERIES,
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as GraphQLResponse) };
}

/** Every node and relationship with its properties, as one sorted string: equal means unchanged. */
export async function graphSnapshot(db: Database): Promise<string> {
  const nodes = await db.read(
    "MATCH (n) WHERE NOT n:GraphVersion RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id",
  );
  const rels = await db.read(
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props ORDER BY type, from, to, r.id, r.locator",
  );
  const sorted = (value: unknown): unknown =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return JSON.stringify({
    nodes: nodes.records.map((r) => sorted(toPlain(r.toObject()))),
    rels: rels.records.map((r) => sorted(toPlain(r.toObject()))),
  });
}

/** A clean graph holding exactly the article's seed data. */
export async function seedArticle(db: Database): Promise<void> {
  await clearGraph(db);
  const { seedArticleIfEmpty } = await import("../src/graph/seed-on-start.js");
  await seedArticleIfEmpty(db, testLog);
}

/**
 * Checks the strongest-link shortcuts against their definition, recomputed here in JS from the
 * LINKs themselves: for every entity, its FANOUT best outgoing (and incoming) links by score
 * descending, then id, in rank order, pointing at the right entity and carrying the link's score.
 * Returns how many shortcuts were checked.
 */
export async function expectStrongestLinksConsistent(db: Database): Promise<number> {
  const { FANOUT } = await import("../src/graph/strongest-links.js");
  const links = (
    await db.read("MATCH (a:Entity)-[l:LINK]->(b:Entity) RETURN a.id AS from, b.id AS to, l.id AS id, l.score AS score")
  ).records.map((r) => toPlain(r.toObject()) as { from: string; to: string; id: string; score: number | null });
  const shortcuts = (
    await db.read(
      `MATCH (a)-[s:STRONGEST_OUT|STRONGEST_IN]->(b)
       RETURN type(s) AS type, a.id AS from, b.id AS to, s.linkId AS id, s.score AS score, s.rank AS rank`,
    )
  ).records.map(
    (r) => toPlain(r.toObject()) as { type: string; from: string; to: string; id: string; score: number; rank: number },
  );
  const expected = (side: "from" | "to", type: string) => {
    const byEntity = new Map<string, typeof links>();
    for (const l of links) byEntity.set(l[side], [...(byEntity.get(l[side]) ?? []), l]);
    return [...byEntity.values()].flatMap((own) =>
      own
        .sort((x, y) => (y.score ?? 0) - (x.score ?? 0) || (x.id < y.id ? -1 : 1))
        .slice(0, FANOUT)
        .map((l, rank) => ({ type, from: l.from, to: l.to, id: l.id, score: l.score ?? 0, rank })),
    );
  };
  const key = (s: { type: string; id: string }) => `${s.type} ${s.id}`;
  const sorted = (rows: Array<{ type: string; id: string }>) => [...rows].sort((x, y) => (key(x) < key(y) ? -1 : 1));
  expect(sorted(shortcuts)).toEqual(sorted([...expected("from", "STRONGEST_OUT"), ...expected("to", "STRONGEST_IN")]));
  return shortcuts.length;
}

/** The problems an import was refused for (it must be refused, as BAD_USER_INPUT with problems). */
export async function refusal(promise: Promise<unknown>): Promise<Problem[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the import should have been refused").toBeDefined();
  expect((error as GraphQLError).extensions?.code).toBe("BAD_USER_INPUT");
  const problems = problemsOf(error);
  expect(problems).toBeDefined();
  return problems ?? [];
}
