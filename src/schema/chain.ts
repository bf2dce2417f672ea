/**
 * Mechanism chains: directed paths of LINKs between entities, and one-sided exploration (what an
 * entity influences downstream; what leads into it upstream). Each is one Cypher query (after
 * the traversal cache's version check, traversal-cache.ts).
 *
 * Paths are found by a beam search written out hop by hop (1..6 hops, the count from a fixed
 * table, never from request text): from every partial chain it follows the entity's strongest
 * FANOUT links, read from precomputed shortcuts (strongest-links.ts), plus, for chains, any link
 * straight into the target; each entity is expanded once per hop however many partial chains
 * end there. It drops paths that would visit an entity twice, keeps at most `first` partial
 * chains per entity reached (one, when exploring one side), and the best partial chains by score
 * for the next hop (the beam: 100 to 200, wider when more answers are asked for). The work per
 * request is therefore bounded by hops x beam x FANOUT whatever the graph's size; on graphs
 * where no entity has more than FANOUT links and no hop more partial chains than the beam (the
 * article's graph, for one) the search is exhaustive and so exact. Scores are products of link
 * scores (evidence-rule.ts); ties break on link ids, so answers are deterministic.
 *
 * Where the database has the kg.beamSearch procedure (the embedded launcher registers it, see
 * graph/native-search.ts), the same search runs there, step for step, in Java: the Cypher runtime
 * spends microseconds per partial chain on rows, maps and sorts, which made a 5-hop search on the
 * 1M-link benchmark graph cost 30-50 ms of database CPU. Tests hold the two to the same answers.
 */
import type { GraphQLResolveInfo } from "graphql";
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { NATIVE_SEARCH_PROCEDURE } from "../graph/native-search.js";
import { FANOUT } from "../graph/strongest-links.js";
import { readTraversal } from "../graph/traversal-cache.js";
import { CERTAINTIES, DEFINITIONAL_PREDICATES } from "../model/vocabulary.js";
import { CypherBuilder, firstArg, projection } from "../translate/projection.js";
import { childSelection, type FieldSelection, selectionOf, withResponseKeys } from "../translate/selection.js";
import { builder, type Context } from "./builder.js";
import { byKey, CertaintyEnum, ChainOrderEnum, PredicateEnum, type Projected } from "./common.js";
import { checkId } from "./ids.js";
import { EntityRef, MechanismLinkRef } from "./refs.js";

export const MAX_HOPS = 6;
/** Partial chains kept per hop: ten per answer asked for, within 100..200. */
export const beamWidth = (first: number) => Math.min(200, Math.max(100, 10 * first));

export function checkHops(hops: unknown, argument = "maxHops"): number {
  if (typeof hops !== "number" || !Number.isInteger(hops) || hops < 1 || hops > MAX_HOPS) {
    throw clientError("BAD_USER_INPUT", `\`${argument}\` must be a whole number from 1 to ${MAX_HOPS}.`, { argument });
  }
  return hops;
}

interface BeamOptions {
  hops: number;
  direction: "OUT" | "IN";
  /** Chains end at `b`; without a target every expansion is a candidate (reach). */
  toTarget: boolean;
  predicates: readonly string[] | null | undefined;
  /**
   * Partial chains kept per entity reached at a hop: the best `first` suffice for the best
   * `first` chains overall (as in k-shortest-path search), and one for the best chain to each.
   */
  perEntity: number;
  /** Partial chains kept for the next hop (beamWidth). */
  beam: number;
  /** Run as the database's kg.beamSearch procedure (graph/native-search.ts): same answers. */
  native: boolean;
}

/**
 * Cypher that starts from `a` (and, with a target, `b`) and leaves `found`: a list of path maps
 * {nodes, ids, score}: entities and link ids in walk order from `a`.
 */
