/**
 * The embedded Neo4j launcher (tools/neo4j-embedded): built with Maven on first use, together with
 * the chain search plugin (tools/kg-procedures -> plugins/kg-procedures.jar), started as a plain
 * `java` process that loads that plugin from its home's plugins directory, as a Neo4j server
 * does, and reused when one already serves the same store directory.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { PROJECT_ROOT } from "../config.js";
import type { Logger } from "../logger.js";

const TOOLS_DIR = path.join(PROJECT_ROOT, "tools");
const LAUNCHER_DIR = path.join(TOOLS_DIR, "neo4j-embedded");
const JAR = path.join(LAUNCHER_DIR, "target", "neo4j-embedded-1.0.0.jar");
const LIB = path.join(LAUNCHER_DIR, "target", "lib");
/** kg.beamSearch as a standard Neo4j plugin, where `npm run db:build` puts it. */
export const PLUGIN_JAR = path.join(PROJECT_ROOT, "plugins", "kg-procedures.jar");
const BUILD_INPUTS = [
  path.join(TOOLS_DIR, "pom.xml"),
  ...["neo4j-embedded", "kg-procedures"].flatMap((m) => [path.join(TOOLS_DIR, m, "pom.xml"), path.join(TOOLS_DIR, m, "src")]),
];
const READY = "NEO4J_EMBEDDED_READY ";

// The module flags Neo4j's own neo4j.conf ships for Java 17.
const JVM_FLAGS = [
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.base/java.lang=ALL-UNNAMED",
  "-Dio.netty.tryReflectionSetAccessible=true",
  "-XX:+UseG1GC",
  "-XX:-OmitStackTraceInFastThrow",
];

export interface EmbeddedOptions {
  home: string;
  port: number;
  heap: string;
  pagecache: string;
  txTimeoutSeconds: number;
  /** Keep running after this process exits (db:start); otherwise it dies with us. */
  detached: boolean;
  /** How long to wait for Bolt before giving up. @default 180_000 */
  readyTimeoutMs?: number;
  /** Run the JVM this much below normal CPU priority (0: as everything else). */
  nice?: number;
}

/** Whether `nice` can be run here (coreutils; not on Windows). */
function hasNice(): boolean {
  return spawnSync("nice", ["true"], { stdio: "ignore" }).status === 0;
}

export interface EmbeddedHandle {
  uri: string;
  /** True when this call started the process (and so should stop it). */
  started: boolean;
  pid: number;
  stop(): Promise<void>;
}

class LauncherError extends Error {}

function hasCommand(cmd: string, args: string[]): boolean {
  const result = spawnSync(cmd, args, { stdio: "ignore" });
  return result.status === 0;
}

function newestMtime(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(file, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function buildIsCurrent(): boolean {
  const outputs = [JAR, PLUGIN_JAR];
  if (!fs.existsSync(LIB) || !outputs.every((f) => fs.existsSync(f))) return false;
  return Math.max(...BUILD_INPUTS.map(newestMtime)) <= Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs));
}

