/** Environment -> one typed, validated configuration object. Read once, at start-up. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The folder holding package.json, whether this runs from src/ (tsx) or dist/src/ (compiled). */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, "package.json"))) return at;
    if (path.dirname(at) === at) return path.resolve(dir, "..");
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const Env = z.object({
  PORT: port.default(4000),
  /** "localhost" (default) listens on 127.0.0.1 and ::1; 0.0.0.0 or :: on every interface. */
  HOST: z.string().default("localhost"),
  NODE_ENV: z.string().default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NEO4J_URI: optionalText,
  NEO4J_USER: z.string().default("neo4j"),
  NEO4J_PASSWORD: z.string().default("neo4j"),
  NEO4J_DATABASE: z.string().default("neo4j"),
  NEO4J_EMBEDDED_PORT: port.default(7687),
  NEO4J_EMBEDDED_HOME: z.string().default(path.join(PROJECT_ROOT, ".neo4j")),
  NEO4J_EMBEDDED_HEAP: z.string().default("1g"),
  NEO4J_EMBEDDED_PAGECACHE: z.string().default("512m"),
  /** How far below normal CPU priority the embedded Neo4j runs (`nice`), so the API keeps answering under heavy traversals. */
  NEO4J_EMBEDDED_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * The time limit of one request: its reads stop (and their database queries end) at this
   * deadline and a query answers TIMEOUT; every transaction also has it as its database timeout.
   */
  KG_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /**
   * The transaction timeout of start-up work (constraints, seeding the article, the strongest-link
   * shortcuts): generous, so that a first start on a slow or busy machine does not fail.
   */
  KG_SETUP_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(900_000),
  /** How long a request may wait for a connection before it fails with DB_UNAVAILABLE. */
  KG_DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(3_000),
  /** "name:secret,name2:secret2": bearer tokens allowed to write. None: writes are disabled. */
  KG_API_TOKENS: optionalText,
  /**
   * Origins ("https://app.example.org,http://localhost:5173") allowed credentialed cross-origin
   * requests (cookies, HTTP authentication). None by default; any origin may read without them.
   */
  KG_CORS_ORIGINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, "an origin is scheme://host[:port], without a path"))),
  /** Field suggestions ("did you mean ...?") leak the schema to probes; off unless asked for. */
  KG_FIELD_SUGGESTIONS: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /**
   * Aliases one operation may use. Aliases of cheap fields cost nothing; the cost limit counts
   * each aliased field, so expensive ones are bounded by cost, not by this.
   */
  KG_MAX_ALIASES: z.coerce.number().int().min(1).max(10_000).default(15),
  /**
   * What one operation may cost with its variables applied (schema/complexity.ts): each list's
   * page size multiplied through its levels. The GraphiQL examples cost 26 to 4,450.
   */
  KG_MAX_COMPLEXITY: z.coerce.number().int().min(100).max(100_000_000).default(50_000),
  /**
   * Operations costing at least this (any traversal does: 1,000 a hop) are heavy: at most
   * KG_HEAVY_CONCURRENCY run at once, KG_HEAVY_QUEUE more wait up to KG_BUSY_WAIT_MS, and the
   * rest get BUSY (plugins/fairness.ts). Cheaper operations never wait.
   * One core fewer than the machine has (at least 1), like the traversal slots: a heavy answer's
   * resolution and serialisation run on the event loop, and two at once doubled the longest wait
   * of a trivial request behind them (README, "What the load modes measured").
   */
  KG_HEAVY_COST: z.coerce.number().int().min(1).max(100_000_000).default(1_000),
  KG_HEAVY_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(Math.max(1, os.availableParallelism() - 1)),
  /**
   * Traversal queries on the database at once, across requests (aliases included): one core fewer
   * than the machine has (at least 1), so the API process keeps a core while traversals run.
   */
  KG_TRAVERSAL_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(Math.max(1, os.availableParallelism() - 1)),
  KG_HEAVY_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  /** The most one answer of a heavy operation may weigh (plugins/response-size.ts); beyond: RESPONSE_TOO_LARGE. */
  KG_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(1_000_000_000)
    .default(8 * 1024 * 1024),
  KG_BUSY_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Tokens one document may hold (names, punctuation, values): bounds parsing work. */
  KG_MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(2_000),
  /** Traversal results kept (chains, reach, neighbourhoods), checked against the graph's version. 0: none. */
  KG_TRAVERSAL_CACHE_ENTRIES: z.coerce.number().int().min(0).max(100_000).default(1_000),
  /**
   * Chain searches run as the database's kg.beamSearch procedure when it has it (the embedded
   * launcher does; same answers, a fraction of the cost), else as Cypher. "off": always Cypher.
   */
  KG_NATIVE_SEARCH: z.enum(["auto", "off"]).default("auto"),
  /** A whole-graph export (/export/graph, graphExport) holds at most this many entities ... */
  KG_EXPORT_MAX_NODES: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
  /** ... and this many links; beyond either it is refused with EXPORT_TOO_LARGE. */
  KG_EXPORT_MAX_EDGES: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  /**
   * Every this many ms, log the event loop's delay (p50/p99/max) and the process's CPU time over
   * the interval (src/event-loop.ts). 0: off. The outage load mode turns it on for its server.
   */
  KG_EVENT_LOOP_REPORT_MS: z.coerce.number().int().min(0).max(3_600_000).default(0),
  /** Seed the article's content on start-up when the database holds no entity. */
  KG_SEED_ON_START: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});

export type Config = z.infer<typeof Env>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}
