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
 * Results: bench/results/latest.json and bench/results/latest.md.
 * `--full` adds the 1,000,000-link graph (about five minutes to load on 2 cores).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { runningLauncher } from "../src/db/embedded.js";
import { type DatabaseTarget, provisionDatabase } from "../src/db/provision.js";
import { applyConstraints } from "../src/db/schema-setup.js";
import { driverCause } from "../src/errors.js";
import { createLogger } from "../src/logger.js";
import { searchQuery } from "../src/schema/search.js";
import { clearInBatches, generateGraph, loadGenerated } from "./generate.js";
import type { Target } from "./targets.js";

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

interface BenchQuery {
  name: string;
  /** Traversals go through our traversal cache: measured with and without it. */
  traversal?: boolean;
  ours: string;
  raw?: { query: string; params: Record<string, unknown> };
  neo4jGraphql?: string;
}

/** The fixed mix, on well-connected entities of the generated graph (e0, e1 ... are the hubs). */
function mix(): BenchQuery[] {
  return [
    {
      name: "entity with nested links and claims",
      ours: `{ entity(id: "e1") { id name kind outgoing(first: 10) { predicate evidence { score } to { id name } claims { id } } claims(first: 5) { id statement } } }`,
      raw: { query: "entityNested", params: { id: "e1" } },
      neo4jGraphql: `{ entities(where: { id: { eq: "e1" } }) { id name kind outgoingConnection(first: 10, sort: [{ edge: { score: DESC } }]) { edges { properties { predicate score } node { id name } } } claims(limit: 5, sort: [{ score: DESC }]) { id statement } } }`,
    },
    {
      name: "a claim's studies",
      ours: `{ claim(id: "claim:c1") { id statement evidenceSummary { level score } evidence { stance study { id title year design } } } }`,
      raw: { query: "claimStudies", params: { id: "claim:c1" } },
      neo4jGraphql: `{ claims(where: { id: { eq: "claim:c1" } }) { id statement level score supportedBy { id title year design } } }`,
    },
    {
      name: "search",
      ours: `{ search(query: "entity 12", first: 10) { label score } }`,
      raw: { query: "search", params: { q: searchQuery("entity 12") } },
    },
    {
      name: "mechanismChains 3 hops",
      traversal: true,
      ours: `{ mechanismChains(from: "e1", to: "e5", maxHops: 3, first: 10) { hops score nodes { id } links { predicate } } }`,
    },
    {
      name: "mechanismChains 5 hops",
      traversal: true,
      ours: `{ mechanismChains(from: "e1", to: "e5", maxHops: 5, first: 10) { hops score nodes { id } links { predicate } } }`,
    },
    {
      name: "neighborhood of a hub",
      traversal: true,
      ours: `{ neighborhood(id: "e0", hops: 1, first: 50) { nodes { id } edges { id } } }`,
      raw: { query: "neighborhood", params: { id: "e0" } },
    },
    {
      name: "claims page",
      ours: `{ claims(first: 20) { pageInfo { hasNextPage endCursor } nodes { id statement evidenceSummary { score } } } }`,
      raw: { query: "claimsPage", params: {} },
      neo4jGraphql: `{ claims(limit: 21, sort: [{ id: ASC }]) { id statement score } }`,
    },
  ];
}

interface Measured {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** CPU milliseconds per request spent by the serving Node process and by Neo4j (Linux only). */
  serverCpuMs?: number;
  neo4jCpuMs?: number;
}

/** CPU time (ms) a process has used so far, from /proc; undefined where there is none. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = (fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 Hz)
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Who burns the CPU during a measurement: the pids of the servers' process and of Neo4j. */
interface Processes {
  server?: number;
  neo4j?: number;
}

type Endpoint = Pick<Target, "name" | "url">;

