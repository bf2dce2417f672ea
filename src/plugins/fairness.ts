/**
 * Fairness under load: one client's heavy requests cannot starve everyone's small ones.
 * An operation whose cost (schema/complexity.ts, with its variables applied) reaches
 * KG_HEAVY_COST -- any traversal does -- runs only while it holds one of KG_HEAVY_CONCURRENCY
 * slots. Up to KG_HEAVY_QUEUE more wait, each at most KG_BUSY_WAIT_MS (and never past its
 * request's deadline); beyond that the answer is BUSY (503, Retry-After), before any Cypher.
 * Cheap operations never wait here, so lookups and `{ __typename }` stay fast while the heavy
 * ones take turns on the database's cores.
 */
import { complexityFromQuery } from "@pothos/plugin-complexity";
import { type DocumentNode, GraphQLError, type GraphQLSchema, getOperationAST, Kind } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";

/** A counting semaphore with a bounded queue. */
export class WorkGate {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    readonly slots: number,
    readonly queueMax: number,
  ) {}

  /** Heavy operations running and waiting now (for logs and tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }

  /**
   * A slot, as the function that gives it back; undefined when the queue is full, or no slot
   * came free within `maxWaitMs` or before `signal` aborted.
   */
  async enter(maxWaitMs: number, signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (this.running < this.slots) return this.take();
    if (this.queue.length >= this.queueMax || signal?.aborted) return undefined;
    return new Promise((resolve) => {
      const granted = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", giveUp);
        resolve(this.take());
      };
      const giveUp = () => {
        clearTimeout(timer);
        const at = this.queue.indexOf(granted);
        if (at >= 0) this.queue.splice(at, 1);
        resolve(undefined);
      };
      const timer = setTimeout(giveUp, maxWaitMs);
      signal?.addEventListener("abort", giveUp, { once: true });
      this.queue.push(granted);
    });
  }

  private take(): () => void {
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const next = this.queue.shift();
      if (next) next();
    };
  }
}

export interface FairnessOptions {
  schema: GraphQLSchema;
  gate: WorkGate;
  /** Operations costing at least this take a slot. */
  heavyCost: number;
  /** The longest a heavy operation waits for a slot. */
  maxWaitMs: number;
}

/** BUSY: the client may try again in a second. */
export function busyError(gate: WorkGate): GraphQLError {
  return new GraphQLError(
    `The service is busy with ${gate.slots} expensive requests and ${gate.queueMax} waiting; try again in a moment, or ask for less (smaller pages, fewer hops).`,
    { extensions: { code: "BUSY", http: { status: 503, headers: { "retry-after": "1" } } } },
  );
}

export function useFairness({ schema, gate, heavyCost, maxWaitMs }: FairnessOptions): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(schema, args.document, args.operationName ?? undefined, args.variableValues ?? {});
      const ctx = args.contextValue as unknown as Context;
      ctx.cost = cost;
      if (cost < heavyCost) return;
      const release = await gate.enter(maxWaitMs, ctx.signal);
      if (!release) {
        ctx.log.warn({ cost, ...gate.load }, "heavy request refused: busy");
        setResultAndStopExecution({ errors: [busyError(gate)] });
        return;
      }
      return { onExecuteDone: () => release() };
    },
  };
}

/**
 * The operation's cost as the complexity plugin computes it; 0 when it cannot be computed (bad
 * variables, an unknown operation): execution then answers that mistake in its own words.
 */
function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
) {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  try {
    return complexityFromQuery({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }, { schema, variables }).complexity;
  } catch {
    return 0;
  }
}
