/**
 * KG_QUERY_TIMEOUT_MS bounds the whole request. The context's signal (server.ts) aborts at the
 * deadline: every read listening to it stops at once and its session is closed, which ends the
 * query on the database too (db/database.ts). This plugin bounds the rest: a query's execution
 * answers TIMEOUT at the deadline whatever it still waits on. Mutations are not cut off here: a
 * write abandoned mid-commit would leave its client unsure whether it happened; the database's
 * transaction timeout (the same setting) ends them instead.
 */
import { type ExecutionResult, getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { timeoutError } from "../errors.js";

export function useRequestDeadline(): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const signal = (args.contextValue as unknown as Context).signal;
      if (!signal || getOperationAST(args.document, args.operationName)?.operation === "mutation") return;
      setExecuteFn(async (execArgs) => {
        let onAbort = () => {};
        const timedOut = new Promise<ExecutionResult>((resolve) => {
          onAbort = () => resolve({ data: null, errors: [timeoutError()] });
          if (signal.aborted) onAbort();
          else signal.addEventListener("abort", onAbort, { once: true });
        });
        try {
          return await Promise.race([executeFn(execArgs) as Promise<ExecutionResult>, timedOut]);
        } finally {
          signal.removeEventListener("abort", onAbort);
        }
      });
    },
  };
}
