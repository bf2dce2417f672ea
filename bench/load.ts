/**
 * `npm run load [-- --mode read|fairness|outage|writes ...]`: bounded load against this machine only, in
 * modes (bench/load/<mode>.ts). Progress goes to stderr while a mode runs; the summary is one JSON
 * line on stdout (`{"mode", "ok", "targets": [...], ...figures}`); the exit code is 1 when a target
 * is missed, 2 on a usage error. `--help` lists the modes and their options.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { bounded, loopbackUrl, type ModeResult, note, target, UsageError } from "./load/common.js";
import { runFairnessLoad, TRIVIAL_P99_MS } from "./load/fairness.js";
import { runOutageLoad } from "./load/outage.js";
import { runReadLoad } from "./load/read.js";
import { runWriteLoad } from "./load/writes.js";

const HELP = `Usage: npm run load -- [--mode read|fairness|outage|writes] [options]

Bounded load on 127.0.0.1 only. Progress on stderr; one JSON summary line on stdout; exit 1
when a target is missed, 2 on a usage error.

Modes:
  read (default)  a mixed read workload (autocannon) against a running server.
                  Target: no error of any kind.
  fairness        the heaviest operations the server's limits allow, back to back on
                  --connections connections, while one more connection sends { __typename }
                  and a small entity lookup at --rate a second. Heavy outcomes by code
                  (BUSY is a refusal, not an error). Target: trivial p99 < ${TRIVIAL_P99_MS} ms.
  outage          starts its own Neo4j (.neo4j/load-outage, --neo4j-port) and its own server
                  (--port), reads and writes from --clients clients, kills Neo4j (SIGKILL) and
                  restarts it. Targets: answers during the outage within 2 s, /health < 100 ms,
                  /ready 200 within 5 s of the database answering a query again, no
                  acknowledged write lost or duplicated.
  writes          --writers writers (default 20) upsert entities and studies and create claims
                  about the same hubs and the one source, against a running server started
                  with a write token (--token); every acknowledged write is read back.
                  Targets: no internal error, none lost or duplicated; write p95 reported.

Options:
  --url URL           read, fairness: the server (default http://127.0.0.1:4000/graphql)
  --seconds N         read, fairness: how long (default 20; at most 300)
  --connections N     read: connections (default 10); fairness: heavy connections (default 8)
  --rate N            fairness: trivial requests a second (default 20)
  --p99 MS            fairness: the trivial p99 target (default ${TRIVIAL_P99_MS})
  --port N            outage: the server's port (default 4110)
  --neo4j-port N      outage: its Neo4j's Bolt port (default 7694)
  --clients N         outage: clients (default 20), of which --writers N write (default 6)
  --writers N         writes: concurrent writers (default 20)
  --token T           writes: a bearer token of KG_API_TOKENS (the secret part)
  --before N, --down N, --after N
                      outage: seconds of load before the kill (5), Neo4j down (4), after /ready (5)
  --retry-after honour|ignore
                      outage: clients wait as a refusal's Retry-After says (honour, default),
                      or send again at once (ignore: a flood of refusals)
  --help              this text
`;

const MODES = ["read", "fairness", "outage", "writes"] as const;
type Mode = (typeof MODES)[number];

function options() {
  return parseArgs({
    options: {
      mode: { type: "string", default: "read" },
      url: { type: "string", default: "http://127.0.0.1:4000/graphql" },
      seconds: { type: "string", default: "20" },
      connections: { type: "string" },
      rate: { type: "string", default: "20" },
      p99: { type: "string", default: String(TRIVIAL_P99_MS) },
      port: { type: "string", default: "4110" },
      "neo4j-port": { type: "string", default: "7694" },
      clients: { type: "string", default: "20" },
      writers: { type: "string" },
      token: { type: "string" },
      before: { type: "string", default: "5" },
      down: { type: "string", default: "4" },
      after: { type: "string", default: "5" },
      "retry-after": { type: "string", default: "honour" },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
}

async function runMode(values: ReturnType<typeof options>): Promise<{ mode: Mode; result: ModeResult }> {
  const mode = values.mode as Mode;
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")}, not "${values.mode}"`);
  const seconds = bounded("seconds", values.seconds, 1, 300);
  if (mode === "read") {
    const connections = bounded("connections", values.connections ?? "10", 1, 100);
    return { mode, result: await runReadLoad({ url: loopbackUrl(values.url), seconds, connections }) };
  }
  if (mode === "fairness") {
    return {
      mode,
      result: await runFairnessLoad({
        url: loopbackUrl(values.url),
        seconds,
        heavyConnections: bounded("connections", values.connections ?? "8", 1, 64),
        rate: bounded("rate", values.rate, 1, 200),
        p99Ms: bounded("p99", values.p99, 1, 60_000),
      }),
    };
  }
  if (mode === "writes") {
    if (!values.token) throw new UsageError("--mode writes needs --token, a write token of the server");
    const summary = await runWriteLoad({
      url: loopbackUrl(values.url).toString(),
      token: values.token,
      writers: bounded("writers", values.writers ?? "20", 1, 100),
      seconds,
      log: createLogger("kg-load"),
    });
    return {
      mode,
      result: {
        figures: { ...summary },
        targets: [
          target("internal errors", summary.internalErrors, 0, "requests"),
          target("acknowledged writes lost", summary.lost, 0, "writes"),
          target("acknowledged writes duplicated", summary.duplicated, 0, "writes"),
        ],
      },
    };
  }
  const clients = bounded("clients", values.clients, 1, 100);
  const retryAfter = values["retry-after"];
  if (retryAfter !== "honour" && retryAfter !== "ignore") {
    throw new UsageError(`--retry-after must be honour or ignore, not "${retryAfter}"`);
  }
  return {
    mode,
    result: await runOutageLoad({
      port: bounded("port", values.port, 1024, 65535),
      neo4jPort: bounded("neo4j-port", values["neo4j-port"], 1024, 65535),
      home: path.join(PROJECT_ROOT, ".neo4j", "load-outage"),
      clients,
      writers: bounded("writers", values.writers ?? "6", 0, clients),
      beforeSeconds: bounded("before", values.before, 1, 60),
      downSeconds: bounded("down", values.down, 1, 60),
      afterSeconds: bounded("after", values.after, 1, 60),
      honourRetryAfter: retryAfter === "honour",
    }),
  };
}

async function main(): Promise<number> {
  let values: ReturnType<typeof options>;
  try {
    values = options();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    const { mode, result } = await runMode(values);
    const missed = result.targets.filter((t) => !t.met);
    console.log(JSON.stringify({ mode, ok: missed.length === 0, targets: result.targets, ...result.figures }));
    for (const t of missed)
      note(`target missed: ${t.name} ${t.measured ?? "never"} ${t.unit} (target ${t.atLeast ? ">=" : "<="} ${t.limit})`);
    return missed.length === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${HELP}`);
      return 2;
    }
    process.stderr.write(`load run failed: ${(error as Error).stack ?? error}\n`);
    console.log(JSON.stringify({ mode: values.mode, ok: false, error: (error as Error).message }));
    return 1;
  }
}

main().then((code) => process.exit(code));
