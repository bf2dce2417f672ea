/**
 * The request context every resolver, plugin and read helper gets. It sits below the schema, the
 * translate layer and the graph helpers, so it depends on none of them: the traversal cache and
 * the native-search probe are declared by what a request uses of them (graph/traversal-cache.ts
 * and graph/native-search.ts provide the classes).
 */
import type { Database, Params, QueryCounter } from "./db/database.js";
import type { Logger } from "./logger.js";

/** A read's values as plain JS, shaped by its Cypher projection. */
// biome-ignore lint/suspicious/noExplicitAny: values are shaped by the Cypher projection
export type Row = Record<string, any>;

/** A built query's parameters (translate/cypher.ts CypherBuilder). */
export interface QueryParams {
  readonly params: Params;
}

/** Traversal reads answered while the graph is unchanged (graph/traversal-cache.ts). */
export interface TraversalReads {
  readOne(ctx: Context, cypher: string, q: QueryParams): Promise<Row | null>;
}

/** Whether the database has the kg.beamSearch procedure (graph/native-search.ts). */
export interface NativeSearchProbe {
  available(): Promise<boolean>;
}

/**
 * Slots for traversal queries on the database (plugins/fairness.ts WorkGate): a release function,
 * or undefined when none came free in time.
 */
export interface TraversalSlots {
  enter(maxWaitMs: number, signal?: AbortSignal): Promise<(() => void) | undefined>;
}

export interface Context {
  db: Database;
  /** Cypher round trips made for this request (a test asserts the bound). */
  counter: QueryCounter;
  /** The token's name when the request carries a valid write token. */
  actor?: string;
  /** Why writes are refused for this request, when they are. */
  writeDenied?: { code: "UNAUTHENTICATED" | "WRITES_DISABLED"; message: string };
  signal?: AbortSignal;
  /** Aborts only when the client goes away (no deadline): what reads after a committed write listen to. */
  clientSignal?: AbortSignal;
  /** Present when chain searches may use the database's procedure (KG_NATIVE_SEARCH=auto). */
  nativeSearch?: NativeSearchProbe;
  /** Shared by the server's requests; absent when KG_TRAVERSAL_CACHE_ENTRIES is 0. */
  traversalCache?: TraversalReads;
  /** At most KG_TRAVERSAL_CONCURRENCY traversal queries run on the database at once (all requests). */
  traversalSlots?: TraversalSlots;
  requestId: string;
  log: Logger;
  /** The most an operation may cost (KG_MAX_COMPLEXITY; schema/complexity.ts); absent: no limit. */
  maxComplexity?: number;
  /** The operation's cost with its variables applied, once plugins/fairness.ts has computed it. */
  cost?: number;
  /** The most a whole-graph export holds (KG_EXPORT_MAX_NODES, KG_EXPORT_MAX_EDGES); absent: the defaults. */
  exportLimits?: { nodes: number; edges: number };
}
