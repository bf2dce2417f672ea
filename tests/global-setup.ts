/**
 * Obtains a real Neo4j for the test run, in the order of the design notes: NEO4J_URI;
 * a Docker engine (testcontainers, neo4j:5.26-community); else the embedded launcher on its own
 * port and store (.neo4j/test), so tests never touch development data. No database: the run
 * fails here, loudly; it never skips.
 *
 * Note: with NEO4J_URI set, the tests CLEAR that database. Point it at a throwaway one.
 */
import fs from "node:fs";
import { loadConfig } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { PLUGIN_JAR } from "../src/db/embedded.js";
import { type DatabaseTarget, NEO4J_IMAGE, provisionDatabase, TEST_EMBEDDED_HOME } from "../src/db/provision.js";
import { applyConstraints } from "../src/db/schema-setup.js";
import { createLogger } from "../src/logger.js";

const log = createLogger("kg-test-setup", process.env.LOG_LEVEL ?? "info");

async function fromDocker(): Promise<DatabaseTarget | undefined> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import("testcontainers");
  try {
    await getContainerRuntimeClient(); // throws when no Docker engine answers: fall back
  } catch {
    return undefined;
  }
  log.info({ image: NEO4J_IMAGE }, "starting Neo4j with testcontainers");
  const container = await new GenericContainer(NEO4J_IMAGE)
    .withEnvironment({ NEO4J_AUTH: "none" })
    // As docker-compose.yml: the chain search plugin in the image's /plugins, when it is built.
    .withCopyFilesToContainer(fs.existsSync(PLUGIN_JAR) ? [{ source: PLUGIN_JAR, target: "/plugins/kg-procedures.jar" }] : [])
    .withExposedPorts(7687)
    .withWaitStrategy(Wait.forLogMessage(/Started\./))
    .start();
  return {
    uri: `bolt://${container.getHost()}:${container.getMappedPort(7687)}`,
    user: "neo4j",
    password: "neo4j",
    database: "neo4j",
    origin: "docker",
    stop: async () => void (await container.stop()),
  };
}

let target: DatabaseTarget | undefined;

export async function setup() {
  const config = loadConfig();
  try {
    target = config.NEO4J_URI ? undefined : await fromDocker();
    target ??= await provisionDatabase(config, log, {
      // NEO4J_TEST_HOME and NEO4J_TEST_PORT let two test runs on one machine keep apart.
      embeddedHome: process.env.NEO4J_TEST_HOME ?? TEST_EMBEDDED_HOME,
      embeddedPort: Number(process.env.NEO4J_TEST_PORT ?? 7688),
    });
  } catch (error) {
    throw new Error(
      `Tests need a real Neo4j and none could be found or started: ${(error as Error).message}. ` +
        "Set NEO4J_URI, start a Docker engine, or install Java 17 and Maven for the embedded launcher.",
    );
  }
  const db = new Database(target, { queryTimeoutMs: 60_000, acquireTimeoutMs: 10_000 });
  try {
    if (!(await db.ping())) throw new Error(`Neo4j at ${target.uri} does not answer`);
    await applyConstraints(db);
  } finally {
    await db.close();
  }
  process.env.NEO4J_URI = target.uri;
  process.env.NEO4J_USER = target.user;
  process.env.NEO4J_PASSWORD = target.password;
  process.env.NEO4J_DATABASE = target.database;
  // Only the embedded launcher is sure to load the native chain search plugin (graph/native-search.ts).
  process.env.KG_TEST_NEO4J_ORIGIN = target.origin;
  log.info({ uri: target.uri, origin: target.origin }, "tests use this Neo4j");
}

export async function teardown() {
  await target?.stop();
}
