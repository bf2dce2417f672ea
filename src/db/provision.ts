/**
 * Finds or starts a Neo4j, in the order of the design notes:
 * 1. NEO4J_URI (+ NEO4J_USER / NEO4J_PASSWORD) when set;
 * 2. a Docker engine, when one answers: the official neo4j:5.26-community image;
 * 3. otherwise the project's embedded launcher (Neo4j Community in a JVM, Bolt on 127.0.0.1).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { Config } from "../config.js";
import { PROJECT_ROOT } from "../config.js";
import type { Logger } from "../logger.js";
import { startEmbedded } from "./embedded.js";

export const NEO4J_IMAGE = "neo4j:5.26-community";

export interface DatabaseTarget {
  uri: string;
  user: string;
  password: string;
  database: string;
  origin: "uri" | "docker" | "embedded";
  /** Stops what this call started; a no-op for a server that was already there. */
  stop(): Promise<void>;
}

export function dockerEngineAnswers(): boolean {
  const result = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], {
    stdio: "ignore",
    timeout: 5_000,
  });
  return result.status === 0;
}

export interface ProvisionOptions {
  /** Leave an embedded Neo4j running after this process ends (npm run db:start). */
  detached?: boolean;
  /** Another store directory and port, e.g. so tests never touch the development data. */
  embeddedHome?: string;
  embeddedPort?: number;
}

export async function provisionDatabase(config: Config, log: Logger, options: ProvisionOptions = {}): Promise<DatabaseTarget> {
  const credentials = { user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE };
  if (config.NEO4J_URI) {
    log.info({ uri: config.NEO4J_URI }, "using the Neo4j named by NEO4J_URI");
    return { uri: config.NEO4J_URI, ...credentials, origin: "uri", stop: async () => {} };
  }
  if (dockerEngineAnswers()) {
    log.info("a Docker engine answers: starting Neo4j with docker compose");
    const result = spawnSync("docker", ["compose", "up", "-d", "--wait", "neo4j"], {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
    });
    if (result.status === 0) {
      return {
        uri: "bolt://127.0.0.1:7687",
        user: "neo4j",
        password: "neo4j",
        database: "neo4j",
        origin: "docker",
        stop: async () => {}, // the compose service outlives the server, like any database
      };
    }
    log.warn("docker compose failed; falling back to the embedded launcher");
  }
  const handle = await startEmbedded(
    {
      home: options.embeddedHome ?? config.NEO4J_EMBEDDED_HOME,
      port: options.embeddedPort ?? config.NEO4J_EMBEDDED_PORT,
      heap: config.NEO4J_EMBEDDED_HEAP,
      pagecache: config.NEO4J_EMBEDDED_PAGECACHE,
      // The server sets tighter per-transaction timeouts; this is the engine's backstop.
      txTimeoutSeconds: 120,
      detached: options.detached ?? false,
      nice: config.NEO4J_EMBEDDED_NICE,
    },
    log,
  );
  // Auth is off in the embedded engine (it listens on loopback only); any credentials pass.
  return { uri: handle.uri, ...credentials, database: "neo4j", origin: "embedded", stop: handle.stop };
}

export const TEST_EMBEDDED_HOME = path.join(PROJECT_ROOT, ".neo4j", "test");
