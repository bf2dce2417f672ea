/**
 * The one error vocabulary a client sees. Resolvers throw `clientError(...)`; driver errors
 * pass through `fromDriverError`, so no Cypher, driver message or stack trace leaves the server.
 */
import { GraphQLError } from "graphql";
import { isRetriableError, Neo4jError } from "neo4j-driver";

export const ERROR_CODES = [
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "WRITES_DISABLED",
  "DB_UNAVAILABLE",
  "TIMEOUT",
  /** A whole-graph export beyond its bound (export/subgraph.ts). */
  "EXPORT_TOO_LARGE",
  /** A conflict between writers that outlived its retries, or no slot for a heavy request (plugins/fairness.ts). */
  "BUSY",
  /** A KGX import while another holds the import lock (kgx/import-lock.ts). */
  "IMPORT_IN_PROGRESS",
  "INTERNAL_SERVER_ERROR",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  WRITES_DISABLED: 403,
  DB_UNAVAILABLE: 503,
  TIMEOUT: 504,
  BUSY: 503,
  IMPORT_IN_PROGRESS: 409,
};

export const DB_UNAVAILABLE_MESSAGE = "The database is unavailable; try again shortly.";
/** Seconds a client refused with DB_UNAVAILABLE is told to wait (Retry-After): about when the circuit's probes will have asked again. */
export const DB_RETRY_AFTER_SECONDS = 1;
const RETRY_AFTER: Partial<Record<ErrorCode, string>> = { DB_UNAVAILABLE: String(DB_RETRY_AFTER_SECONDS) };

export function clientError(code: ErrorCode, message: string, details: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  const retryAfter = RETRY_AFTER[code];
  const http = status ? { http: { status, ...(retryAfter ? { headers: { "retry-after": retryAfter } } : {}) } } : {};
  return new GraphQLError(message, { extensions: { code, ...details, ...http } });
}

/** TIMEOUT: the request's deadline (KG_QUERY_TIMEOUT_MS) passed, or the database's transaction timeout. */
export const timeoutError = () => clientError("TIMEOUT", "The query took too long and was stopped.");

const UNAVAILABLE_CODES = new Set([
  "ServiceUnavailable",
  "SessionExpired",
  "Neo.TransientError.General.DatabaseUnavailable",
  "Neo.ClientError.Database.DatabaseNotFound",
]);
const TIMEOUT_CODES = new Set([
  "Neo.ClientError.Transaction.TransactionTimedOut",
  "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
  "Neo.TransientError.Transaction.LockClientStopped",
]);

/** Maps anything the driver throws to a client-safe error; the original is kept for the log. */
export function fromDriverError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof Neo4jError) {
    if (
      UNAVAILABLE_CODES.has(error.code) ||
      /connection acquisition timed out|Pool is closed|Failed to connect|Could not perform discovery/i.test(error.message)
    ) {
      return withOriginal(clientError("DB_UNAVAILABLE", DB_UNAVAILABLE_MESSAGE), error);
    }
    if (TIMEOUT_CODES.has(error.code) || /terminated|timed out/i.test(error.message)) {
      return withOriginal(timeoutError(), error);
    }
    // A deadlock or another transient conflict that outlived the write's retries: the same
    // request may well succeed a moment later.
    if (isRetriableError(error)) {
      return withOriginal(
        clientError("BUSY", "The graph is busy with other writes; nothing was written. Try again shortly.", { retriable: true }),
        error,
      );
    }
  }
  return withOriginal(clientError("INTERNAL_SERVER_ERROR", "Unexpected error."), error);
}

const DRIVER_CAUSE = Symbol("driverCause");

function withOriginal(graphqlError: GraphQLError, original: unknown): GraphQLError {
  // Kept off `originalError` (which error masking inspects) and off the serialised error.
  Object.defineProperty(graphqlError, DRIVER_CAUSE, { value: original, enumerable: false });
  return graphqlError;
}

/** The driver error behind a mapped error, for the server log only. */
export function driverCause(error: unknown): unknown {
  const located = error as { originalError?: unknown; [DRIVER_CAUSE]?: unknown };
  const mapped = (located.originalError ?? located) as { [DRIVER_CAUSE]?: unknown };
  return mapped[DRIVER_CAUSE];
}