function bodyFor(target: Endpoint, query: BenchQuery): string | undefined {
  if (target.name === "ours") return JSON.stringify({ query: query.ours });
  if (target.name === "oursUncached") return query.traversal ? JSON.stringify({ query: query.ours }) : undefined;
  if (target.name === "rawCypher") return query.raw ? JSON.stringify(query.raw) : undefined;
  return query.neo4jGraphql ? JSON.stringify({ query: query.neo4jGraphql }) : undefined;
}

async function check(target: Endpoint, body: string): Promise<{ cypherQueries?: number }> {
  const response = await fetch(target.url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const json = (await response.json()) as { errors?: unknown; extensions?: { cypherQueries?: number } };
  if (response.status !== 200 || json.errors)
    throw new Error(`${target.name} answered ${response.status}: ${JSON.stringify(json.errors)}`);
  return { cypherQueries: json.extensions?.cypherQueries };
}

/** One autocannon run of `duration` seconds, with every response's latency kept. */
async function measure(target: Endpoint, body: string, processes: Processes, duration: number): Promise<Round> {
  let errors = 0;
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) await check(target, body); // warm-up: plans cached, JIT warm
  const serverBefore = cpuMsOf(processes.server);
  const neo4jBefore = cpuMsOf(processes.neo4j);
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    duration,
    setupClient: (client) => {
      client.on("response", (_status, _bytes, responseTime) => latencies.push(responseTime));
      client.on("body", (b: Buffer) => {
        if (b.includes('"errors"')) errors += 1;
      });
    },
  });
  const used = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? undefined : after - before;
  return {
    seconds: duration,
    latencies,
    serverCpu: used(serverBefore, cpuMsOf(processes.server)),
    neo4jCpu: used(neo4jBefore, cpuMsOf(processes.neo4j)),
    errors: errors + result.errors + result.non2xx + result.timeouts,
  };
}

interface Round {
  seconds: number;
  /** Milliseconds, one per response. */
  latencies: number[];
  serverCpu?: number;
  neo4jCpu?: number;
  errors: number;
}

/** Rounds of one target and query pooled: exact percentiles over every response of every round. */
function combine(rounds: Round[]): Measured {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const n = Math.max(latencies.length, 1);
  const percentile = (p: number) => +(latencies[Math.ceil((p / 100) * n) - 1] ?? 0).toFixed(1);
  const cpu = (k: "serverCpu" | "neo4jCpu") =>
    rounds.some((r) => r[k] === undefined) ? undefined : +(rounds.reduce((sum, r) => sum + (r[k] ?? 0), 0) / n).toFixed(2);
  return {
    rps: Math.round(latencies.length / rounds.reduce((sum, r) => sum + r.seconds, 0)),
    p50: percentile(50),
    p95: percentile(95),
    p99: percentile(99),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    serverCpuMs: cpu("serverCpu"),
    neo4jCpuMs: cpu("neo4jCpu"),
  };
}

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
              const round = await measure(t, bodyFor(t, query) as string, { server: servers.pid, neo4j: neo4jPid }, seconds / 2);
              rounds.set(t.name, [...(rounds.get(t.name) ?? []), round]);
            }
          }
          for (const [name, r] of rounds) row[name] = combine(r);
          // Like with like: the raw floor computes every answer, so compare it with our uncached run.
          const ours = (row.oursUncached ?? row.ours) as Measured;
          const raw = row.rawCypher as Measured | undefined;
          const theirs = row.neo4jGraphql as Measured | undefined;
          if (raw) row.oursVsRawP50 = +(ours.p50 / Math.max(raw.p50, 0.5)).toFixed(2);
          if (raw) row.rawVsOursThroughput = +(raw.rps / Math.max(ours.rps, 1)).toFixed(2);
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
  fs.writeFileSync(path.join(values.out, "latest.md"), markdown(report.results));
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

