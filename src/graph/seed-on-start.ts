/** Seeds the article's curated content when the database holds no entity yet. */
import path from "node:path";
import { PROJECT_ROOT } from "../config.js";
import type { Database } from "../db/database.js";
import type { Logger } from "../logger.js";
import { importBundle, loadBundleFiles } from "./import.js";

export const SEED_DIR = path.join(PROJECT_ROOT, "seed", "data");

export async function seedArticleIfEmpty(db: Database, log: Logger): Promise<boolean> {
  const result = await db.read("RETURN EXISTS { (:Entity) } AS seeded");
  if (result.records[0]?.get("seeded")) {
    log.info("database already holds entities; not seeding");
    return false;
  }
  const { bundle, problems } = await loadBundleFiles([SEED_DIR]);
  if (problems.length) throw new Error(`seed data has ${problems.length} problem(s); run npm run seed for details`);
  const report = await importBundle(db, bundle, {
    actor: "seed",
    dryRun: false,
    log,
    // The database's own timeout for this transaction: the caller's (start-up's generous one).
    timeoutMs: db.queryTimeoutMs,
    onStep: (step) => log.info({ step }, `seeding: writing ${step}`),
  });
  log.info({ report }, "seeded the article's content");
  return true;
}
