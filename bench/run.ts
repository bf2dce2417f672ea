/**
 * `npm run bench [-- --sizes 10000,100000 --full --seconds 6 --connections 8]`
 *
 * For each graph size: generate and load a synthetic graph (bench/generate.ts), then, in the same
 * run and on the same Neo4j and data, drive a fixed mix of contract queries under concurrent
 * load (autocannon, 127.0.0.1 only, bounded in time) against (1) our server, (2) the raw-Cypher
 * floor and (3) @neo4j/graphql where it can express the query. Traversals are measured twice:
 * with our traversal cache (what repeated queries get) and without it (every request computes
 * the search); the ratio to raw Cypher compares like with like, so it uses the uncached run.
 * The servers run compiled, in a child process of their own (bench/serve-targets.ts), so that
 * autocannon does not share their event loop. Reports throughput and p50/p95/p99 latency, our
 * ratios to each, Cypher round trips per request, and how cost grows with the graph.
 *
 * `main` is one long script on purpose (~120 lines): the run's steps in the order they happen
 * (start Neo4j and the servers, per size: load, settle, warm up, measure A-B-B-A, report), which
 * read best top to bottom; each step it calls is its own function in measure.ts and report.ts.
 * Results: bench/results/latest.json and bench/results/latest.md. The queries are in mix.ts, the
 * servers in targets.ts, one measurement in measure.ts and the Markdown in report.ts.
 * `--full` adds the 1,000,000-link graph (about five minutes to load on 2 cores).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { runningLauncher } from "../src/db/embedded.js";
import { type DatabaseTarget, provisionDatabase } from "../src/db/provision.js";
import { applyConstraints } from "../src/db/schema-setup.js";
import { driverCause } from "../src/errors.js";
import { createLogger } from "../src/logger.js";
import { clearInBatches, generateGraph, loadGenerated } from "./generate.js";
import { bodyFor, check, combine, cpuMsOf, type Endpoint, type Measured, measure, type Round } from "./measure.js";
import { mix } from "./mix.js";
import { markdown } from "./report.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    full: { type: "boolean", default: false },
    seconds: { type: "string", default: "6" },
    connections: { type: "string", default: "8" },
    out: { type: "string", default: path.join(PROJECT_ROOT, "bench", "results") },
  },
});
const sizes = values.sizes
  .split(",")
  .map(Number)
  .concat(values.full ? [1_000_000] : []);
const seconds = Math.min(Number(values.seconds), 60);
const connections = Math.min(Number(values.connections), 64);
const log = createLogger("kg-bench");
const BENCH_HOME = path.join(PROJECT_ROOT, ".neo4j", "bench");

async function main() {
  // The 1M-link graph wants more than the development defaults; the machine has 24 GiB.
  const config = loadConfig({
    ...process.env,
    NEO4J_EMBEDDED_HEAP: process.env.NEO4J_EMBEDDED_HEAP ?? "4g",
    NEO4J_EMBEDDED_PAGECACHE: process.env.NEO4J_EMBEDDED_PAGECACHE ?? "2g",
  });
  const target = await provisionDatabase(config, log, {
    embeddedHome: BENCH_HOME,
    embeddedPort: Number(process.env.NEO4J_BENCH_PORT ?? 7689),
  });
  const db = new Database(target, { queryTimeoutMs: 600_000, acquireTimeoutMs: 10_000 });
  // The embedded launcher's pid; a server named by NEO4J_URI is not ours to watch.
  const neo4jPid = target.origin === "embedded" ? runningLauncher(BENCH_HOME)?.pid : undefined;
  const results: Array<Record<string, unknown>> = [];
  try {
    await applyConstraints(db);
    for (const links of sizes) {
      log.info({ links }, "preparing graph");
      await clearInBatches(db, log);
      const graph = generateGraph(links, 42);
      const loadStarted = performance.now();
      await loadGenerated(db, graph, log);
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      await settle(db, neo4jPid);
      const servers = await startTargets(target);
      try {
        // An unrecorded second of load per target and query first, so that the JVM's and V8's
        // compilers have done their work before anything is timed: the first graph used to be
        // measured on a cold JVM (Neo4j spent far more CPU per request than it did later: the README's
        // Benchmark section gives the figure).
        log.info({ links }, "warming up every target");
        for (const query of mix()) {
          for (const t of servers.targets) {
            const body = bodyFor(t, query);
            if (body) await measure(t, body, {}, 1, connections);
          }
        }
        for (const query of mix()) {
          const row: Record<string, unknown> = { links, query: query.name };
          const measured = servers.targets.filter((t) => bodyFor(t, query));
          for (const t of measured) {
            const body = bodyFor(t, query) as string;
            if (t.name === "ours") row.cypherQueriesPerRequest = (await check(t, body)).cypherQueries;
            if (t.name === "oursUncached") row.cypherQueriesPerRequestUncached = (await check(t, body)).cypherQueries;
          }
          // Two rounds of half the time each, in A-B-B-A order, so that a drift of the machine's
          // speed (Neo4j's background work after a load, other tenants) favours no target.
          const rounds = new Map<string, Round[]>();
          for (const order of [measured, [...measured].reverse()]) {
            for (const t of order) {
              log.info({ links, query: query.name, target: t.name, seconds: seconds / 2 }, "measuring");
              const round = await measure(
                t,
                bodyFor(t, query) as string,
                { server: servers.pid, neo4j: neo4jPid },
                seconds / 2,
                connections,
              );
              rounds.set(t.name, [...(rounds.get(t.name) ?? []), round]);
            }
          }
          for (const [name, r] of rounds) row[name] = combine(r);
          // One client at a time, without queueing behind other requests, A-B-B-A: a computed
          // traversal's own latency (what one explorer waits on an idle machine), and, where the
          // raw floor answers too, the GraphQL layer's overhead apart from saturation (under load
          // the ratio mostly compares CPU per request on cores shared with Neo4j and autocannon).
          const uncached = measured.find((t) => t.name === "oursUncached");
          const raw = measured.find((t) => t.name === "rawCypher");
          const oursComputed = uncached ?? (measured.find((t) => t.name === "ours") as Endpoint);
          const alone = raw ? [oursComputed, raw] : uncached ? [uncached] : [];
          const aloneRounds = new Map<string, Round[]>();
          for (const order of alone.length ? [alone, [...alone].reverse()] : []) {
            for (const t of order) {
              log.info({ links, query: query.name, target: t.name, connections: 1 }, "measuring one client");
              const processes = { server: servers.pid, neo4j: neo4jPid };
              const round = await measure(t, bodyFor(t, query) as string, processes, seconds / 4, 1);
              aloneRounds.set(t.name, [...(aloneRounds.get(t.name) ?? []), round]);
            }
          }
          if (uncached) row.oursUncachedOneClient = combine(aloneRounds.get(uncached.name) ?? []);
          if (raw) {
            const [oursAlone, rawAlone] = [
              combine(aloneRounds.get(oursComputed.name) ?? []),
              combine(aloneRounds.get(raw.name) ?? []),
            ];
            row.oursOneClient = oursAlone;
            row.rawCypherOneClient = rawAlone;
            row.oursVsRawP50OneClient = +(oursAlone.p50 / Math.max(rawAlone.p50, 0.05)).toFixed(2);
          }
          // Like with like: the raw floor computes every answer, so compare it with our uncached run.
          const ours = (row.oursUncached ?? row.ours) as Measured;
          const floor = row.rawCypher as Measured | undefined;
          const theirs = row.neo4jGraphql as Measured | undefined;
          if (floor) row.oursVsRawP50 = +(ours.p50 / Math.max(floor.p50, 0.5)).toFixed(2);
          if (floor) row.rawVsOursThroughput = +(floor.rps / Math.max(ours.rps, 1)).toFixed(2);
          if (theirs) row.oursVsNeo4jGraphqlThroughput = +(ours.rps / Math.max(theirs.rps, 1)).toFixed(2);
          log.info(row, "measured");
          results.push(row);
        }
      } finally {
        await servers.stop();
      }
      results.push({ links, loadSeconds: Math.round(loadSeconds), linksPerSecond: Math.round(links / loadSeconds) });
    }
  } finally {
    await db.close();
    await target.stop();
  }
  fs.mkdirSync(values.out, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine: { cores: (await import("node:os")).cpus().length },
    seconds,
    connections,
    results,
  };
  fs.writeFileSync(path.join(values.out, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(values.out, "latest.md"), markdown(report.results, { connections, seconds }));
  log.info({ out: values.out }, "benchmark written");
}

/**
 * Lets Neo4j finish the work a bulk load leaves behind (index population, then background
 * flushing and sampling) before anything is measured, so that it slows no target: waits for the
 * indexes, then (for the embedded Neo4j, whose CPU we can see) until Neo4j idles, at most a minute.
 */