function markdown(rows: Array<Record<string, unknown>>): string {
  const m = (x: unknown, k: keyof Measured) => (x ? String((x as Measured)[k]) : "–");
  const queries = rows.filter((r) => r.query);
  const lines = [
    "# Benchmark results",
    "",
    `${connections} concurrent connections, ${seconds} s per measurement (two rounds of half that, targets in A-B-B-A order),`,
    "all on this machine's loopback; Neo4j left to settle (indexes online, idle) after each load. Latencies in ms;",
    "throughput in requests/s. Traversals (chains, neighbourhood) are measured with our traversal cache (repeated",
    "queries, as explorers send them) and without it (every request computes the search). Ratios: ours/raw p50",
    "latency (target ≤ 1.25; uncached run for traversals), ours/@neo4j/graphql throughput (target ≥ 1.5 on nested",
    "queries). `–`: not expressible there.",
    "",
    "| links | query | ours p50 / p95 / p99 | ours rps | cache off p50 / p95 / p99 | cache off rps | raw p50 / p95 | raw rps | @neo4j/graphql p50 / p95 | its rps | ours/raw p50 | ours/@neo4j/graphql rps | Cypher per request |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    if (!r.query) {
      lines.push(`| ${r.links} | (load: ${r.loadSeconds} s, ${r.linksPerSecond} links/s) | | | | | | | | | | | |`);
      continue;
    }
    const cypher = r.cypherQueriesPerRequestUncached
      ? `${r.cypherQueriesPerRequest} (cache off: ${r.cypherQueriesPerRequestUncached})`
      : `${r.cypherQueriesPerRequest ?? "–"}`;
    lines.push(
      `| ${r.links} | ${r.query} | ${m(r.ours, "p50")} / ${m(r.ours, "p95")} / ${m(r.ours, "p99")} | ${m(r.ours, "rps")} | ${m(r.oursUncached, "p50")} / ${m(r.oursUncached, "p95")} / ${m(r.oursUncached, "p99")} | ${m(r.oursUncached, "rps")} | ${m(r.rawCypher, "p50")} / ${m(r.rawCypher, "p95")} | ${m(r.rawCypher, "rps")} | ${m(r.neo4jGraphql, "p50")} / ${m(r.neo4jGraphql, "p95")} | ${m(r.neo4jGraphql, "rps")} | ${r.oursVsRawP50 ?? "–"} | ${r.oursVsNeo4jGraphqlThroughput ?? "–"} | ${cypher} |`,
    );
  }
  // Where the CPU goes: per request, in the serving Node process and in Neo4j.
  const cpu = (x: unknown) => {
    const r = x as Measured | undefined;
    return r?.serverCpuMs === undefined ? "–" : `${r.serverCpuMs} + ${r.neo4jCpuMs ?? "?"}`;
  };
  lines.push(
    "",
    "## CPU per request (ms: serving Node process + Neo4j), from /proc during each measurement",
    "",
    "| links | query | ours | cache off | raw Cypher | @neo4j/graphql |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const r of queries) {
    lines.push(
      `| ${r.links} | ${r.query} | ${cpu(r.ours)} | ${cpu(r.oursUncached)} | ${cpu(r.rawCypher)} | ${cpu(r.neo4jGraphql)} |`,
    );
  }
  // Cost growth: one row per query, one column per graph size (uncached for traversals).
  const sizes = [...new Set(queries.map((r) => r.links as number))];
  lines.push(
    "",
    "## Cost growth (ours, p50 / p95 ms; traversals without the cache)",
    "",
    `| query | ${sizes.map((n) => `${n} links`).join(" | ")} |`,
    `| --- | ${sizes.map(() => "---").join(" | ")} |`,
  );
  for (const name of [...new Set(queries.map((r) => r.query as string))]) {
    const cells = sizes.map((n) => {
      const r = queries.find((q) => q.query === name && q.links === n);
      const x = (r?.oursUncached ?? r?.ours) as Measured | undefined;
      return x ? `${x.p50} / ${x.p95}` : "–";
    });
    lines.push(`| ${name} | ${cells.join(" | ")} |`);
  }
  return `${lines.join("\n")}\n`;
}

main().catch((error) => {
  log.fatal({ err: driverCause(error) ?? error }, "benchmark failed");
  process.exit(1);
});
