/**
 * The one thin module through which everything talks to Neo4j: a single driver per process,
 * read and write transactions with timeouts, the database always named, sessions always closed,
 * driver errors mapped to the client error vocabulary, and a count of Cypher round trips.
 */

import type { GraphQLError } from "graphql";
import neo4j, {
  type Driver,
  isRetriableError,
  type ManagedTransaction,
  Neo4jError,
  type QueryResult,
  type RecordShape,
} from "neo4j-driver";
import { clientError, fromDriverError, timeoutError } from "../errors.js";
import type { Logger } from "../logger.js";
import { Availability, PROBE_PATIENCE_MS, unavailableError } from "./availability.js";
import type { DatabaseTarget } from "./provision.js";
import { enableTcpNoDelay } from "./tcp-no-delay.js";

export interface DatabaseOptions {
  /** Transaction timeout for every read and write, in milliseconds. */
  queryTimeoutMs: number;
  /** How long to wait for a pooled connection (and so for an unreachable server). */
  acquireTimeoutMs: number;
  /** Where the circuit breaker says when the database goes away and comes back. */
  log?: Logger;
}

export type Params = Record<string, unknown>;

/**
 * How recent an answer from the database lets /ready say yes without asking again: under load
 * the answers of requests say it; idle, /ready asks.
 */
const READY_FROM_ANSWER_MS = 1_000;

/**
 * A promise that rejects with the reason of the first of `signals` to abort (at once if one
 * already has), after calling `onStop`; `dispose` stops listening. Plain listeners rather than
 * AbortSignal.any, whose dependent signals a long-lived source keeps alive on some Node versions.
 */
function stoppedBy(signals: readonly AbortSignal[], onStop: () => void) {
  let dispose = () => {};
  const promise = new Promise<never>((_, reject) => {
    const stop = (signal: AbortSignal) => {
      dispose();
      onStop();
      reject(signal.reason);
    };
    const listeners = signals.map((signal) => [signal, () => stop(signal)] as const);
    dispose = () => {
      for (const [signal, listener] of listeners) signal.removeEventListener("abort", listener);
    };
    const already = signals.find((signal) => signal.aborted);
    if (already) stop(already);
    else for (const [signal, listener] of listeners) signal.addEventListener("abort", listener, { once: true });
  });
  return { promise, dispose };
}

/**
 * The error for a call stopped by its signal: the request's deadline (TIMEOUT), the database
 * found unavailable (DB_UNAVAILABLE, the reason itself), or the client gone away.
 */
function abortErrorOf(error: unknown): GraphQLError | undefined {
  if ((error as { extensions?: { code?: string } })?.extensions?.code === "DB_UNAVAILABLE") return error as GraphQLError;
  if (!(error instanceof DOMException)) return undefined;
  if (error.name === "TimeoutError") return timeoutError();
  if (error.name === "AbortError") return clientError("TIMEOUT", "The request was cancelled.");
  return undefined;
}

/** Counts Cypher round trips; one per GraphQL request is the goal. */
export interface QueryCounter {
  queries: number;
}

export class Database {
  readonly driver: Driver;
  readonly name: string;
  /** Where the database is (for logs and start-up messages, never for clients). */
  readonly uri: string;
  private timeoutMs: number;
  private readonly availability: Availability;
  /** When the database last answered a query (Date.now()), 0 before it ever did. */
  private answeredAt = 0;

  constructor(target: Pick<DatabaseTarget, "uri" | "user" | "password" | "database">, options: DatabaseOptions) {
    this.name = target.database;
    this.uri = target.uri;
    this.timeoutMs = options.queryTimeoutMs;
    this.availability = new Availability((signal) => this.answers(signal), options.log);
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
    if (this.availability.down) throw unavailableError();
    const stops = [this.availability.signal, ...(signal ? [signal] : [])];
    try {
      try {
        return await this.readOnce<T>(cypher, params, stops);
      } catch (error) {
        if (!isRetriableError(error) || stops.some((s) => s.aborted)) throw error;
        return await this.readOnce<T>(cypher, params, stops);
      }
    } catch (error) {
      throw this.clientErrorOf(error);
    }
  }

