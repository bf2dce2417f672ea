/**
 * What a client reads when GraphQL Armor refuses a document. Armor words every refusal as a
 * parse error ("Syntax Error: Aliases limit of 15 exceeded, found 100."), which reads as if the
 * query were malformed. This rewrites each into what was exceeded, by how much and what to do,
 * with the limit and the value found in `extensions` (`limit`, `found`), and tags its code.
 */
import type { GraphQLError } from "graphql";

interface LimitText {
  /** What was exceeded, by how much, and the limit. */
  describe: (found: number | undefined, limit: number | undefined) => string;
  advice: string;
}

const TEXTS: Record<string, LimitText> = {
  QUERY_TOO_DEEP: {
    describe: (found, limit) => `The query nests ${found ?? "too many"} levels deep (limit ${limit}, fragments included)`,
    advice: "ask for fewer levels, or follow a traversal field (mechanismChains, neighborhood) instead",
  },
  TOO_MANY_ALIASES: {
    describe: (found, limit) => `The operation uses ${found ?? "too many"} aliases (limit ${limit}, KG_MAX_ALIASES)`,
    advice: "send fewer aliased fields per operation",
  },
  TOO_MANY_TOKENS: {
    describe: (_found, limit) =>
      `The document has more than ${limit} tokens (the limit, KG_MAX_TOKENS: names, punctuation and values)`,
    advice: "send a shorter document; pass long values as variables",
  },
  TOO_MANY_DIRECTIVES: {
    describe: (found, limit) => `The operation uses ${found ?? "too many"} directives (limit ${limit})`,
    advice: "use fewer @include/@skip directives",
  },
  QUERY_TOO_COSTLY: {
    describe: (found, limit) =>
      `The document's written-out cost is ${found ?? "too high"} (limit ${limit}: its fields weighted by depth, times each literal \`first\`)`,
    advice: "ask for fewer fields, fewer levels or smaller pages",
  },
};

const number = (text: string, pattern: RegExp) => {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : undefined;
};

/** Armor's onReject handler for `code`: rewrites the message, adds limit/found and the HTTP status. */
export function rejectWith(code: string, status = 400) {
  return (_ctx: unknown, error: GraphQLError) => {
    const armor = error.message;
    const limit = number(armor, /limit of (\d+)/i);
    const found = number(armor, /found (\d+)/i);
    const text = TEXTS[code];
    if (text) {
      // Armor throws this error right after its handlers run; what they set is what is sent.
      (error as { message: string }).message = `${text.describe(found, limit)}: ${text.advice}.`;
    }
    Object.assign(error.extensions as Record<string, unknown>, {
      code,
      ...(limit === undefined ? {} : { limit }),
      ...(found === undefined ? {} : { found }),
      http: { status },
    });
  };
}
