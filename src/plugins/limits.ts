/**
 * What one request may cost, checked before any resolver (and so any Cypher) runs:
 * GraphQL Armor's depth, alias, token, directive and cost limits, each with its own stable
 * `extensions.code`; field suggestions blocked unless KG_FIELD_SUGGESTIONS=true; and a cap on
 * the request body. Argument bounds (first, maxHops, hops) are checked in the resolvers.
 */
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

export const LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 20_000,
  maxBodyBytes: 256 * 1024,
} as const;

const tag = (code: string, status = 400) => [
  (_ctx: unknown, error: GraphQLError) => {
    Object.assign(error.extensions as Record<string, unknown>, { code, http: { status } });
  },
];

export function useArmor(options: { fieldSuggestions: boolean }) {
  return EnvelopArmorPlugin({
    maxDepth: { n: LIMITS.maxDepth, flattenFragments: true, onReject: tag("QUERY_TOO_DEEP") },
    maxAliases: { n: LIMITS.maxAliases, onReject: tag("TOO_MANY_ALIASES") },
    maxTokens: { n: LIMITS.maxTokens, onReject: tag("TOO_MANY_TOKENS") },
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

/** Refuses bodies over the cap by their declared length, before yoga reads them. */
export function useBodyLimit(maxBytes: number = LIMITS.maxBodyBytes): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > maxBytes) {
        endResponse(
          Response.json(
            {
              errors: [
                { message: `The request body is larger than ${maxBytes} bytes.`, extensions: { code: "PAYLOAD_TOO_LARGE" } },
              ],
            },
            { status: 413 },
          ),
        );
      }
    },
  };
}
