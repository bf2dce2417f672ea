/**
 * What `npm start` does to the database before it listens: constraints, the article's content
 * when KG_SEED_ON_START is on and the database holds no entity, and the strongest-link shortcuts
 * of stores written before them or bulk-loaded. A function of its own so tests call what the
 * server calls.
 */
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { applyConstraints } from "./db/schema-setup.js";
import { seedArticleIfEmpty } from "./graph/seed-on-start.js";
import { ensureStrongestLinks } from "./graph/strongest-links.js";
import type { Logger } from "./logger.js";

/** Prepares the database; true when the article's content was seeded. */
export async function prepareDatabase(db: Database, config: Pick<Config, "KG_SEED_ON_START">, log: Logger): Promise<boolean> {
  await applyConstraints(db);
  const seeded = config.KG_SEED_ON_START ? await seedArticleIfEmpty(db, log) : false;
  await ensureStrongestLinks(db, log);
  return seeded;
}
