/**
 * `--mode outage`: what clients see when Neo4j dies under load, and whether any acknowledged write
 * is lost. Starts its own embedded Neo4j (its own store and port) and its own server (the service
 * as `npm start` runs it, NEO4J_URI pointing at that Neo4j, a write token of its own); ~20 clients
 * read and write (upserts with unique ids) while /health and /ready are polled throughout; then
 * Neo4j is killed (SIGKILL), started again after a few seconds, and the load goes on until the
 * service is ready again and a little after. "Database back" is when the database answers a
 * query (`RETURN 1`, asked every 50 ms by this script's own driver from the restart on): Bolt
 * listens before Neo4j has recovered its store after the kill. Reports the time from the kill to
 * the first DB_UNAVAILABLE, the slowest answer during the outage, the refusals a second, /health's
 * worst latency, /ready 200 after the database answers (and after the process restart), the
 * server's event-loop delay and CPU (its KG_EVENT_LOOP_REPORT_MS log lines), this script's own
 * CPU, and acknowledged writes lost or duplicated (read back from Neo4j). Clients wait as long as
 * a refusal's Retry-After says, as real clients would (`honourRetryAfter` false: they retry at once).
 * Targets: every request during the outage answered within 2 s; /health < 100 ms; /ready 200
 * within 5 s of the database answering; no acknowledged write lost or duplicated.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import neo4jDriver from "neo4j-driver";
import { loadConfig, PROJECT_ROOT } from "../../src/config.js";
import { Database } from "../../src/db/database.js";
import { type EmbeddedHandle, type EmbeddedOptions, startEmbedded } from "../../src/db/embedded.js";
import { createLogger } from "../../src/logger.js";
import {
  type Answer,
  connections,
  graphql,
  type ModeResult,
  note,
  percentiles,
  pollApart,
  progress,
  round,
  send,
  sleep,
  tally,
  target,
} from "./common.js";

export interface OutageOptions {
  /** The server's port (127.0.0.1). */
  port: number;
  neo4jPort: number;
  /** The outage Neo4j's store: never the development or test store. */
  home: string;
  clients: number;
  /** Of the clients, how many write. */
  writers: number;
  beforeSeconds: number;
  downSeconds: number;
  afterSeconds: number;
  /** Clients wait as a refusal's Retry-After says (true), or send again at once. */
  honourRetryAfter: boolean;
}

export const OUTAGE_TARGETS = { outageAnswerMs: 2_000, healthMs: 100, readyMs: 5_000 };

const READS = [
  `{ entity(id: "magnesium") { id name outgoing(first: 5) { predicate to { id } } } }`,
  `{ stats { entities links claims studies } }`,
  `{ search(query: "gaba", first: 5) { label } }`,
  `{ mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 3) { hops score } }`,
];

interface Timed extends Answer {
  client: number;
}

