/**
 * One measurement: an autocannon run against one target with every response's latency kept, the
 * CPU the serving process and Neo4j spent meanwhile (from /proc), and rounds pooled into exact
 * percentiles.
 */
import fs from "node:fs";
import autocannon from "autocannon";
import { CYPHER_QUERIES, DEBUG_HEADER } from "../src/plugins/request-log.js";
import type { BenchQuery } from "./mix.js";
import type { Target } from "./targets.js";

export interface Measured {
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
export function cpuMsOf(pid: number | undefined): number | undefined {
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
export interface Processes {
  server?: number;
  neo4j?: number;
}

export type Endpoint = Pick<Target, "name" | "url">;

export function bodyFor(target: Endpoint, query: BenchQuery): string | undefined {
  if (target.name === "ours") return JSON.stringify({ query: query.ours });
  if (target.name === "oursUncached") return query.traversal ? JSON.stringify({ query: query.ours }) : undefined;
  if (target.name === "rawCypher") return query.raw ? JSON.stringify(query.raw) : undefined;
  return query.neo4jGraphql ? JSON.stringify({ query: query.neo4jGraphql }) : undefined;
}

/** One request; throws unless it is answered 200 without errors. */
export async function check(target: Endpoint, body: string): Promise<{ data: unknown; cypherQueries?: number }> {
  const response = await fetch(target.url, {
    method: "POST",
    // Ours answers the number of Cypher round trips when asked; the other targets ignore the header.
    headers: { "content-type": "application/json", [DEBUG_HEADER]: CYPHER_QUERIES },
    body,
  });
  const json = (await response.json()) as { data?: unknown; errors?: unknown; extensions?: { cypherQueries?: number } };
  if (response.status !== 200 || json.errors)
    throw new Error(`${target.name} answered ${response.status}: ${JSON.stringify(json.errors)}`);
  return { data: json.data, cypherQueries: json.extensions?.cypherQueries };
}

/** One autocannon run of `duration` seconds, with every response's latency kept. */
export async function measure(
  target: Endpoint,
  body: string,
  processes: Processes,
  duration: number,
  clients: number,
): Promise<Round> {
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
    connections: clients,
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

export interface Round {
  seconds: number;
  /** Milliseconds, one per response. */
  latencies: number[];
  serverCpu?: number;
  neo4jCpu?: number;
  errors: number;
}

/** Rounds of one target and query pooled: exact percentiles over every response of every round. */
export function combine(rounds: Round[]): Measured {
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
