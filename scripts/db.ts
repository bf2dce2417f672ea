/**
 * `npm run db:start` / `db:stop` / `db:status`: the development Neo4j, outside the server's
 * life. With NEO4J_URI set there is nothing to start; with a Docker engine, docker compose;
 * otherwise the embedded launcher, left running in the background until db:stop.
 */
import { spawnSync } from "node:child_process";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { runningLauncher, stopLauncher } from "../src/db/embedded.js";
import { dockerEngineAnswers, provisionDatabase } from "../src/db/provision.js";
import { createLogger } from "../src/logger.js";

const config = loadConfig();
const log = createLogger("kg-db", config.LOG_LEVEL);
const command = process.argv[2];

if (command === "start") {
  const target = await provisionDatabase(config, log, { detached: true });
  log.info({ uri: target.uri, origin: target.origin }, "Neo4j is up");
} else if (command === "stop") {
  const running = runningLauncher(config.NEO4J_EMBEDDED_HOME);
  if (running) await stopLauncher(running.pid, log);
  else if (!config.NEO4J_URI && dockerEngineAnswers())
    spawnSync("docker", ["compose", "stop", "neo4j"], { cwd: PROJECT_ROOT, stdio: "inherit" });
  else log.info("no embedded Neo4j is running");
} else if (command === "status") {
  const running = runningLauncher(config.NEO4J_EMBEDDED_HOME);
  log.info(
    running ? { pid: running.pid, uri: `bolt://127.0.0.1:${running.port}` } : {},
    running ? "embedded Neo4j is running" : "no embedded Neo4j is running",
  );
} else {
  log.error("usage: tsx scripts/db.ts start|stop|status");
  process.exit(2);
}
