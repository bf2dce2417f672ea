/**
 * Mechanism chains: directed paths of LINKs between entities, and one-sided exploration (what an
 * entity influences downstream; what leads into it upstream). The types and fields are declared
 * here; their Cypher (a bounded beam search, in Cypher or as the database's kg.beamSearch
 * procedure) is built by translate/chain.ts and read through the traversal cache.
 */
import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "../context.js";
import { clientError } from "../errors.js";
import { readTraversal } from "../graph/traversal-cache.js";
import { chainsCypher, checkChainArgs, checkReachArgs, MAX_HOPS, type ReachArgs, reachCypher } from "../translate/chain.js";
import { CypherBuilder } from "../translate/cypher.js";
import { selectionOf, withResponseKeys } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, CertaintyEnum, ChainOrderEnum, PredicateEnum, type Projected } from "./common.js";
import { EntityRef, MechanismLinkRef } from "./refs.js";

const MechanismChainRef = builder.objectRef<Projected>("MechanismChain").implement({
  description:
    "A path of mechanism links from one entity to another. Its score is the product of its links' evidence scores: one unsupported link makes it 0, and every extra hop can only lower it.",
  fields: (t) => ({
    nodes: t.field({ type: [EntityRef], resolve: byKey, description: "The entities along the path, in order." }),
    links: t.field({ type: [MechanismLinkRef], resolve: byKey, description: "The links along the path, in order." }),
    hops: t.int({ resolve: byKey, description: "Number of links." }),
    score: t.float({
      resolve: byKey,
      description: "Product of the links' evidence scores (0..1, 4 decimals); definitional links count 1.",
    }),
    certainty: t.field({
      type: CertaintyEnum,
      resolve: byKey,
      description: "The weakest certainty of its links: a chain with one hedged link is hedged.",
    }),
    empiricalHops: t.int({
      resolve: byKey,
      description: "Links that are empirical claims (not definitional): the ones its evidence comes from.",
    }),
    evidenceStartsAt: t.int({
      nullable: true,
      resolve: byKey,
      description: "Index (0-based) in `links` of the first empirical link: the links before it hold by definition. Null: none.",
    }),
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

function notFound(missing: string[]): never {
  throw clientError("NOT_FOUND", `No entity with id ${missing.map((m) => `"${m}"`).join(" or ")}.`, { ids: missing });
}

/** The chain search's arguments: mechanismChains and mechanismChainsSubgraph (subgraph.ts) take the same. */
export const chainSearchArgs = builder.args((t) => ({
  from: t.id({ required: true, description: "Start entity id." }),
  to: t.id({ required: true, description: "End entity id." }),
  maxHops: t.int({ required: false, defaultValue: 4, description: `Longest chain, 1..${MAX_HOPS}.` }),
  first: t.int({ required: false, defaultValue: 10, description: "At most this many chains (1..100)." }),
  orderBy: t.field({
    type: ChainOrderEnum,
    required: false,
    defaultValue: "EVIDENCE",
    description: "EVIDENCE (default) or LENGTH.",
  }),
  predicates: t.field({ type: [PredicateEnum], required: false, description: "Only follow links with these predicates." }),
  minCertainty: t.field({
    type: CertaintyEnum,
    required: false,
    description: "Only chains at least this firm: ASSERTED keeps chains of asserted links only; HEDGED also hedged ones.",
  }),
}));

builder.queryFields((t) => ({
  mechanismChains: t.field({
    type: [MechanismChainRef],
    args: chainSearchArgs,
    description:
      "The distinct directed chains of mechanism links from one entity to another (no entity twice), up to maxHops. NOT_FOUND when either end does not exist; an empty list when they are not connected.",
    resolve: async (_root, args, ctx, info) => {
      const search = checkChainArgs(args);
      const native = (await ctx.nativeSearch?.available()) ?? false;
      const q = new CypherBuilder();
      const fields = selectionOf(info).get("MechanismChain") ?? [];
      const row = (await readTraversal(ctx, chainsCypher(fields, search, native, q), q)) as Projected;
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

async function reach(ctx: Context, info: GraphQLResolveInfo, direction: "OUT" | "IN", args: ReachArgs) {
  const search = checkReachArgs(args);
  const native = (await ctx.nativeSearch?.available()) ?? false;
  const q = new CypherBuilder();
  const fields = selectionOf(info).get("Reach") ?? [];
  const row = (await readTraversal(ctx, reachCypher(fields, direction, search, native, q), q)) as Projected;
  if (!row.found) notFound([args.id]);
  return row.reached.map((r: Projected) => withResponseKeys(r, fields));
}
