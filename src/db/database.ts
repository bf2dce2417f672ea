/**
 * The one thin module through which everything talks to Neo4j: a single driver per process,
 * read and write transactions with timeouts, the database always named, sessions always closed,
 * driver errors mapped to the client error vocabulary, and a count of Cypher round trips.
 */
import neo4j, { type Driver, isRetriableError, type ManagedTransaction, type QueryResult, type RecordShape } from "neo4j-driver";
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

  constructor(target: Pick<DatabaseTarget, "uri" | "user" | "password" | "database">, options: DatabaseOptions) {
    this.name = target.database;
    this.timeoutMs = options.queryTimeoutMs;
    enableTcpNoDelay();
    this.driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password), {
      connectionAcquisitionTimeout: options.acquireTimeoutMs,
      connectionTimeout: Math.min(options.acquireTimeoutMs, 5_000),
      // Retries of transient failures stop soon: a client waits seconds, not half a minute.
      maxTransactionRetryTime: Math.min(options.acquireTimeoutMs, 3_000),
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

  /** Runs `work` in one write transaction: everything it writes commits together or not at all. */
  async write<T>(work: (tx: ManagedTransaction) => Promise<T>, counter?: QueryCounter, timeoutMs = this.timeoutMs): Promise<T> {
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.WRITE });
    try {
      if (counter) counter.queries += 1;
      return await session.executeWrite(work, { timeout: timeoutMs });
    } catch (error) {
      throw fromDriverError(error);
    } finally {
      await session.close();
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