  /**
   * One read in its own session. When a stop signal fires (the request's deadline, its client
   * gone, the database found unavailable), the call rejects at once and the session is closed
   * behind it: closing sends RESET, which ends the query on the server too.
   */
  private async readOnce<T extends RecordShape>(cypher: string, params: Params, stops: readonly AbortSignal[]) {
    // Already stopped: send nothing (a query sent now would run with no one left to end it).
    const alreadyStopped = stops.find((s) => s.aborted);
    if (alreadyStopped) throw alreadyStopped.reason;
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.READ });
    const stopped = stoppedBy(stops, () => void session.close());
    try {
      const result = await Promise.race([session.run<T>(cypher, params, { timeout: this.timeoutMs }), stopped.promise]);
      this.answeredAt = Date.now();
      return result;
    } finally {
      stopped.dispose();
      await session.close();
    }
  }

  /** A client-safe error for anything a call threw; an unreachable database opens the circuit. */
  private clientErrorOf(error: unknown): GraphQLError {
    const mapped = abortErrorOf(error) ?? fromDriverError(error);
    if (mapped.extensions.code === "DB_UNAVAILABLE") this.availability.reportUnavailable();
    return mapped;
  }

  /** The transaction timeout of every read and write through this object, in milliseconds. */
  get queryTimeoutMs(): number {
    return this.timeoutMs;
  }

  /**
   * Runs `work` in one write transaction: everything it writes commits together or not at all.
   * A conflict between writers (a deadlock) rolls the attempt back and runs `work` again after a
   * short randomised backoff (WRITE_RETRY), for as long as the write's budget lasts: `timeoutMs`,
   * the same bound a single transaction has. Any other transient failure (a pooled connection
   * the server dropped) is retried once. When the database is found unavailable meanwhile, the
   * attempt is abandoned (rolled back by closing its session) and the answer is DB_UNAVAILABLE at
   * once. What still fails is mapped (a surviving deadlock: BUSY).
   */
  async write<T>(work: (tx: ManagedTransaction) => Promise<T>, counter?: QueryCounter, timeoutMs = this.timeoutMs): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      if (this.availability.down) throw unavailableError();
      if (counter) counter.queries += 1;
      const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.WRITE });
      const abandoned = stoppedBy([this.availability.signal], () => void session.close());
      let failure: unknown;
      try {
        // Each attempt gets what is left of the budget (at least a second, so a late retry can finish).
        const attemptTimeout = Math.max(1_000, deadline - Date.now());
        const result = await Promise.race([session.executeWrite(work, { timeout: attemptTimeout }), abandoned.promise]);
        this.answeredAt = Date.now();
        return result;
      } catch (error) {
        failure = error;
      } finally {
        abandoned.dispose();
        await session.close();
      }
      const pause = retryPause(attempt);
      const until = isConflict(failure) ? deadline : attempt === 1 ? deadline : 0;
      if (!isRetriableError(failure) || Date.now() + pause >= until) throw this.clientErrorOf(failure);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * The same driver and pool under another transaction timeout: start-up work (constraints,
   * seeding) must not fail because a busy machine is slower than a request may be.
   */
  withQueryTimeout(queryTimeoutMs: number): Database {
    const view: Database = Object.create(Database.prototype);
    return Object.assign(view, this, { timeoutMs: queryTimeoutMs });
  }

  /** False while the circuit is open: the database was found gone and has not answered since. */
  get available(): boolean {
    return !this.availability.down;
  }

  /**
   * What /ready says: no while the circuit is open (at once, without asking); yes when the database
   * answered a query within the last second (the probe that closed the circuit, or any request's);
   * otherwise it asks (ping).
   */
  async ready(): Promise<boolean> {
    if (this.availability.down) return false;
    if (Date.now() - this.answeredAt < READY_FROM_ANSWER_MS) return true;
    return this.ping();
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

  /**
   * Asks the database directly, past the circuit: what the availability probe calls, in a session
   * of its own that `signal` (the probe given up) closes. The transaction timeout bounds it on the
   * database too.
   */
  private async answers(signal: AbortSignal): Promise<boolean> {
    const session = this.driver.session({ database: this.name, defaultAccessMode: neo4j.session.READ });
    const giveUp = () => void session.close().catch(() => {});
    signal.addEventListener("abort", giveUp, { once: true });
    try {
      await session.run("RETURN 1", {}, { timeout: PROBE_PATIENCE_MS });
      if (signal.aborted) return false;
      this.answeredAt = Date.now();
      return true;
    } catch {
      return false;
    } finally {
      signal.removeEventListener("abort", giveUp);
      void session.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.availability.close();
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
