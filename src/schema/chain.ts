/**
 * Mechanism chains: directed paths of LINKs between entities, and one-sided exploration
 * (what an entity influences downstream; what leads into it upstream). Each is one Cypher query
 * with a literal hop bound (1..6), simple paths only, ordered by the chain score
 * (product of link scores, see evidence-rule.ts).
 */
import type { GraphQLResolveInfo } from "graphql";
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { readOne } from "../graph/read.js";
import { CypherBuilder, firstArg, projection } from "../translate/projection.js";
import { childSelection, type FieldSelection, selectionOf } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, ChainOrderEnum, PredicateEnum, type Projected } from "./common.js";
import { checkId } from "./ids.js";
import { EntityRef, MechanismLinkRef } from "./refs.js";

export const MAX_HOPS = 6;

/** The hop bound goes into Cypher as a literal from this table, never from the request. */
const HOP_PATTERNS: Record<number, string> = { 1: "*1..1", 2: "*1..2", 3: "*1..3", 4: "*1..4", 5: "*1..5", 6: "*1..6" };

export function hopPattern(hops: unknown, argument = "maxHops"): string {
  const pattern = typeof hops === "number" ? HOP_PATTERNS[hops] : undefined;
  if (!pattern)
    throw clientError("BAD_USER_INPUT", `\`${argument}\` must be a whole number from 1 to ${MAX_HOPS}.`, { argument });
  return pattern;
}

/** No entity twice in one path. */
const SIMPLE_PATH = "all(x IN nodes(p) WHERE single(y IN nodes(p) WHERE y = x))";
const PATH_SCORE = "reduce(s = 1.0, r IN relationships(p) | s * coalesce(r.score, 0.0))";

const MechanismChainRef = builder.objectRef<Projected>("MechanismChain").implement({
  description:
    "A path of mechanism links from one entity to another. Its score is the product of its links' evidence scores: one unsupported link makes it 0, and every extra hop can only lower it.",
  fields: (t) => ({
    nodes: t.field({ type: [EntityRef], resolve: byKey, description: "The entities along the path, in order." }),
    links: t.field({ type: [MechanismLinkRef], resolve: byKey, description: "The links along the path, in order." }),
    hops: t.int({ resolve: byKey, description: "Number of links." }),
    score: t.float({ resolve: byKey, description: "Product of the links' evidence scores (0..1)." }),
  }),
});

const ReachRef = builder.objectRef<Projected>("Reach").implement({
  description: "An entity reached from (or reaching) the start entity, with the best chain between them.",
  fields: (t) => ({
    entity: t.field({ type: EntityRef, resolve: byKey, description: "The entity reached." }),
    hops: t.int({ resolve: byKey, description: "Hops of the best chain." }),
    score: t.float({ resolve: byKey, description: "Score of the best chain." }),
    chain: t.field({ type: MechanismChainRef, resolve: byKey, description: "The best chain (highest score, then fewest hops)." }),
  }),
});

/** Map expression for path `p` with the requested MechanismChain fields. */
function chainProjection(fields: readonly FieldSelection[], q: CypherBuilder, reversed = false): string {
  const [nodes, links] = reversed ? ["reverse(nodes(p))", "reverse(relationships(p))"] : ["nodes(p)", "relationships(p)"];
  const parts: string[] = ["hops: length(p)", `score: ${PATH_SCORE}`];
  for (const field of fields) {
    const key = `\`${field.key}\``;
    if (field.name === "hops" || field.name === "score")
      parts.push(`${key}: ${field.name === "hops" ? "length(p)" : PATH_SCORE}`);
    if (field.name === "nodes") {
      const x = q.variable("n");
      parts.push(
        `${key}: COLLECT { UNWIND range(0, length(p)) AS i WITH ${nodes}[i] AS ${x}, i RETURN ${projection("Entity", x, field.children.get("Entity") ?? [], q)} AS value ORDER BY i }`,
      );
    }
    if (field.name === "links") {
      const x = q.variable("l");
      parts.push(
        `${key}: COLLECT { UNWIND range(0, length(p) - 1) AS i WITH ${links}[i] AS ${x}, i RETURN ${projection("MechanismLink", x, field.children.get("MechanismLink") ?? [], q)} AS value ORDER BY i }`,
      );
    }
  }
  return `{${parts.join(", ")}}`;
}

function predicateWhere(predicates: readonly string[] | null | undefined, q: CypherBuilder): string {
  return predicates?.length ? ` AND all(r IN relationships(p) WHERE r.predicate IN ${q.param(predicates)})` : "";
}

function notFound(missing: string[]): never {
  throw clientError("NOT_FOUND", `No entity with id ${missing.map((m) => `"${m}"`).join(" or ")}.`, { ids: missing });
}

