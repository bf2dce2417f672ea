/**
 * The benchmark's servers, in a process of their own so that the load generator (autocannon, in
 * bench/run.ts) does not share their event loop. Run compiled (`node dist/bench/serve-targets.js`,
 * as a service would run in production), against NEO4J_URI. Prints one JSON line with the
 * targets' URLs once all listen; stops on SIGTERM.
 */
import { loadConfig } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { createLogger } from "../src/logger.js";
import { startNeo4jGraphql, startOurs, startRawCypher, type Target } from "./targets.js";

const log = createLogger("kg-bench-targets", "warn");
const config = loadConfig();
if (!config.NEO4J_URI) throw new Error("serve-targets needs NEO4J_URI");
const db = new Database(
  { uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE },
  { queryTimeoutMs: 60_000, acquireTimeoutMs: 10_000 },
);
const targets: Target[] = [
  await startOurs(db, log),
  await startOurs(db, log, { cache: false }),
  await startRawCypher(db),
  await startNeo4jGraphql(db),
];
process.stdout.write(`${JSON.stringify({ targets: targets.map(({ name, url }) => ({ name, url })) })}\n`);
process.once("SIGTERM", async () => {
  for (const t of targets) await t.close();
  await db.close();
  process.exit(0);
});
