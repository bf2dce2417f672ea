/**
 * `npm start` (src/main.ts) as it meets the database and as it stops: the article is seeded once
 * into an empty database and never over existing entities or with KG_SEED_ON_START=false
 * (prepareDatabase, what main.ts calls); and SIGTERM lets the request in flight finish before
 * the process exits 0 (the real server, as a child process, on a free port). A first start with
 * every core kept busy and the smallest request timeout still seeds the article. A first start
 * before the database answers waits for it (a Neo4j of the test's own, started on
 * NEO4J_OUTAGE_PORT once the waiting has begun); a setting or data to fix fails at once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { Database, toPlain } from "../src/db/database.js";
import { type EmbeddedHandle, runningLauncher, startEmbedded, stopLauncher } from "../src/db/embedded.js";
import { applyConstraints } from "../src/db/schema-setup.js";
import { loadBundleFiles } from "../src/graph/import.js";
import { SEED_DIR } from "../src/graph/seed-on-start.js";
import { prepareDatabase } from "../src/start-up.js";
import { clearGraph, graphSnapshot, testDatabase, testLog } from "./helpers.js";

// Writing the whole article in one transaction may take a while on a busy machine.
const db = testDatabase({ queryTimeoutMs: 120_000 });
afterAll(async () => {
  await clearGraph(db);
  await db.close();
});

const count = async (cypher: string) => toPlain((await db.read(cypher)).records[0]?.get("n")) as number;
const configWith = (seedOnStart: string) => loadConfig({ ...process.env, KG_SEED_ON_START: seedOnStart });

describe("KG_SEED_ON_START", () => {
  it("seeds the article's content into an empty database, once", { timeout: 600_000 }, async () => {
    await clearGraph(db);
    const { bundle } = await loadBundleFiles([SEED_DIR]);
    expect(await prepareDatabase(db, configWith("true"), testLog)).toBe(true);
    expect(await count("MATCH (e:Entity) RETURN count(e) AS n")).toBe(bundle.entities.length);
    expect(await count("MATCH (c:Claim) RETURN count(c) AS n")).toBe(bundle.claims.length);
    const seeded = await graphSnapshot(db);
    // A second start finds entities and writes nothing.
    expect(await prepareDatabase(db, configWith("true"), testLog)).toBe(false);
    expect(await graphSnapshot(db)).toBe(seeded);
  });

  it("writes nothing when the database already holds an entity", async () => {
    await clearGraph(db);
    await db.write((tx) => tx.run("CREATE (:Entity {id: 'already-here', name: 'Already here', kind: 'PHENOTYPE'})"));
    const before = await graphSnapshot(db);
    expect(await prepareDatabase(db, configWith("true"), testLog)).toBe(false);
    expect(await graphSnapshot(db)).toBe(before);
    expect(await count("MATCH (n) WHERE NOT n:GraphVersion RETURN count(n) AS n")).toBe(1);
  });

  it("writes nothing when set to false, even into an empty database", async () => {
    await clearGraph(db);
    expect(await prepareDatabase(db, configWith("false"), testLog)).toBe(false);
    expect(await count("MATCH (n) WHERE NOT n:GraphVersion RETURN count(n) AS n")).toBe(0);
  });
});

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, waited: () => lines.filter((l) => l.msg === "start-up: waiting for the database") };
}

const setupConfig = (timeoutMs = 600_000) => ({ KG_SEED_ON_START: false, KG_SETUP_TIMEOUT_MS: timeoutMs });
const databaseAt = (uri: string, database = "neo4j") =>
  new Database({ uri, user: "neo4j", password: "neo4j", database }, { queryTimeoutMs: 120_000, acquireTimeoutMs: 10_000 });

/** Whether anything accepts connections on a loopback port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) =>
    net
      .connect(port, "127.0.0.1")
      .once("connect", function (this: net.Socket) {
        this.destroy();
        resolve(true);
      })
      .once("error", () => resolve(false)),
  );

describe("a first start before the database answers", () => {
  const port = Number(process.env.NEO4J_OUTAGE_PORT ?? 7690);
  // A store of its own: Community Edition runs one process per store directory.
  const options = {
    home: path.join(PROJECT_ROOT, ".neo4j", "first-start"),
    port,
    heap: "512m",
    pagecache: "64m",
    txTimeoutSeconds: 60,
    detached: false,
  };
  let neo4j: EmbeddedHandle | undefined;
  afterAll(async () => {
    await neo4j?.stop();
  });

  it("waits for a Neo4j that comes up after start-up began, then prepares it", { timeout: 600_000 }, async () => {
    // Left over from an interrupted run of this test: stopped, so that the start really comes later.
    const leftover = runningLauncher(options.home);
    if (leftover) await stopLauncher(leftover.pid, testLog);
    expect(await listening(port)).toBe(false);

    const db = databaseAt(`bolt://127.0.0.1:${port}`);
    const { log, lines, waited } = capturedLog();
    try {
      const preparing = prepareDatabase(db, setupConfig(), log);
      const outcome = preparing.then(
        (seeded) => ({ seeded }),
        (error: Error) => ({ error }),
      );
      // Start-up has begun and is waiting: only now does the database start.
      await expect.poll(() => waited().length, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(1);
      neo4j = await startEmbedded(options, testLog);
      expect(await outcome).toEqual({ seeded: false });

      // Each attempt said how long it had waited and for what, with growing pauses.
      const attempts = waited();
      expect(attempts[0]).toMatchObject({ attempt: 1, retryInMs: 500, waitedMs: expect.any(Number) });
      expect(String(attempts[0]?.waitingFor)).toContain(`bolt://127.0.0.1:${port}`);
      expect(attempts.map((a) => a.retryInMs)).toEqual(attempts.map((_, i) => Math.min(5_000, 500 * 2 ** i)));
      expect(lines.at(-1)?.msg).toBe("start-up: database ready");
      // It was prepared: the constraints are there.
      const constraints = await db.read("SHOW CONSTRAINTS YIELD name WHERE name = 'entity_id' RETURN count(*) AS n");
      expect(toPlain(constraints.records[0]?.get("n"))).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("gives up after KG_SETUP_TIMEOUT_MS, naming the setting", async () => {
    const db = databaseAt(`bolt://127.0.0.1:${await freePort()}`);
    const { log, waited } = capturedLog();
    try {
      await expect(prepareDatabase(db, setupConfig(1_000), log)).rejects.toThrow(/KG_SETUP_TIMEOUT_MS.*NEO4J_URI/);
      expect(waited().length).toBeGreaterThanOrEqual(1);
    } finally {
      await db.close();
    }
  });

  it("fails at once on an unknown database, naming NEO4J_DATABASE", async () => {
    const db = databaseAt(process.env.NEO4J_URI as string, "no-such-database");
    const { log, waited } = capturedLog();
    try {
      await expect(prepareDatabase(db, setupConfig(), log)).rejects.toThrow(
        /no database "no-such-database": check NEO4J_DATABASE/,
      );
      expect(waited()).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("fails at once when the data breaks a constraint, saying so", async () => {
    await clearGraph(db);
    await db.write((tx) => tx.run("DROP CONSTRAINT entity_id IF EXISTS"));
    const { log, waited } = capturedLog();
    try {
      await db.write((tx) => tx.run("CREATE (:Entity {id: 'twin', name: 'One'}), (:Entity {id: 'twin', name: 'Two'})"));
      await expect(prepareDatabase(db, setupConfig(), log)).rejects.toThrow(
        /"applying constraints" failed \(Neo\.\w+\.Schema\.\w+: .*twin.*\); the database holds data that breaks a constraint/s,
      );
      expect(waited()).toEqual([]);
    } finally {
      await clearGraph(db);
      await applyConstraints(db);
    }
  });
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The child's JSON log lines as they come, and a way to wait for one. */
function logOf(child: ChildProcess) {
  const lines: Array<Record<string, unknown>> = [];
  const waiting: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: () => void }> = [];
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const text of complete) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text);
      } catch {
        continue; // not a log line
      }
      lines.push(line);
      for (const w of [...waiting]) if (w.match(line)) w.resolve();
    }
  });
  const waitFor = (match: (line: Record<string, unknown>) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (lines.some(match)) return resolve();
      const onExit = (code: number | null) => reject(new Error(`the server exited (${code}) before logging ${what}`));
      child.once("exit", onExit);
      waiting.push({
        match,
        resolve: () => {
          child.off("exit", onExit);
          resolve();
        },
      });
    });
  return { lines, waitFor };
}

