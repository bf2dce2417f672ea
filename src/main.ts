/**
 * `npm start`: finds or starts Neo4j, applies constraints, seeds the article when the database
 * holds no entity, and serves GraphQL (with GraphiQL) at http://HOST:PORT/graphql.
 * SIGTERM/SIGINT: stop accepting, drain in-flight requests, close the driver, stop the
 * embedded Neo4j if this process started it.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { loadConfig } from "./config.js";
import { Database } from "./db/database.js";
import { provisionDatabase } from "./db/provision.js";
import { reportEventLoop } from "./event-loop.js";
import { frontDoor } from "./http/front-door.js";
import { createLogger } from "./logger.js";
import { corsHeadersFor } from "./plugins/cors.js";
import { createServer } from "./server.js";
import { prepareDatabase } from "./start-up.js";
import { warmUp } from "./warm-up.js";

const config = loadConfig();
const log = createLogger("kg-server", config.LOG_LEVEL);

async function main() {
  const target = await provisionDatabase(config, log);
  const db = new Database(target, {
    queryTimeoutMs: config.KG_QUERY_TIMEOUT_MS,
    acquireTimeoutMs: config.KG_DB_ACQUIRE_TIMEOUT_MS,
    log,
  });
  let servers: Array<Server | undefined> = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Stop accepting first, then say so: whoever reads the line may rely on it.
    const drained = servers.map((server) => server && new Promise<void>((resolve) => server.close(() => resolve())));
    log.info({ signal }, "shutting down: draining requests");
    await Promise.all(drained);
    await db.close();
    await target.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  let warm = false;
  let prepared = false;
  const yoga = createServer({ db, config, log, warmedUp: () => warm });
  // /health, and refusals while the database is gone (or not prepared yet), answered before yoga
  // builds a Fetch Request.
  const handler = frontDoor(yoga as unknown as RequestListener, {
    graphqlPath: yoga.graphqlEndpoint,
    databaseAvailable: () => prepared && db.available,
    corsHeaders: corsHeadersFor(config.KG_CORS_ORIGINS),
  });
  if (config.KG_EVENT_LOOP_REPORT_MS) reportEventLoop(log, config.KG_EVENT_LOOP_REPORT_MS);
  // Listening before the database is prepared: while start-up waits for it (up to
  // KG_SETUP_TIMEOUT_MS) or seeds it, /health answers, so that a liveness probe does not kill a
  // process that is only waiting; /ready and GraphQL answer 503 (DB_UNAVAILABLE, Retry-After).
  // "localhost" means both loopback addresses, so clients that resolve it to ::1 find us too.
  const hosts = config.HOST === "localhost" ? ["127.0.0.1", "::1"] : [config.HOST];
  servers = await Promise.all(hosts.map((host, i) => listen(handler, host, config.PORT, i > 0)));
  log.info({ hosts, port: config.PORT }, "listening; /ready says 503 until the database is prepared");
  try {
    await prepareDatabase(db, config, log);
  } catch (error) {
    // The message says what to fix (start-up.ts): the line an operator reads first.
    log.fatal({ err: error }, `could not prepare the database: ${error instanceof Error ? error.message : String(error)}`);
    for (const server of servers) server?.close();
    await db.close();
    await target.stop();
    process.exit(1);
  }
  prepared = true;
  const url = `http://${config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST}:${config.PORT}/graphql`;
  log.info({ url, database: target.origin }, `GraphiQL: ${url}`);
  // Ready once warm: the first heavy requests of a cold process made others wait (README, "Load").
  void warmUp(yoga, log).finally(() => {
    warm = true;
  });
}

/** Listens on one address; an optional address that cannot be bound (no IPv6) is skipped. */
function listen(handler: RequestListener, host: string, port: number, optional: boolean): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createHttpServer(handler);
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    server.once("error", (error) => {
      if (optional) {
        log.debug({ host, err: error }, "address not available; skipped");
        resolve(undefined);
      } else reject(error);
    });
    server.listen(port, host, () => resolve(server));
  });
}

main().catch((error) => {
  log.fatal({ err: error }, error instanceof Error ? error.message : "start-up failed");
  process.exit(1);
});
