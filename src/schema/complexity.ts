/**
 * What one operation may cost, computed by Pothos' complexity plugin on the operation as it will
 * run: variables coerced and argument defaults applied (so `first: $n` counts as much as
 * `first: 100` written out), before any root field resolves and so before any Cypher. A list's
 * sub-selections count `first` times (its page size; 5 for the short lists without one), nested
 * lists multiply, traversals cost per hop of their search (TRAVERSAL_HOP), and every alias of a
 * field counts again. GraphQL Armor's cost limit (plugins/limits.ts) still refuses documents whose
 * written-out cost is too high while they are parsed.
 */
import { GraphQLError, type GraphQLField, getNullableType, isListType } from "graphql";
import { MAX_HOPS } from "../translate/chain.js";
import { LIST_DEFAULT, LIST_MAX } from "../translate/cypher.js";

/**
 * Sub-selections of a list without a `first` argument (a claim's evidence, a study's records)
 * count this many times: their typical size here; each is capped at 200 rows in Cypher.
 */
const UNPAGED_LIST = 5;

/**
 * A traversal's own cost per hop, whatever it returns: each hop of a chain search reads up to
 * beam x 40 links, and of a neighbourhood 40 links per entity reached. So fifteen aliased 6-hop
 * searches cost 90,000 before their answers are counted, and one costs 6,000.
 */
const TRAVERSAL_HOP = 1_000;

const within = (value: number, max: number) => Math.min(max, Math.max(1, value));

type AnyField = GraphQLField<unknown, unknown, Record<string, unknown>>;

/** A whole-number argument as the operation will run with it: given, else its default, else `fallback`. */
function intArgOf(args: Record<string, unknown>, field: AnyField, name: string, fallback: number): number | undefined {
  const declared = field.args.find((a) => a.name === name);
  if (!declared) return undefined;
  const value = args[name];
  return typeof value === "number" ? value : ((declared.defaultValue as number | undefined) ?? fallback);
}

/** A field's own cost and how often its sub-selection counts. */
export function fieldComplexity<C>(
  args: Record<string, unknown>,
  _ctx: C,
  field: GraphQLField<unknown, C, Record<string, unknown>>,
) {
  const plain = field as unknown as AnyField;
  // Counted within their valid ranges: an argument out of range is refused by its own check
  // (BAD_USER_INPUT naming it), which is the more useful answer than a cost.
  const hops = intArgOf(args, plain, "maxHops", 1) ?? intArgOf(args, plain, "hops", 1);
  const own = hops === undefined ? 1 : TRAVERSAL_HOP * within(hops, MAX_HOPS);
  const first = intArgOf(args, plain, "first", LIST_DEFAULT);
  if (first !== undefined) return { field: own, multiplier: within(first, LIST_MAX) };
  if (own > 1) return own;
  return isListType(getNullableType(field.type)) ? { field: 1, multiplier: UNPAGED_LIST } : 1;
}

/**
 * QUERY_TOO_COSTLY, saying the cost, the limit and what lowers it; 400, as GraphQL Armor's
 * refusals of the same code (plugins/limit-messages.ts): nothing ran, the request was the problem.
 */
export function complexityError(_kind: string, result: { complexity: number; maxComplexity?: number }) {
  return new GraphQLError(
    `The operation would cost ${result.complexity} (limit ${result.maxComplexity}, KG_MAX_COMPLEXITY), counting each list's page size (\`first\`, variables included) through every level and ${TRAVERSAL_HOP} per hop of a traversal: ask for smaller pages, fewer levels, fewer hops or fewer aliases.`,
    {
      extensions: {
        code: "QUERY_TOO_COSTLY",
        cost: result.complexity,
        found: result.complexity,
        limit: result.maxComplexity,
        http: { status: 400 },
      },
    },
  );
}
