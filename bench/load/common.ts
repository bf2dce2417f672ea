/**
 * What the load modes share: loopback-only URLs, a small HTTP client on chosen connections (an
 * http.Agent per client, so a mode decides which requests share a connection), latency
 * percentiles, targets met or missed, and progress on stderr while a mode runs.
 */
import http from "node:http";
import { Worker } from "node:worker_threads";

export { random } from "../generate.js";

/** One measured figure against its target: `measured <= limit` (or `>=`, for `atLeast`). */
export interface Target {
  name: string;
  measured: number | null;
  limit: number;
  unit: string;
  atLeast?: boolean;
  met: boolean;
}

export function target(name: string, measured: number | null | undefined, limit: number, unit: string, atLeast = false): Target {
  const value = measured ?? null;
  const met = value !== null && (atLeast ? value >= limit : value <= limit);
  return { name, measured: value, limit, unit, ...(atLeast ? { atLeast } : {}), met };
}

/** What every mode hands back: its figures and its targets; the CLI prints them as one JSON line. */
export interface ModeResult {
  figures: Record<string, unknown>;
  targets: Target[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The URL, or an error naming why it is refused: the load modes only ever target this machine. */
export function loopbackUrl(text: string): URL {
  const url = new URL(text);
  if (!LOOPBACK.has(url.hostname)) {
    throw new UsageError(`the load script only targets this machine's loopback address, not ${url.hostname}`);
  }
  return url;
}

export class UsageError extends Error {}

/** A whole number option within bounds, or a UsageError naming it. */
export function bounded(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

/** An agent holding at most `connections` kept-alive sockets: requests beyond them queue for one. */
export function connections(count: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: count, maxFreeSockets: count });
}

export interface Answer {
  status: number;
  /** The first error's extensions.code, "HTTP_<status>" for an error status without one, "NETWORK" when no answer came. */
  code?: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  data?: any;
  ms: number;
  started: number;
  ended: number;
  /** The Retry-After header of a refusal, in ms, when it had one. */
  retryAfterMs?: number;
}

/** One request; never throws (a network failure is an answer with status 0 and code NETWORK). */
export function send(
  agent: http.Agent,
  url: URL,
  options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, text: string, networkError = false, retryAfter?: string) => {
      const ended = performance.now();
      let code: string | undefined;
      let data: unknown;
      if (networkError) code = "NETWORK";
      else {
        try {
          const json = text ? JSON.parse(text) : undefined;
          data = json?.data;
          code = json?.errors?.[0]?.extensions?.code;
        } catch {
          // not JSON (/health, /ready): the status says it
        }
        if (!code && status >= 400) code = `HTTP_${status}`;
      }
      const retryAfterMs = retryAfter && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) * 1000 : undefined;
      resolve({
        status,
        code,
        data,
        ms: ended - started,
        started,
        ended,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    };
    const request = http.request(
      url,
      {
        agent,
        method: options.method ?? (options.body ? "POST" : "GET"),
        headers: {
          ...(options.body
            ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => done(response.statusCode ?? 0, text, false, response.headers["retry-after"]));
        response.on("error", () => done(0, "", true));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", () => done(0, "", true));
    request.end(options.body);
  });
}

/** A GraphQL POST. */
export function graphql(agent: http.Agent, url: URL, query: string, variables?: object, headers?: Record<string, string>) {
  return send(agent, url, { body: JSON.stringify({ query, variables }), headers });
}

/** Nearest-rank percentiles of latencies in ms, rounded to 0.1 ms; nulls when there are none. */
export function percentiles(values: number[]): { count: number; p50: number | null; p99: number | null; max: number | null } {
  if (values.length === 0) return { count: 0, p50: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
  return { count: sorted.length, p50: at(50), p99: at(99), max: round(sorted.at(-1) as number) };
}

export const round = (ms: number) => Math.round(ms * 10) / 10;

/** Counts by key, e.g. outcomes by code. */
export function tally(keys: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A line on stderr every `everyMs` while a mode runs (stdout carries only the summary). */
export function progress(describe: () => string, everyMs = 2_000): () => void {
  const began = performance.now();
  const timer = setInterval(() => {
    process.stderr.write(`[load ${Math.round((performance.now() - began) / 1000)}s] ${describe()}\n`);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function note(message: string): void {
  process.stderr.write(`[load] ${message}\n`);
}

/**
 * Polls `url` every `everyMs` from a worker thread of its own: its timings are not delayed by this
 * process's clients, as a real health checker (a load balancer, an orchestrator) runs apart from
 * the traffic. `stop()` ends the loop and gives every answer's status and latency.
 */
export function pollApart(url: URL, everyMs: number): { stop(): Promise<Array<{ status: number; ms: number }>> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const http = require("node:http");
     const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
     const answers = [];
     let running = true;
     parentPort.on("message", () => { running = false; });
     const once = () => new Promise((resolve) => {
       const started = performance.now();
       const req = http.get(workerData.url, { agent, timeout: 5000 }, (res) => {
         res.resume();
         res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - started }));
       });
       req.on("timeout", () => req.destroy());
       req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
     });
     (async () => {
       while (running) {
         answers.push(await once());
         await new Promise((r) => setTimeout(r, workerData.everyMs));
       }
       agent.destroy();
       parentPort.postMessage(answers);
     })();`,
    { eval: true, workerData: { url: url.toString(), everyMs } },
  );
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        worker.once("message", (answers) => {
          void worker.terminate();
          resolve(answers);
        });
        worker.once("error", reject);
        worker.postMessage("stop");
      }),
  };
}