function beamSearch(options: BeamOptions, q: CypherBuilder): string {
  const filter = options.predicates?.length ? q.param(options.predicates) : null;
  const beam = q.param(int(options.beam));
  const perEntity = q.param(int(options.perEntity));
  const out = options.direction === "OUT";
  if (options.native) {
    const args = [
      "a",
      options.toTarget ? "b" : "null",
      q.param(options.direction),
      String(options.hops), // a whole number 1..MAX_HOPS (checkHops): a literal, as in the Cypher search
      beam,
      perEntity,
      q.param(int(FANOUT)),
      filter ?? "null",
    ];
    return `CALL ${NATIVE_SEARCH_PROCEDURE}(${args.join(", ")}) YIELD found`;
  }
  // Each entity's FANOUT strongest links are kept as shortcuts (strongest-links.ts), so a hub
  // costs FANOUT reads, not thousands. A predicate filter changes which links are strongest:
  // then the entity's links are read and ranked here.
  const strongest = filter
    ? `MATCH (n)${out ? "-[r:LINK]->" : "<-[r:LINK]-"}(m:Entity) WHERE r.predicate IN ${filter}
       WITH r.id AS rid, coalesce(r.score, 0.0) AS rscore, m ORDER BY rscore DESC, rid LIMIT ${q.param(int(FANOUT))} RETURN rid, rscore, m`
    : `MATCH (n)${out ? "-[r:STRONGEST_OUT]->" : "<-[r:STRONGEST_IN]-"}(m) RETURN r.linkId AS rid, r.score AS rscore, m`;
  const intoTarget = `MATCH (n)-[r:LINK]->(b)${filter ? ` WHERE r.predicate IN ${filter}` : ""} RETURN r.id AS rid, coalesce(r.score, 0.0) AS rscore, b AS m`;
  const carried = options.toTarget ? "a, b" : "a";
  const withB = options.toTarget ? ", b" : "";
  let cypher = `WITH ${carried}, [{nodes: [a], ids: [], score: 1.0}] AS frontier, [] AS found`;
  for (let level = 1; level <= options.hops; level++) {
    const last = level === options.hops;
    // With a target, the last hop only needs links into it.
    const expansions = !options.toTarget
      ? `WITH n ${strongest}`
      : last
        ? `WITH n, b ${intoTarget}`
        : `WITH n ${strongest} UNION WITH n, b ${intoTarget}`;
    const split = options.toTarget
      ? `collect(CASE WHEN m = b THEN p END) AS reached, collect(CASE WHEN m <> b THEN p END)[0..${beam}] AS next`
      : `collect(p) AS reached, collect(p)[0..${beam}] AS next`;
    cypher += `
CALL {
  WITH frontier${withB}
  UNWIND frontier AS f
  WITH f.nodes[-1] AS n, collect(f) AS paths${withB}
  CALL { ${expansions} }
  UNWIND paths AS f
  WITH f, rid, rscore, m${withB} WHERE NOT m IN f.nodes
  WITH m${withB}, {nodes: f.nodes + m, ids: f.ids + rid, score: f.score * rscore} AS p
  ORDER BY p.score DESC, p.ids
  WITH m${withB}, collect(p) AS paths
  UNWIND ${options.toTarget ? `CASE WHEN m = b THEN paths ELSE paths[0..${perEntity}] END` : `paths[0..${perEntity}]`} AS p
  WITH m${withB}, p ORDER BY p.score DESC, p.ids
  RETURN ${split}
}
WITH ${carried}, found + reached AS found, next AS frontier`;
  }
  return cypher;
}

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

/** Map expression for the path map `p` ({nodes, ids, score}) with the requested MechanismChain fields. */
function chainProjection(fields: readonly FieldSelection[], q: CypherBuilder, reversed = false): string {
  const [nodes, ids] = reversed ? ["reverse(p.nodes)", "reverse(p.ids)"] : ["p.nodes", "p.ids"];
  // Scores are products of 4-decimal link scores: rounded again, so no float artefact reaches a client.
  const parts: string[] = ["hops: size(p.ids)", "score: round(p.score, 4)"];
  // A link id is link:<from>:<predicate>:<to>, so definitional links are known without a read.
  const empirical = `[k IN range(0, size(${ids}) - 1) WHERE NOT split(${ids}[k], ':')[2] IN ${DEFINITIONAL}]`;
  for (const field of fields) {
    const key = `\`${field.key}\``;
    if (field.name === "hops") parts.push(`${key}: size(p.ids)`);
    if (field.name === "score") parts.push(`${key}: round(p.score, 4)`);
    if (field.name === "empiricalHops") parts.push(`${key}: size(${empirical})`);
    if (field.name === "evidenceStartsAt") parts.push(`${key}: head(${empirical})`);
    if (field.name === "certainty") parts.push(`${key}: ${CERTAINTY_NAMES}[${chainCertaintyRank(ids)}]`);
    if (field.name === "nodes") {
      const x = q.variable("n");
      parts.push(
        `${key}: COLLECT { UNWIND range(0, size(${nodes}) - 1) AS i WITH ${nodes}[i] AS ${x}, i RETURN ${projection("Entity", x, field.children.get("Entity") ?? [], q)} AS value ORDER BY i }`,
      );
    }
    if (field.name === "links") {
      const x = q.variable("l");
      parts.push(
        `${key}: COLLECT { UNWIND range(0, size(${ids}) - 1) AS i MATCH ()-[${x}:LINK {id: ${ids}[i]}]->() USING INDEX SEEK ${x}:LINK(id) RETURN ${projection("MechanismLink", x, field.children.get("MechanismLink") ?? [], q)} AS value ORDER BY i }`,
      );
    }
  }
  return `{${parts.join(", ")}}`;
}

const DEFINITIONAL = `[${DEFINITIONAL_PREDICATES.map((p) => `'${p}'`).join(", ")}]`;
const CERTAINTY_NAMES = `[${CERTAINTIES.map((c) => `'${c}'`).join(", ")}]`;

