/**
 * `npm start`: finds or starts Neo4j, applies constraints, seeds the article when the database
 * holds no entity, and serves GraphQL (with GraphiQL) at http://HOST:PORT/graphql.
 * SIGTERM/SIGINT: stop accepting, drain in-flight requests, close the driver, stop the
 * embedded Neo4j if this process started it.
 */
import { createServer as createHttpServer } from "node:http";
import { loadConfig } from "./config.js";
import { Database } from "./db/database.js";
import { provisionDatabase } from "./db/provision.js";
import { applyConstraints } from "./db/schema-setup.js";
import { seedArticleIfEmpty } from "./graph/seed-on-start.js";
import { createLogger } from "./logger.js";
import { createServer } from "./server.js";

const config = loadConfig();
const log = createLogger("kg-server", config.LOG_LEVEL);

async function main() {
  const target = await provisionDatabase(config, log);
  const db = new Database(target, {
    queryTimeoutMs: config.KG_QUERY_TIMEOUT_MS,
    acquireTimeoutMs: config.KG_DB_ACQUIRE_TIMEOUT_MS,
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: draining requests");
    await new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    await db.close();
    await target.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  const yoga = createServer({ db, config, log });
  const http = createHttpServer((req, res) => {
    // Bodies without a declared length cannot be capped before they are read: refuse them.
    if (req.headers["transfer-encoding"] && !req.headers["content-length"]) {
      res.writeHead(411, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ errors: [{ message: "Send a Content-Length header.", extensions: { code: "LENGTH_REQUIRED" } }] }),
      );
      return;
    }
    void yoga(req, res);
  });
  http.requestTimeout = 30_000;
  http.headersTimeout = 10_000;
  try {
    await applyConstraints(db);
    if (config.KG_SEED_ON_START) await seedArticleIfEmpty(db, log);
  } catch (error) {
    log.fatal({ err: error }, "could not prepare the database");
    await db.close();
    await target.stop();
    process.exit(1);
  }
  http.listen(config.PORT, config.HOST, () => {
    const url = `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}/graphql`;
    log.info({ url, database: target.origin }, `GraphiQL: ${url}`);
  });
}

main().catch((error) => {
  log.fatal({ err: error }, error instanceof Error ? error.message : "start-up failed");
  process.exit(1);
});