builder.queryFields((t) => ({
  mechanismChains: t.field({
    type: [MechanismChainRef],
    args: {
      from: t.arg.id({ required: true, description: "Start entity id." }),
      to: t.arg.id({ required: true, description: "End entity id." }),
      maxHops: t.arg.int({ required: false, defaultValue: 4, description: `Longest chain, 1..${MAX_HOPS}.` }),
      first: t.arg.int({ required: false, defaultValue: 10, description: "At most this many chains (1..100)." }),
      orderBy: t.arg({
        type: ChainOrderEnum,
        required: false,
        defaultValue: "EVIDENCE",
        description: "EVIDENCE (default) or LENGTH.",
      }),
      predicates: t.arg({ type: [PredicateEnum], required: false, description: "Only follow links with these predicates." }),
    },
    description:
      "The distinct directed chains of mechanism links from one entity to another (no entity twice), up to maxHops. NOT_FOUND when either end does not exist; an empty list when they are not connected.",
    resolve: async (_root, args, ctx, info) => {
      const q = new CypherBuilder();
      const from = q.param(checkId("entity", args.from, "from"));
      const to = q.param(checkId("entity", args.to, "to"));
      const hops = hopPattern(args.maxHops ?? 4);
      const limit = q.param(int(firstArg(args.first, 10)));
      const order = args.orderBy === "LENGTH" ? "length(p), score DESC" : "score DESC, length(p)";
      const fields = selectionOf(info).get("MechanismChain") ?? [];
      const cypher = `OPTIONAL MATCH (a:Entity {id: ${from}})
OPTIONAL MATCH (b:Entity {id: ${to}})
CALL {
  WITH a, b
  MATCH p = (a)-[:LINK${hops}]->(b)
  WHERE ${SIMPLE_PATH}${predicateWhere(args.predicates, q)}
  WITH p, ${PATH_SCORE} AS score
  ORDER BY ${order}, [r IN relationships(p) | r.id]
  LIMIT ${limit}
  RETURN collect(${chainProjection(fields, q)}) AS chains
}
RETURN {fromFound: a IS NOT NULL, toFound: b IS NOT NULL, chains: chains} AS value`;
      const row = (await readOne(ctx, cypher, q)) as Projected;
      const missing = [!row.fromFound && args.from, !row.toFound && args.to].filter(Boolean) as string[];
      if (missing.length) notFound(missing);
      return row.chains;
    },
  }),
  downstream: t.field({
    type: [ReachRef],
    args: reachArgs(t, "from"),
    description:
      "What an entity influences: every entity reachable along outgoing mechanism links within maxHops, best chain first. NOT_FOUND for an unknown id.",
    resolve: (_root, args, ctx, info) => reach(ctx, info, "OUT", args as ReachArgs),
  }),
  upstream: t.field({
    type: [ReachRef],
    args: reachArgs(t, "to"),
    description:
      "What leads into an entity: every entity from which it is reachable within maxHops, best chain first. NOT_FOUND for an unknown id.",
    resolve: (_root, args, ctx, info) => reach(ctx, info, "IN", args as ReachArgs),
  }),
}));

// biome-ignore lint/suspicious/noExplicitAny: Pothos' field builder type is long and internal
function reachArgs(t: any, anchor: "from" | "to") {
  return {
    id: t.arg.id({ required: true, description: anchor === "from" ? "The entity to start from." : "The entity to end at." }),
    maxHops: t.arg.int({ required: false, defaultValue: 3, description: `How far to look, 1..${MAX_HOPS}.` }),
    first: t.arg.int({ required: false, defaultValue: 20, description: "At most this many entities (1..100)." }),
    predicates: t.arg({ type: [PredicateEnum], required: false, description: "Only follow links with these predicates." }),
  } as const;
}

interface ReachArgs {
  id: string;
  maxHops?: number | null;
  first?: number | null;
  predicates?: readonly string[] | null;
}

async function reach(ctx: Parameters<typeof readOne>[0], info: GraphQLResolveInfo, direction: "OUT" | "IN", args: ReachArgs) {
  const q = new CypherBuilder();
  const anchor = q.param(checkId("entity", args.id));
  const hops = hopPattern(args.maxHops ?? 3);
  const limit = q.param(int(firstArg(args.first, 20)));
  const fields = selectionOf(info).get("Reach") ?? [];
  const entityFields = childSelection(fields, "entity", "Entity");
  const chainFields = childSelection(fields, "chain", "MechanismChain");
  // Paths found upstream run against the link direction; they are read reversed so chains read causally.
  const pattern = direction === "OUT" ? `(a)-[:LINK${hops}]->(b:Entity)` : `(a)<-[:LINK${hops}]-(b:Entity)`;
  const cypher = `OPTIONAL MATCH (a:Entity {id: ${anchor}})
CALL {
  WITH a
  MATCH p = ${pattern}
  WHERE ${SIMPLE_PATH}${predicateWhere(args.predicates, q)}
  WITH b, p, ${PATH_SCORE} AS score
  ORDER BY score DESC, length(p), [r IN relationships(p) | r.id]
  WITH b, collect(p)[0] AS p
  WITH b, p, ${PATH_SCORE} AS score
  ORDER BY score DESC, length(p), b.id
  LIMIT ${limit}
  RETURN collect({entity: ${projection("Entity", "b", entityFields, q)}, hops: length(p), score: score, chain: ${chainProjection(chainFields, q, direction === "IN")}}) AS reached
}
RETURN {found: a IS NOT NULL, reached: reached} AS value`;
  const row = (await readOne(ctx, cypher, q)) as Projected;
  if (!row.found) notFound([args.id]);
  return row.reached.map((r: Projected) => ({ ...r, ...Object.fromEntries(fields.map((f) => [f.key, r[f.name]])) }));
}