/** Builds the launcher and the plugin with Maven (npm run db:build) unless an up-to-date build is there. */
function buildLauncher(log: Logger): void {
  if (buildIsCurrent()) {
    log.debug({ jar: JAR, plugin: PLUGIN_JAR }, "embedded launcher and plugin are built");
    return;
  }
  if (!hasCommand("java", ["-version"])) {
    throw new LauncherError("Java 17+ is needed to run the embedded Neo4j (or set NEO4J_URI to an existing server).");
  }
  if (!hasCommand("mvn", ["-v"])) {
    throw new LauncherError("Maven is needed to build the embedded Neo4j launcher (or set NEO4J_URI to an existing server).");
  }
  log.info({ dir: TOOLS_DIR }, "building the embedded Neo4j launcher and plugin with Maven (first run downloads ~120 MB)");
  const started = Date.now();
  const result = spawnSync("mvn", ["-B", "-ntp", "package", "-DskipTests"], {
    cwd: TOOLS_DIR,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) {
    throw new LauncherError(`Maven build of the embedded launcher failed (exit ${result.status}).`);
  }
  // Maven leaves a jar whose classes did not change as it was: mark both built now, or a touched
  // pom.xml would send every later start through Maven again.
  const now = new Date();
  for (const jar of [JAR, PLUGIN_JAR]) fs.utimesSync(jar, now, now);
  log.info({ ms: Date.now() - started }, "embedded launcher built");
}

function pidFile(home: string): string {
  return path.join(home, "launcher.pid");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function boltAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** The launcher already serving this store, if any: Community Edition allows one per store. */
export function runningLauncher(home: string): { pid: number; port: number } | undefined {
  try {
    const [pid, port] = fs.readFileSync(pidFile(home), "utf8").trim().split(/\s+/).map(Number);
    if (pid && port && isAlive(pid)) return { pid, port };
  } catch {
    // no pid file: nothing running
  }
  return undefined;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return !isAlive(pid);
}

/** Sends SIGTERM (Neo4j shuts down cleanly) and waits; SIGKILL only after 60 s. */
export async function stopLauncher(pid: number, log: Logger): Promise<void> {
  if (!isAlive(pid)) return;
  log.info({ pid }, "stopping embedded Neo4j");
  process.kill(pid, "SIGTERM");
  if (!(await waitForExit(pid, 60_000))) {
    log.warn({ pid }, "embedded Neo4j did not stop in 60 s; killing it");
    process.kill(pid, "SIGKILL");
    await waitForExit(pid, 5_000);
  }
}

export async function startEmbedded(options: EmbeddedOptions, log: Logger): Promise<EmbeddedHandle> {
  const running = runningLauncher(options.home);
  if (running && (await boltAnswers(running.port))) {
    log.info({ pid: running.pid, port: running.port }, "using the embedded Neo4j that is already running");
    return {
      uri: `bolt://127.0.0.1:${running.port}`,
      started: false,
      pid: running.pid,
      stop: async () => {},
    };
  }
  buildLauncher(log);
  // The launcher's Neo4j loads plugins from <home>/plugins. A copy, not the build's jar itself: a
  // rebuild while this Neo4j runs must not rewrite a jar its JVM has open.
  fs.mkdirSync(path.join(options.home, "plugins"), { recursive: true });
  fs.copyFileSync(PLUGIN_JAR, path.join(options.home, "plugins", path.basename(PLUGIN_JAR)));
  const args = [
    `-Xmx${options.heap}`,
    ...JVM_FLAGS,
    "-cp",
    `${JAR}${path.delimiter}${path.join(LIB, "*")}`,
    "kg.embedded.Launcher",
    "--home",
    options.home,
    "--port",
    String(options.port),
    "--pagecache",
    options.pagecache,
    "--tx-timeout",
    String(options.txTimeoutSeconds),
  ];
  log.info({ port: options.port, home: options.home }, "starting embedded Neo4j");
  const logFile = fs.openSync(path.join(options.home, "launcher.log"), "a");
  // Below the API's CPU priority (`nice`, where the system has it): on a machine shared with the
  // service, heavy traversals must not starve the process that answers small requests; the
  // database still gets every cycle nothing else wants (npm run load -- --mode fairness).
  const [command, commandArgs]: [string, string[]] =
    options.nice && hasNice() ? ["nice", ["-n", String(options.nice), "java", ...args]] : ["java", args];
  const child = spawn(command, commandArgs, {
    cwd: PROJECT_ROOT,
    detached: options.detached,
    stdio: ["ignore", "pipe", options.detached ? logFile : "pipe"],
  });
  const uri = await waitForReady(child, options, log);
  fs.closeSync(logFile);
  if (options.detached) {
    child.stdout?.destroy();
    child.unref();
  }
  const pid = child.pid as number;
  return { uri, started: true, pid, stop: () => stopLauncher(pid, log) };
}

function waitForReady(child: ChildProcess, options: EmbeddedOptions, log: Logger): Promise<string> {
  return new Promise((resolve, reject) => {
    let lastError = "";
    const timeoutMs = options.readyTimeoutMs ?? 180_000;
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new LauncherError(`embedded Neo4j did not become ready within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    if (child.stderr) {
      readline.createInterface({ input: child.stderr }).on("line", (line) => {
        try {
          const event = JSON.parse(line);
          if (event.event === "error") lastError = event.message;
          log.debug(event, "neo4j-embedded");
        } catch {
          log.trace({ line }, "neo4j-embedded output");
        }
      });
    }
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (line.startsWith(READY)) {
        clearTimeout(timer);
        log.info({ uri: line.slice(READY.length) }, "embedded Neo4j is ready");
        resolve(line.slice(READY.length).trim());
      }
    });
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new LauncherError(`could not run java: ${err.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      const logHint = options.detached ? ` (see ${path.join(options.home, "launcher.log")})` : "";
      reject(new LauncherError(`embedded Neo4j exited with code ${code}: ${lastError || "no reason given"}${logHint}`));
    });
  });
}
