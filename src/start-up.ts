/**
 * What `npm start` does to the database before it listens: constraints, the article's content
 * when KG_SEED_ON_START is on and the database holds no entity, and the strongest-link shortcuts
 * of stores written before them or bulk-loaded. A function of its own so tests call what the
 * server calls.
 *
 * All of it runs under KG_SETUP_TIMEOUT_MS, not the per-request KG_QUERY_TIMEOUT_MS: seeding the
 * article is one transaction that a busy machine may take half a minute to write, and a first
 * start must not fail for that. Each step is logged as it begins and ends, with a heartbeat
 * while it runs, so a slow start shows where it is.
 *
 * A database that does not answer yet (a server still starting, a database restarting) is waited
 * for, with backoff and a log line each attempt, for up to KG_SETUP_TIMEOUT_MS. Anything else
 * (credentials refused, an unknown database, data that breaks a constraint) fails at once, with a
 * message naming what to fix: waiting would not mend it.
 */
import { Neo4jError } from "neo4j-driver";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { applyConstraints } from "./db/schema-setup.js";
import { driverCause } from "./errors.js";
import { seedArticleIfEmpty } from "./graph/seed-on-start.js";
import { ensureStrongestLinks } from "./graph/strongest-links.js";
import type { Logger } from "./logger.js";

const HEARTBEAT_MS = 5_000;
/** Pauses between attempts to reach the database: from half a second, doubling, at most 5 s. */
export const SETUP_RETRY = { firstMs: 500, maxMs: 5_000 };

type SetupConfig = Pick<Config, "KG_SEED_ON_START" | "KG_SETUP_TIMEOUT_MS">;

/** Prepares the database; true when the article's content was seeded. */
export async function prepareDatabase(db: Database, config: SetupConfig, log: Logger): Promise<boolean> {
  const started = performance.now();
  const waitingFor = `Neo4j at ${db.uri} (database "${db.name}") to answer a query`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await prepareOnce(db, config, log, started);
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      // Every step is idempotent, so a database that went away halfway is simply prepared again.
      const waitedMs = Math.round(performance.now() - started);
      const retryInMs = Math.min(SETUP_RETRY.maxMs, SETUP_RETRY.firstMs * 2 ** (attempt - 1));
      if (waitedMs + retryInMs > config.KG_SETUP_TIMEOUT_MS) {
        throw new Error(
          `start-up gave up waiting for ${waitingFor} after ${waitedMs} ms (KG_SETUP_TIMEOUT_MS, ${config.KG_SETUP_TIMEOUT_MS} ms): ` +
            "check that the database is running and that NEO4J_URI points at it, or raise KG_SETUP_TIMEOUT_MS",
          { cause: driverCause(error) ?? error },
        );
      }
      log.info({ attempt, waitedMs, retryInMs, waitingFor }, "start-up: waiting for the database");
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}

async function prepareOnce(db: Database, config: SetupConfig, log: Logger, started: number): Promise<boolean> {
  const setupDb = db.withQueryTimeout(config.KG_SETUP_TIMEOUT_MS);
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const begun = performance.now();
    const elapsed = (since: number) => Math.round(performance.now() - since);
    log.info({ step: name }, `start-up: ${name}`);
    const heartbeat = setInterval(
      () => log.info({ step: name, elapsedMs: elapsed(begun) }, `start-up: still ${name}`),
      HEARTBEAT_MS,
    );
    try {
      const result = await work();
      log.info({ step: name, elapsedMs: elapsed(begun) }, `start-up: ${name} done`);
      return result;
    } catch (error) {
      throw failureOf(name, error, db, config);
    } finally {
      clearInterval(heartbeat);
    }
  };
  // A trivial query first: until the database answers, attempts log no step.
  await setupDb.read("RETURN 1").catch((error) => {
    throw failureOf("reaching the database", error, db, config);
  });
  await step("applying constraints", () => applyConstraints(setupDb));
  const seeded = config.KG_SEED_ON_START
    ? await step("seeding the article's content", () => seedArticleIfEmpty(setupDb, log))
    : false;
  await step("checking the strongest-link shortcuts", () => ensureStrongestLinks(setupDb, log));
  log.info({ elapsedMs: Math.round(performance.now() - started), seeded }, "start-up: database ready");
  return seeded;
}

const codeOf = (error: unknown) => (error as { extensions?: { code?: unknown } })?.extensions?.code;
const NO_SUCH_DATABASE = "Neo.ClientError.Database.DatabaseNotFound";

/**
 * The database cannot be reached or is not serving yet: worth waiting for. An unknown database
 * is DB_UNAVAILABLE to a request (a cluster may be moving it), but at start-up it is a setting to fix.
 */
function isUnavailable(error: unknown): boolean {
  const cause = driverCause(error);
  return codeOf(error) === "DB_UNAVAILABLE" && !(cause instanceof Neo4jError && cause.code === NO_SUCH_DATABASE);
}

/** What a failed step throws: unavailability as it is (waited for), anything else saying what to fix. */
function failureOf(step: string, error: unknown, db: Database, config: SetupConfig): unknown {
  if (isUnavailable(error)) return error;
  if (codeOf(error) === "TIMEOUT") {
    return new Error(
      `start-up step "${step}" ran past KG_SETUP_TIMEOUT_MS (${config.KG_SETUP_TIMEOUT_MS} ms); raise it for a slower machine or a larger store`,
    );
  }
  const cause = driverCause(error) ?? error;
  if (!(cause instanceof Neo4jError)) return error;
  // The database's own message is for the operator's log (never a client's), and it names the culprit.
  const said = `${cause.code}: ${cause.message}`;
  let fix = "see the database's message";
  if (cause.code.startsWith("Neo.ClientError.Security."))
    fix = `Neo4j at ${db.uri} refused the credentials: check NEO4J_USER and NEO4J_PASSWORD`;
  else if (cause.code === NO_SUCH_DATABASE) fix = `Neo4j at ${db.uri} has no database "${db.name}": check NEO4J_DATABASE`;
  else if (/Constraint(Creation|Validation)Failed$/.test(cause.code))
    fix =
      "the database holds data that breaks a constraint of schema/constraints.cypher (its message names the nodes): " +
      "remove the duplicates, or point NEO4J_URI at another database";
  else if (/^Neo\.\w+\.Schema\./.test(cause.code))
    fix =
      "an index or constraint in the database conflicts with schema/constraints.cypher (its message names it): " +
      "drop it, or point NEO4J_URI at another database";
  return new Error(`start-up step "${step}" failed (${said}); ${fix}`, { cause });
}