export async function runOutageLoad(options: OutageOptions): Promise<ModeResult> {
  const log = createLogger("kg-load-outage", "warn");
  const neo4jOptions: EmbeddedOptions = {
    home: options.home,
    port: options.neo4jPort,
    heap: "512m",
    pagecache: "128m",
    txTimeoutSeconds: 60,
    detached: false,
    // A busy machine once took over 3 minutes to create a store; the restart is timed, not bounded here.
    readyTimeoutMs: 600_000,
    // As `npm start` runs its embedded Neo4j (NEO4J_EMBEDDED_NICE).
    nice: loadConfig({}).NEO4J_EMBEDDED_NICE,
  };
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => {});
  };
  const interrupted = () => void cleanUp().then(() => process.exit(130));
  process.once("SIGINT", interrupted);

  try {
    note(`starting an embedded Neo4j on 127.0.0.1:${options.neo4jPort} (${options.home})`);
    let neo4j: EmbeddedHandle = await startEmbedded(neo4jOptions, log);
    cleanups.push(async () => neo4j.stop());

    // The server's start-up fails when its first queries find no answer; a fresh store's first
    // query on a busy machine has taken over a minute after the launcher said it was ready.
    await firstAnswer(neo4j.uri, () => true, 600_000);
    const secret = randomBytes(16).toString("hex");
    const server = startServer(options, neo4j.uri, secret);
    cleanups.push(() => stopServer(server));
    const base = new URL(`http://127.0.0.1:${options.port}`);
    const graphqlUrl = new URL("/graphql", base);
    const healthUrl = new URL("/health", base);
    const readyUrl = new URL("/ready", base);
    note(`starting the server on ${base} (log: ${path.join(options.home, "server.log")})`);
    await waitFor(async () => (await send(connections(1), readyUrl, { timeoutMs: 2_000 })).status === 200, 240_000, server);

    const run = `load-outage-${Date.now().toString(36)}`;
    const scriptCpuAtStart = process.cpuUsage();
    const scriptStartedAt = performance.now();
    const loadAverageAtStart = os.loadavg();
    const answers: Timed[] = [];
    const writes: Array<{ id: string; acknowledged: boolean; code?: string }> = [];
    const health: Array<{ status: number; ms: number }> = [];
    const ready: Answer[] = [];
    let running = true;

    const poll = async (url: URL, into: Answer[], everyMs: number) => {
      const agent = connections(1);
      while (running) {
        into.push(await send(agent, url, { timeoutMs: 5_000 }));
        await sleep(everyMs);
      }
      agent.destroy();
    };
    const client = async (n: number) => {
      const agent = connections(1);
      const writer = n < options.writers;
      for (let i = 0; running; i++) {
        let answer: Answer;
        if (writer) {
          const id = `${run}-${n}-${i}`;
          answer = await graphql(
            agent,
            graphqlUrl,
            "mutation($e: EntityInput!) { upsertEntity(input: $e) { id } }",
            { e: { id, name: `Outage probe ${n}.${i}`, kind: "PHENOTYPE" } },
            { authorization: `Bearer ${secret}` },
          );
          answers.push({ ...answer, client: n });
          writes.push({ id, acknowledged: !answer.code && answer.data?.upsertEntity?.id === id, code: answer.code });
        } else {
          answer = await graphql(agent, graphqlUrl, READS[i % READS.length] as string);
          answers.push({ ...answer, client: n });
        }
        await sleep(options.honourRetryAfter && answer.retryAfterMs !== undefined ? answer.retryAfterMs : 50);
      }
      agent.destroy();
    };

    const phase = { name: "before" };
    const stopProgress = progress(() => {
      const recent = answers.filter((a) => a.ended > performance.now() - 2_000);
      return `${phase.name}: ${answers.length} answered (last 2 s: ${JSON.stringify(tally(recent.map((a) => a.code ?? "OK")))}), ${writes.filter((w) => w.acknowledged).length} writes acknowledged`;
    });
    // /health is polled from a thread of its own, at normal priority: its latency is the server's,
    // not this process's clients' queue.
    const healthPoller = pollApart(healthUrl, 50);
    const loops = [poll(readyUrl, ready, 100), ...Array.from({ length: options.clients }, (_, n) => client(n))];

    // Load runs at least --before seconds, and until every client has had an answer and a write
    // was acknowledged (a cold server on a busy machine once answered nothing in 5 s): bounded.
    const warm = () => new Set(answers.map((a) => a.client)).size === options.clients && writes.some((w) => w.acknowledged);
    const warmBy = performance.now() + 120_000;
    await sleep(options.beforeSeconds * 1000);
    while (!warm() && performance.now() < warmBy) await sleep(200);
    if (!warm()) note("the server did not answer every client before the kill; killing Neo4j anyway");
    phase.name = "Neo4j killed";
    const killedAt = performance.now();
    const killedAtEpoch = Date.now();
    process.kill(neo4j.pid, "SIGKILL");
    note(`killed Neo4j (pid ${neo4j.pid}, SIGKILL)`);
    await sleep(options.downSeconds * 1000);
    phase.name = "Neo4j restarting";
    const restartAt = performance.now();
    const answering = firstAnswer(`bolt://127.0.0.1:${options.neo4jPort}`, () => running);
    neo4j = await startEmbedded(neo4jOptions, log);
    const backAt = performance.now();
    const databaseAnswersAt = await answering;
    phase.name = "Neo4j back";
    note(`Neo4j is back after ${Math.round(backAt - restartAt)} ms of start-up`);
    // Not ready a minute after Neo4j is back: reported as a missed target, with every other figure.
    await waitFor(async () => ready.some((a) => a.started >= databaseAnswersAt && a.status === 200), 60_000, server).catch(() =>
      note("the server was not ready 60 s after Neo4j was back"),
    );
    phase.name = "after";
    await sleep(options.afterSeconds * 1000);
    running = false;
    await Promise.all(loops);
    health.push(...(await healthPoller.stop()));
    stopProgress();
    const scriptCpu = process.cpuUsage(scriptCpuAtStart);
    const scriptCpuPercent = Math.round(
      ((scriptCpu.user + scriptCpu.system) / 1000 / (performance.now() - scriptStartedAt)) * 100,
    );

    // Read back, straight from Neo4j: every acknowledged write once, none twice.
    const db = new Database(
      { uri: neo4j.uri, user: "neo4j", password: "neo4j", database: "neo4j" },
      { queryTimeoutMs: 60_000, acquireTimeoutMs: 30_000 },
    );
    const stored = new Map<string, number>();
    try {
      const result = await db.read("MATCH (e:Entity) WHERE e.id STARTS WITH $run RETURN e.id AS id, count(*) AS n", {
        run: `${run}-`,
      });
      for (const record of result.records) stored.set(record.get("id"), Number(record.get("n")));
    } finally {
      await db.close();
    }

    const acknowledged = writes.filter((w) => w.acknowledged);
    const lost = acknowledged.filter((w) => !stored.has(w.id)).length;
    const duplicated = [...stored.values()].filter((n) => n > 1).length;
    const firstUnavailable = answers
      .filter((a) => a.ended >= killedAt && a.code === "DB_UNAVAILABLE")
      .reduce((min, a) => Math.min(min, a.ended), Number.POSITIVE_INFINITY);
    // Answers that overlap the outage (Neo4j down, or starting again): how long each waited in it.
    const during = answers.filter((a) => a.ended > killedAt && a.started < backAt);
    const waited = during.map((a) => a.ended - Math.max(a.started, killedAt));
    // The first /ready 200 asked once the database answered: from then, and from the restart.
    const readyAt = ready.find((a) => a.started >= databaseAnswersAt && a.status === 200)?.ended;
    const readyAfterAnswersMs = readyAt === undefined ? null : round(readyAt - databaseAnswersAt);
    const readyAfterRestartMs = readyAt === undefined ? null : round(readyAt - restartAt);
    const outageEnd = readyAt ?? performance.now();
    const refusals = answers.filter((a) => a.ended >= killedAt && a.ended <= outageEnd && a.code === "DB_UNAVAILABLE").length;
    const serverLoop = eventLoopReports(
      path.join(options.home, "server.log"),
      killedAtEpoch,
      killedAtEpoch + (outageEnd - killedAt),
    );
    const healthLatency = percentiles(health.map((a) => a.ms));
    const slowest = waited.length ? round(Math.max(...waited)) : null;

    return {
      figures: {
        server: base.toString(),
        neo4j: neo4j.uri,
        clients: options.clients,
        writers: options.writers,
        phasesSeconds: { before: options.beforeSeconds, down: options.downSeconds, after: options.afterSeconds },
        requests: answers.length,
        killToFirstDbUnavailableMs: Number.isFinite(firstUnavailable) ? round(firstUnavailable - killedAt) : null,
        loadAverage: { atStart: loadAverageAtStart.map((n) => round(n)), atEnd: os.loadavg().map((n) => round(n)) },
        honourRetryAfter: options.honourRetryAfter,
        outage: {
          neo4jDownMs: round(restartAt - killedAt),
          neo4jRestartMs: round(backAt - restartAt),
          databaseAnswersAfterRestartMs: round(databaseAnswersAt - restartAt),
          refusalsPerSecond: round(refusals / ((outageEnd - killedAt) / 1000)),
          answers: during.length,
          outcomes: tally(during.map((a) => a.code ?? "OK")),
          slowestAnswerMs: slowest,
          answerMs: percentiles(waited),
        },
        health: { polls: health.length, failed: health.filter((a) => a.status !== 200).length, latencyMs: healthLatency },
        ready: {
          polls: ready.length,
          afterDatabaseAnswersMs: readyAfterAnswersMs,
          afterProcessRestartMs: readyAfterRestartMs,
          notReadyPolls: ready.filter((a) => a.status !== 200).length,
        },
        writes: {
          attempted: writes.length,
          acknowledged: acknowledged.length,
          failed: tally(writes.filter((w) => !w.acknowledged).map((w) => w.code ?? "NO_ID")),
          stored: stored.size,
          unacknowledgedButStored: writes.filter((w) => !w.acknowledged && stored.has(w.id)).length,
          lost,
          duplicated,
        },
        outcomes: tally(answers.map((a) => a.code ?? "OK")),
        serverDuringOutage: serverLoop,
        loadScriptCpuPercent: scriptCpuPercent,
      },
      targets: [
        target("slowest answer during the outage", slowest, OUTAGE_TARGETS.outageAnswerMs, "ms"),
        target("/health max latency", healthLatency.max, OUTAGE_TARGETS.healthMs, "ms"),
        target("/ready 200 after the database answers", readyAfterAnswersMs, OUTAGE_TARGETS.readyMs, "ms"),
        target("acknowledged writes lost", lost, 0, "writes"),
        target("writes duplicated", duplicated, 0, "writes"),
        target("acknowledged writes", acknowledged.length, 1, "writes", true),
      ],
    };
  } finally {
    process.removeListener("SIGINT", interrupted);
    await cleanUp();
  }
}