/** The weakest certainty rank among a chain's links (0 ASSERTED .. 2 ASSOCIATIONAL): one index seek per link. */
const chainCertaintyRank = (ids: string) =>
  `coalesce(head(COLLECT { UNWIND ${ids} AS certaintyLinkId MATCH ()-[certaintyLink:LINK {id: certaintyLinkId}]->() USING INDEX SEEK certaintyLink:LINK(id) RETURN coalesce(certaintyLink.certaintyRank, 0) AS certaintyRank ORDER BY certaintyRank DESC LIMIT 1 }), 0)`;

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
      minCertainty: t.arg({
        type: CertaintyEnum,
        required: false,
        description: "Only chains at least this firm: ASSERTED keeps chains of asserted links only; HEDGED also hedged ones.",
      }),
    },
    description:
      "The distinct directed chains of mechanism links from one entity to another (no entity twice), up to maxHops. NOT_FOUND when either end does not exist; an empty list when they are not connected.",
    resolve: async (_root, args, ctx, info) => {
      const q = new CypherBuilder();
      const from = q.param(checkId("entity", args.from, "from"));
      const to = q.param(checkId("entity", args.to, "to"));
      const hops = checkHops(args.maxHops ?? 4);
      const first = firstArg(args.first, 10);
      const limit = q.param(int(first));
      const order = {
        EVIDENCE: "p.score DESC, size(p.ids)",
        LENGTH: "size(p.ids), p.score DESC",
        CERTAINTY: "rank, p.score DESC, size(p.ids)",
      }[args.orderBy ?? "EVIDENCE"];
      // Certainty needs each found chain's links read: only when it filters or orders the chains.
      const byCertainty = args.minCertainty || args.orderBy === "CERTAINTY";
      const certainty = byCertainty
        ? `WITH p, ${chainCertaintyRank("p.ids")} AS rank${args.minCertainty ? ` WHERE rank <= ${q.param(int(CERTAINTIES.indexOf(args.minCertainty)))}` : ""}`
        : "";
      const fields = selectionOf(info).get("MechanismChain") ?? [];
      const native = (await ctx.nativeSearch?.available()) ?? false;
      const search = beamSearch(
        { hops, direction: "OUT", toTarget: true, predicates: args.predicates, perEntity: first, beam: beamWidth(first), native },
        q,
      );
      const cypher = `OPTIONAL MATCH (a:Entity {id: ${from}})
OPTIONAL MATCH (b:Entity {id: ${to}})
CALL {
  WITH a, b
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
  ${search}
  UNWIND found AS p
  ${certainty}
  WITH p ORDER BY ${order}, p.ids LIMIT ${limit}
  RETURN collect(${chainProjection(fields, q)}) AS chains
}
RETURN {fromFound: a IS NOT NULL, toFound: b IS NOT NULL, chains: chains} AS value`;
      const row = (await readTraversal(ctx, cypher, q)) as Projected;
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

async function reach(ctx: Context, info: GraphQLResolveInfo, direction: "OUT" | "IN", args: ReachArgs) {
  const q = new CypherBuilder();
  const anchor = q.param(checkId("entity", args.id));
  const hops = checkHops(args.maxHops ?? 3);
  const first = firstArg(args.first, 20);
  const limit = q.param(int(first));
  const fields = selectionOf(info).get("Reach") ?? [];
  const entityFields = childSelection(fields, "entity", "Entity");
  const chainFields = childSelection(fields, "chain", "MechanismChain");
  // Upstream walks against the link direction; its paths are read reversed so chains read causally.
  const native = (await ctx.nativeSearch?.available()) ?? false;
  const search = beamSearch(
    { hops, direction, toTarget: false, predicates: args.predicates, perEntity: 1, beam: beamWidth(first), native },
    q,
  );
  const cypher = `OPTIONAL MATCH (a:Entity {id: ${anchor}})
CALL {
  WITH a
  WITH a WHERE a IS NOT NULL
  ${search}
  UNWIND found AS p
  WITH p.nodes[-1] AS e, p ORDER BY p.score DESC, size(p.ids), p.ids
  WITH e, collect(p)[0] AS p
  ORDER BY p.score DESC, size(p.ids), e.id
  LIMIT ${limit}
  RETURN collect({entity: ${projection("Entity", "e", entityFields, q)}, hops: size(p.ids), score: round(p.score, 4), chain: ${chainProjection(chainFields, q, direction === "IN")}}) AS reached
}
RETURN {found: a IS NOT NULL, reached: reached} AS value`;
  const row = (await readTraversal(ctx, cypher, q)) as Projected;
  if (!row.found) notFound([args.id]);
  return row.reached.map((r: Projected) => withResponseKeys(r, fields));
}