async function settle(db: Database, neo4jPid: number | undefined): Promise<void> {
  await db.write((tx) => tx.run("CALL db.awaitIndexes(600)"), undefined, 600_000);
  const started = performance.now();
  for (let waited = 0; waited < 60; waited++) {
    const before = cpuMsOf(neo4jPid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = cpuMsOf(neo4jPid);
    if (before === undefined || after === undefined || after - before < 100) break; // under 10% of a core
  }
  log.info({ waitedSeconds: Math.round((performance.now() - started) / 1000) }, "Neo4j settled after the load");
}

/** Starts bench/serve-targets.ts, compiled (`npm run build`), and waits for its URLs. */
async function startTargets(db: DatabaseTarget): Promise<{ targets: Endpoint[]; pid?: number; stop(): Promise<void> }> {
  const script = path.join(PROJECT_ROOT, "dist", "bench", "serve-targets.js");
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run npm run build (npm run bench does)`);
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, NEO4J_URI: db.uri, NEO4J_USER: db.user, NEO4J_PASSWORD: db.password, NEO4J_DATABASE: db.database },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const targets = await new Promise<Endpoint[]>((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const line = buffered.split("\n")[0];
      if (buffered.includes("\n") && line) resolve((JSON.parse(line) as { targets: Endpoint[] }).targets);
    });
    child.once("exit", (code) => reject(new Error(`the benchmark's servers exited (${code}) before listening`)));
  });
  return {
    targets,
    pid: child.pid,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

main().catch((error) => {
  log.fatal({ err: driverCause(error) ?? error }, "benchmark failed");
  process.exit(1);
});
