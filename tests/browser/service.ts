/**
 * The real service for the browser tests: `npm start` as a child process on its own port, with
 * its own embedded Neo4j (port and store), waited for by state (/ready answers 200), stopped by
 * SIGTERM (which drains and stops its Neo4j) when the tests end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config.js";

export interface RunningService {
  origin: string;
  stop(): Promise<void>;
  output(): string;
}

export async function startService(): Promise<RunningService> {
  const port = Number(process.env.BROWSER_TEST_PORT ?? 4199);
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn("npm", ["start"], {
    cwd: PROJECT_ROOT,
    // Its own process group, so that stopping it reaches npm, tsx and node alike.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      NEO4J_URI: process.env.BROWSER_TEST_NEO4J_URI ?? "",
      NEO4J_EMBEDDED_PORT: process.env.BROWSER_TEST_NEO4J_PORT ?? "7699",
      NEO4J_EMBEDDED_HOME: process.env.BROWSER_TEST_NEO4J_HOME ?? path.join(PROJECT_ROOT, ".neo4j", "browser"),
      // A fresh JVM on a busy machine seeds slowly; the tests wait for states, not durations.
      KG_QUERY_TIMEOUT_MS: "120000",
      KG_DB_ACQUIRE_TIMEOUT_MS: "60000",
      // The explorer asks for several traversals at once; on a busy machine they wait their turn.
      KG_BUSY_WAIT_MS: "60000",
      LOG_LEVEL: "warn",
    },
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 60_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 8 * 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${log}`);
    const ready = await fetch(`${origin}/ready`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not become ready:\n${log}`);
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 500))]);
  }
  return { origin, stop, output: () => log };
}
