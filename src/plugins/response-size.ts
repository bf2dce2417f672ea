/**
 * A cap on what one answer may weigh: KG_MAX_RESPONSE_BYTES. The cost limit already bounds how
 * many objects an answer holds; this bounds their bytes too (long statements, many synonyms), so
 * no request makes the server build and send an answer of tens of megabytes. Only answers of
 * heavy operations (cost at least KG_HEAVY_COST, as plugins/fairness.ts measured it) are weighed:
 * a cheaper one cannot come near the cap, and weighing means serialising the answer once more.
 */
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";

export function responseTooLarge(bytes: number, limit: number): GraphQLError {
  return new GraphQLError(
    `The answer would be ${bytes} bytes (limit ${limit}, KG_MAX_RESPONSE_BYTES): ask for smaller pages, fewer fields or fewer aliases.`,
    { extensions: { code: "RESPONSE_TOO_LARGE", limit, found: bytes, http: { status: 400 } } },
  );
}

export function useResponseSizeLimit(options: { maxBytes: number; heavyCost: number }): Plugin {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue as unknown as Context;
      if ((ctx.cost ?? 0) < options.heavyCost) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const bytes = Buffer.byteLength(JSON.stringify(result));
          if (bytes > options.maxBytes) setResult({ errors: [responseTooLarge(bytes, options.maxBytes)] });
        },
      };
    },
  };
}
