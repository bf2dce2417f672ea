/**
 * What one request may cost, checked before any resolver (and so any Cypher) runs:
 * GraphQL Armor's depth, alias, token, directive and cost limits, each with its own stable
 * `extensions.code`; field suggestions blocked unless KG_FIELD_SUGGESTIONS=true; and a cap on
 * the request body, by its declared length. Argument bounds (first, maxHops, hops) are checked
 * in the resolvers.
 */
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { type ASTVisitor, GraphQLError, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import { rejectWith } from "./limit-messages.js";

export const LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 20_000,
  maxBodyBytes: 256 * 1024,
} as const;

/** Armor's refusal tagged with our code, and its message saying what was exceeded (limit-messages.ts). */
const tag = (code: string, status = 400) => [rejectWith(code, status)];

export function useArmor(options: { fieldSuggestions: boolean; maxAliases?: number; maxTokens?: number }) {
  return EnvelopArmorPlugin({
    maxDepth: { n: LIMITS.maxDepth, flattenFragments: true, onReject: tag("QUERY_TOO_DEEP") },
    maxAliases: { n: options.maxAliases ?? LIMITS.maxAliases, onReject: tag("TOO_MANY_ALIASES") },
    maxTokens: { n: options.maxTokens ?? LIMITS.maxTokens, onReject: tag("TOO_MANY_TOKENS") },
    maxDirectives: { n: LIMITS.maxDirectives, onReject: tag("TOO_MANY_DIRECTIVES") },
    costLimit: {
      maxCost: LIMITS.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      flattenFragments: true,
      onReject: tag("QUERY_TOO_COSTLY"),
    },
    blockFieldSuggestion: { enabled: !options.fieldSuggestions },
  });
}

const refuse = (status: number, code: string, message: string) =>
  Response.json({ errors: [{ message, extensions: { code } }] }, { status });

/**
 * Caps the request body by its declared length, before yoga reads it. A body must declare one:
 * Node's HTTP parser then reads exactly that many bytes, so no byte counting on the stream is
 * needed (yoga's own stream-counting limit is switched off in server.ts; it cost a stream
 * pipeline per request). Requests built in process (tests' `yoga.fetch`) carry neither header.
 */
export function useBodyLimit(maxBytes: number = LIMITS.maxBodyBytes): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const declared = request.headers.get("content-length");
      if (declared === null) {
        if (request.headers.has("transfer-encoding")) {
          endResponse(refuse(411, "LENGTH_REQUIRED", "Send a Content-Length header."));
        }
      } else if (!/^\d+$/.test(declared)) {
        endResponse(refuse(400, "BAD_REQUEST", "The Content-Length header is not a byte count."));
      } else if (Number(declared) > maxBytes) {
        endResponse(refuse(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${maxBytes} bytes.`));
      }
    },
  };
}

/**
 * An operation type the schema does not have (this service has no subscriptions) is refused in
 * validation, as the client's mistake: 400 with OPERATION_NOT_SUPPORTED, the same on every send.
 * graphql-js would otherwise answer it at execution, with 200.
 */
export function useSupportedOperations(): Plugin {
  const rule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = {
        query: schema.getQueryType(),
        mutation: schema.getMutationType(),
        subscription: schema.getSubscriptionType(),
      };
      if (root[node.operation]) return;
      context.reportError(
        new GraphQLError(`This service has no ${node.operation} operations; send a query or a mutation.`, {
          nodes: [node],
          extensions: { code: "OPERATION_NOT_SUPPORTED", http: { status: 400 } },
        }),
      );
    },
  });
  return { onValidate: ({ addValidationRule }) => addValidationRule(rule) };
}