/** Processes that keep every core busy until stopped: a machine shared with heavy work. */
function busyMachine(): () => void {
  const hogs = Array.from({ length: os.availableParallelism() }, () =>
    spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
  );
  return () => {
    for (const hog of hogs) hog.kill("SIGKILL");
  };
}

describe("npm start while its database does not answer", () => {
  // It listens before it prepares the database: a liveness probe finds it alive, and clients
  // are told to come back (not a refused connection), however long start-up waits.
  it("answers /health, and 503 DB_UNAVAILABLE to /ready and GraphQL", { timeout: 240_000 }, async () => {
    const port = await freePort();
    const nothingThere = await freePort();
    const child = spawn(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["src/main.ts"], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        NEO4J_URI: `bolt://127.0.0.1:${nothingThere}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const log = logOf(child);
    try {
      await log.waitFor((l) => l.msg === "start-up: waiting for the database", "that it waits for the database");
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(503);
      const answer = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: JSON.stringify({ query: "{ stats { entities } }" }),
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("1");
      expect((await answer.json()).errors[0].extensions.code).toBe("DB_UNAVAILABLE");
      expect(log.lines.some((l) => typeof l.msg === "string" && l.msg.startsWith("GraphiQL: "))).toBe(false);
    } finally {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // ESRCH: the group is gone
      }
    }
  });
});

describe("a first start on a busy machine", () => {
  // The proof for "npm start needs no configuration": the article is seeded under
  // KG_SETUP_TIMEOUT_MS, not the per-request timeout, which is set here to its smallest value
  // (100 ms) while every core is kept busy. The test waits for states (log lines, the seeded
  // graph), never for a duration.
  it("seeds the article and serves, whatever the request timeout", { timeout: 900_000 }, async () => {
    await clearGraph(db);
    const { bundle } = await loadBundleFiles([SEED_DIR]);
    const stopHogs = busyMachine();
    const port = await freePort();
    const child = spawn(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["src/main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", KG_QUERY_TIMEOUT_MS: "100" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const log = logOf(child);
    try {
      await log.waitFor((l) => typeof l.msg === "string" && l.msg.startsWith("GraphiQL: "), "that it listens");
      expect(log.lines.some((l) => l.msg === "seeded the article's content")).toBe(true);
      // Progress was shown step by step while it seeded.
      expect(log.lines.filter((l) => String(l.msg).startsWith("seeding: writing ")).length).toBeGreaterThanOrEqual(5);
    } finally {
      stopHogs();
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // ESRCH: the group is gone
      }
    }
    expect(await count("MATCH (e:Entity) RETURN count(e) AS n")).toBe(bundle.entities.length);
    expect(await count("MATCH (c:Claim) RETURN count(c) AS n")).toBe(bundle.claims.length);
  });
});

describe("SIGTERM", () => {
  it("lets the request in flight finish, then exits 0", { timeout: 240_000 }, async () => {
    const port = await freePort();
    // `npm start` without npm: tsx passes SIGTERM on to the server's process and exits with its
    // code. (npx does not pass signals on: it would die of the SIGTERM itself.)
    const child = spawn(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["src/main.ts"], {
      cwd: PROJECT_ROOT,
      // NEO4J_URI and friends: the test database the global set-up provides.
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", KG_SEED_ON_START: "false" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so that a failed test can end tsx and the server together
    });
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    const stderr: string[] = [];
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const log = logOf(child);
    try {
      await log.waitFor((l) => typeof l.msg === "string" && l.msg.startsWith("GraphiQL: "), "that it listens");

      // A request whose body is still on its way: in flight for as long as the test holds it.
      // `Expect: 100-continue` makes the server say when it has read the headers and begun it.
      const body = JSON.stringify({ query: "{ stats { entities claims } }" });
      const request = http.request({
        host: "127.0.0.1",
        port,
        path: "/graphql",
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          "content-length": Buffer.byteLength(body),
          expect: "100-continue",
        },
      });
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        request.on("response", (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        request.on("error", reject);
      });
      request.flushHeaders();
      await once(request, "continue");

      child.kill("SIGTERM");
      await log.waitFor((l) => l.msg === "shutting down: draining requests", "that it drains");
      // No new connection is accepted while it drains.
      await expect(
        new Promise((resolve, reject) => net.connect(port, "127.0.0.1").on("connect", resolve).on("error", reject)),
      ).rejects.toMatchObject({ code: "ECONNREFUSED" });

      request.end(body);
      const answer = await response;
      expect(answer.status).toBe(200);
      const json = JSON.parse(answer.text);
      expect(json.errors).toBeUndefined();
      expect(json.data.stats).toEqual({ entities: expect.any(Number), claims: expect.any(Number) });

      const [code, signal] = await exited;
      expect({ code, signal, stderr: stderr.join("") }).toMatchObject({ code: 0, signal: null });
      expect(log.lines.some((l) => l.msg === "stopped")).toBe(true);
    } finally {
      // Whatever is left of the group (nothing, when the test passed).
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // ESRCH: the group is gone
      }
    }
  });
});
