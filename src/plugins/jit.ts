/**
 * Compiled execution for repeated documents: graphql-jit turns a document into JS once it is
 * seen a second time (yoga's parser cache hands out the same DocumentNode for the same query
 * text), so the queries applications repeat skip graphql-js's interpretation of the selection
 * set, about a quarter of a small request's CPU. One-off documents are not worth compiling.
 */
import { useGraphQlJit } from "@envelop/graphql-jit";
import { GraphQLError, getOperationAST, getVariableValues, type Source } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.js";

/** How many executions ran compiled: observable, so tests can show the compiled path ran. */
export const jitStats = { compiledExecutions: 0 };

export function useJitForRepeatedDocuments(log: Logger): Plugin[] {
  const seen = new WeakSet<object>();
  const jit = useGraphQlJit(
    {},
    {
      enableIf: ({ schema, document, operationName, variableValues }) => {
        if (!seen.has(document)) {
          seen.add(document);
          return false;
        }
        // graphql-jit words bad variables differently (and answers 200 where graphql-js answers
        // 400): requests whose variables do not coerce go to graphql-js for its own answer.
        const operation = getOperationAST(document, operationName);
        // Only what graphql-js would run: anything else (a subscription, an unknown operation name)
        // is answered by graphql-js, in its own words.
        if (operation?.operation !== "query" && operation?.operation !== "mutation") return false;
        const definitions = operation.variableDefinitions ?? [];
        const compiled = !definitions.length || !getVariableValues(schema, definitions, variableValues ?? {}).errors;
        if (compiled) jitStats.compiledExecutions++;
        return compiled;
      },
      onError: (result) => log.warn({ errors: result.errors?.map((e) => e.message) }, "graphql-jit could not compile"),
    },
  );
  const relocate: Plugin = {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || !result.errors?.length) return;
          const source = args.document.loc?.source;
          setResult({ ...result, errors: result.errors.map((e) => withPositions(e, source)) });
        },
      };
    },
  };
  return [jit as Plugin, relocate];
}

/**
 * graphql-jit's errors carry `locations` but no source positions, and yoga rebuilds every error
 * from its nodes or positions before sending it, which would drop the locations. Rebuilt here
 * as a graphql-js error with the positions of those locations, it reads as the interpreted one.
 */
function withPositions(error: GraphQLError, source: Source | undefined): GraphQLError {
  if (!source || error.nodes || error.positions || !error.locations?.length) return error;
  const lineStarts = [0, ...[...source.body.matchAll(/\r\n|[\n\r]/g)].map((m) => m.index + m[0].length)];
  return new GraphQLError(error.message, {
    source,
    positions: error.locations.map(({ line, column }) => (lineStarts[line - 1] ?? 0) + column - 1),
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
