/**
 * The one thin module through which everything talks to Neo4j: a single driver per process,
 * read and write transactions with timeouts, the database always named, sessions always closed,
 * driver errors mapped to the client error vocabulary, and a count of Cypher round trips.
 */
import neo4j, {
  type Driver,
  isRetriableError,
  type ManagedTransaction,
  Neo4jError,
  type QueryResult,
  type RecordShape,
} from "neo4j-driver";
import { fromDriverError } from "../errors.js";
import type { DatabaseTarget } from "./provision.js";
import { enableTcpNoDelay } from "./tcp-no-delay.js";

export interface DatabaseOptions {
  /** Transaction timeout for every read and write, in milliseconds. */
  queryTimeoutMs: number;
  /** How long to wait for a pooled connection (and so for an unreachable server). */
  acquireTimeoutMs: number;
}

export type Params = Record<string, unknown>;

/** Counts Cypher round trips; one per GraphQL request is the goal. */
export interface QueryCounter {
  queries: number;
}

export class Database {
  readonly driver: Driver;
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly unavailableRetryMs: number;

  constructor(target: Pick<DatabaseTarget, "uri" | "user" | "password" | "database">, options: DatabaseOptions) {
    this.name = target.database;
    this.timeoutMs = options.queryTimeoutMs;
    this.unavailableRetryMs = Math.min(options.acquireTimeoutMs, 3_000);
    enableTcpNoDelay();
    this.driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password), {
      connectionAcquisitionTimeout: options.acquireTimeoutMs,
      connectionTimeout: Math.min(options.acquireTimeoutMs, 5_000),
      // `write` retries transient failures itself, with a backoff in milliseconds where the
      // driver's starts at one second: a deadlock victim usually succeeds at once on its retry.
      maxTransactionRetryTime: 0,
      maxConnectionPoolSize: 100,
      disableLosslessIntegers: false,
    });
  }

  /**
   * Runs one read query as an auto-commit transaction in a READ session (routed to readers in a
   * cluster): one Bolt exchange (RUN+PULL) where a managed transaction needs three socket writes
   * (BEGIN, RUN, COMMIT) and waits for the COMMIT. Every GraphQL request pays this, so it is a
   * large share of a small query's cost. A read is safe to repeat, so a retriable failure (a
   * pooled connection the server dropped, a leader switch) is retried once, as a managed
   * transaction would.
   */
  async read<T extends RecordShape = RecordShape>(
    cypher: string,
    params: Params = {},
    counter?: QueryCounter,
    signal?: AbortSignal,
  ): Promise<QueryResult<T>> {
    if (counter) counter.queries += 1;
    try {
      return await this.readOnce<T>(cypher, params, signal);
    } catch (error) {
      if (!isRetriableError(error) || signal?.aborted) throw fromDriverError(error);
      try {
        return await this.readOnce<T>(cypher, params, signal);
      } catch (again) {
        throw fromDriverError(again);
      }
    }
  }

  private async readOnce<T extends RecordShape>(cypher: string, params: Params, signal?: AbortSignal) {
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.READ });
    const onAbort = () => void session.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await session.run<T>(cypher, params, { timeout: this.timeoutMs });
    } finally {
      signal?.removeEventListener("abort", onAbort);
      await session.close();
    }
  }

  /**
   * Runs `work` in one write transaction: everything it writes commits together or not at all.
   * A transient failure (a deadlock between writers, a leader switch) rolls the attempt back and
   * runs `work` again after a short randomised backoff (WRITE_RETRY), for as long as the write's
   * budget lasts: `timeoutMs`, the same bound a single transaction has, so a request never waits
   * much longer than KG_QUERY_TIMEOUT_MS. What still fails is mapped (a surviving deadlock: BUSY).
   */
  async write<T>(work: (tx: ManagedTransaction) => Promise<T>, counter?: QueryCounter, timeoutMs = this.timeoutMs): Promise<T> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.WRITE });
      let failure: unknown;
      try {
        if (counter) counter.queries += 1;
        // Each attempt gets what is left of the budget (at least a second, so a late retry can finish).
        return await session.executeWrite(work, { timeout: Math.max(1_000, deadline - Date.now()) });
      } catch (error) {
        failure = error;
      } finally {
        await session.close();
      }
      const pause = retryPause(attempt);
      // A database that does not answer gets the short budget it always had: fail fast, DB_UNAVAILABLE.
      const until = isConflict(failure) ? deadline : Math.min(deadline, started + this.unavailableRetryMs);
      if (!isRetriableError(failure) || Date.now() + pause >= until) throw fromDriverError(failure);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** True when Neo4j answers a trivial query within the acquisition timeout. */
  async ping(): Promise<boolean> {
    try {
      await this.read("RETURN 1");
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/** Backoff between write attempts: exponential from 10 ms, capped at 500 ms, each pause a random half to all of it. */
const WRITE_RETRY = { firstMs: 10, maxMs: 500 };

/** A transient conflict between transactions (a deadlock, a lock a terminated one held), not an outage. */
const isConflict = (error: unknown) => error instanceof Neo4jError && error.code.startsWith("Neo.TransientError.Transaction.");

function retryPause(attempt: number): number {
  const ceiling = Math.min(WRITE_RETRY.maxMs, WRITE_RETRY.firstMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** neo4j-driver sends JS numbers as floats; LIMIT/SKIP and integer properties need this. */
export const int = (n: number) => neo4j.int(n);

/** Converts driver values (Integers, temporals) to plain JSON-friendly JS values, deeply. */
export function toPlain(value: unknown): unknown {
  if (neo4j.isInt(value)) return (value as neo4j.Integer).toNumber();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === "object") {
    if (neo4j.isDateTime(value as never) || neo4j.isDate(value as never) || neo4j.isLocalDateTime(value as never)) {
      return (value as { toString(): string }).toString();
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