/** The service as `npm start` runs it (tsx), on 127.0.0.1, pointed at the outage Neo4j. */
function startServer(options: OutageOptions, neo4jUri: string, secret: string): ChildProcess {
  fs.mkdirSync(options.home, { recursive: true });
  const logFile = fs.openSync(path.join(options.home, "server.log"), "w");
  const child = spawn(process.execPath, ["--import", "tsx", path.join("src", "main.ts")], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: "127.0.0.1",
      NEO4J_URI: neo4jUri,
      NEO4J_USER: "neo4j",
      NEO4J_PASSWORD: "neo4j",
      KG_API_TOKENS: `load:${secret}`,
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      KG_EVENT_LOOP_REPORT_MS: "500",
    },
    stdio: ["ignore", logFile, logFile],
  });
  fs.closeSync(logFile);
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * When the database first answers a query (performance.now()): `RETURN 1` every 50 ms through a
 * driver of this script's own, from now until it answers or `going()` turns false.
 */
async function firstAnswer(uri: string, going: () => boolean, giveUpMs = Number.POSITIVE_INFINITY): Promise<number> {
  const giveUpAt = performance.now() + giveUpMs;
  const driver = neo4jDriver.driver(uri, neo4jDriver.auth.basic("neo4j", "neo4j"), {
    connectionTimeout: 1_000,
    connectionAcquisitionTimeout: 2_000,
    maxTransactionRetryTime: 0,
  });
  try {
    while (going()) {
      if (performance.now() > giveUpAt) throw new Error(`the database did not answer within ${giveUpMs / 1000} s`);
      const session = driver.session({ database: "neo4j", defaultAccessMode: neo4jDriver.session.READ });
      try {
        await session.run("RETURN 1", {}, { timeout: 2_000 });
        return performance.now();
      } catch {
        await sleep(50);
      } finally {
        await session.close().catch(() => {});
      }
    }
    return performance.now();
  } finally {
    await driver.close().catch(() => {});
  }
}

/** The server's event-loop reports (src/event-loop.ts) logged between two epoch ms: worst delay and CPU. */
function eventLoopReports(logFile: string, from: number, to: number) {
  const reports: Array<{ eventLoopDelayMs: { p99: number; max: number }; cpuPercent: number }> = [];
  for (const line of fs.readFileSync(logFile, "utf8").split("\n")) {
    if (!line.includes('"eventLoopDelayMs"')) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.time >= from && entry.time <= to + 500) reports.push(entry);
    } catch {
      // not a log line of ours
    }
  }
  const worst = (pick: (r: (typeof reports)[number]) => number) => (reports.length ? Math.max(...reports.map(pick)) : null);
  return {
    reports: reports.length,
    eventLoopDelayMaxMs: worst((r) => r.eventLoopDelayMs.max),
    eventLoopDelayP99WorstMs: worst((r) => r.eventLoopDelayMs.p99),
    cpuPercentWorst: worst((r) => r.cpuPercent),
  };
}

/** Polls `check` every 100 ms until it holds; throws after `timeoutMs`, or when the server exits. */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number, server: ChildProcess): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}; see its log`);
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`gave up waiting after ${timeoutMs / 1000} s`);
}
