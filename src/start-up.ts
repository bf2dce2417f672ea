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
 */
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { applyConstraints } from "./db/schema-setup.js";
import { seedArticleIfEmpty } from "./graph/seed-on-start.js";
import { ensureStrongestLinks } from "./graph/strongest-links.js";
import type { Logger } from "./logger.js";

const HEARTBEAT_MS = 5_000;

/** Prepares the database; true when the article's content was seeded. */
export async function prepareDatabase(
  db: Database,
  config: Pick<Config, "KG_SEED_ON_START" | "KG_SETUP_TIMEOUT_MS">,
  log: Logger,
): Promise<boolean> {
  const setupDb = db.withQueryTimeout(config.KG_SETUP_TIMEOUT_MS);
  const started = performance.now();
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
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      if (code === "TIMEOUT") {
        throw new Error(
          `start-up step "${name}" ran past KG_SETUP_TIMEOUT_MS (${config.KG_SETUP_TIMEOUT_MS} ms); raise it for a slower machine or a larger store`,
        );
      }
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  };
  await step("applying constraints", () => applyConstraints(setupDb));
  const seeded = config.KG_SEED_ON_START
    ? await step("seeding the article's content", () => seedArticleIfEmpty(setupDb, log))
    : false;
  await step("checking the strongest-link shortcuts", () => ensureStrongestLinks(setupDb, log));
  log.info({ elapsedMs: Math.round(performance.now() - started), seeded }, "start-up: database ready");
  return seeded;
}
