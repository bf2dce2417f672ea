/**
 * What a client may see of an error. Errors of our vocabulary (`clientError`) pass as they are.
 * Anything else is answered by whose fault it is:
 * - graphql-js's own request errors (no path: a variable of the wrong type, an unknown field)
 *   are the client's: BAD_USER_INPUT, with graphql-js's message;
 * - anything that went wrong while executing a field (a path: a thrown TypeError, an unmapped
 *   driver error, a non-null field that came back null, by graphql-js or graphql-jit alike) is
 *   the server's: INTERNAL_SERVER_ERROR, "Unexpected error.", and the original goes to the log,
 *   never to the client.
 */
import { GraphQLError } from "graphql";
import { maskError as defaultMaskError } from "graphql-yoga";
import { driverCause } from "../errors.js";
import type { Logger } from "../logger.js";

export function errorMasker(log: Logger) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const masked = defaultMaskError(error, message, isDev);
    const internal = (located: GraphQLError | undefined, original: unknown) => {
      log.error({ err: original, path: located?.path }, "internal error, masked for the client");
      return new GraphQLError("Unexpected error.", {
        nodes: located?.nodes,
        path: located?.path,
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      });
    };
    if (!(masked instanceof GraphQLError)) return internal(undefined, error);
    if (masked !== error) {
      // yoga masked it: an error that is not a GraphQLError of ours, thrown inside a field.
      const original = driverCause(error) ?? (error as { originalError?: unknown }).originalError ?? error;
      return internal(error instanceof GraphQLError ? error : undefined, original);
    }
    const code = masked.extensions?.code;
    const cause = driverCause(error);
    if (code === "INTERNAL_SERVER_ERROR") log.error({ err: cause ?? error }, "internal error");
    else if (cause) log.warn({ err: cause, code }, "database error");
    if (code) return masked;
    if (masked.path) return internal(masked, masked);
    return new GraphQLError(masked.message, {
      nodes: masked.nodes,
      extensions: { ...masked.extensions, code: "BAD_USER_INPUT" },
    });
  };
}
