/**
 * Mechanism chains as Cypher: directed paths of LINKs between entities (mechanismChains), and
 * one-sided exploration (downstream: what an entity influences; upstream: what leads into it).
 * Each is one query; schema/chain.ts runs it through the traversal cache and shapes the answer.
 *
 * Paths are found by a beam search written out hop by hop (1..6 hops, the count from a fixed
 * table, never from request text): from every partial chain it follows the entity's strongest
 * FANOUT links (strongest.ts), plus, for chains, any link straight into the target; each entity
 * is expanded once per hop however many partial chains end there. It drops paths that would visit
 * an entity twice, keeps at most `first` partial chains per entity reached (one, when exploring
 * one side), and the best partial chains by score for the next hop (the beam: 100 to 200, wider
 * when more answers are asked for). The work per request is therefore bounded by hops x beam x
 * FANOUT whatever the graph's size; on graphs where no entity has more than FANOUT links and no
 * hop more partial chains than the beam (the article's graph, for one) the search is exhaustive
 * and so exact. Scores are products of link scores (evidence-rule.ts); ties break on link ids, so
 * answers are deterministic.
 *
 * Where the database has the kg.beamSearch procedure (the plugin plugins/kg-procedures.jar, see
 * graph/native-search.ts), the same search runs there, step for step, in Java: the Cypher runtime
 * spends microseconds per partial chain on rows, maps and sorts. Tests hold the two to the same
 * answers.
 */
import { int } from "../db/database.js";
import { NATIVE_SEARCH_PROCEDURE } from "../graph/native-search.js";
import { CERTAINTIES, type Certainty, DEFINITIONAL_PREDICATES } from "../model/vocabulary.js";
import { type CypherBuilder, cypherList, firstArg, intArg } from "./cypher.js";
import { checkId } from "./ids.js";
import { projection } from "./projection.js";
import { childSelection, type FieldSelection } from "./selection.js";
import { FANOUT, type LinkDirection, strongestRows } from "./strongest.js";

export const MAX_HOPS = 6;
/** Partial chains kept per hop: ten per answer asked for, within 100..200. */
export const beamWidth = (first: number) => Math.min(200, Math.max(100, 10 * first));

export const checkHops = (hops: unknown, argument = "maxHops"): number => intArg(hops, { name: argument, min: 1, max: MAX_HOPS });

interface BeamOptions {
  hops: number;
  direction: LinkDirection;
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

/** The procedure call that leaves `found`, as beamSearch does in Cypher. */
function nativeBeamSearch(options: BeamOptions, filter: string | null, beam: string, perEntity: string, q: CypherBuilder) {
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

/**
 * Cypher that starts from `a` (and, with a target, `b`) and leaves `found`: a list of path maps
 * {nodes, ids, score}: entities and link ids in walk order from `a`.
 */
export function beamSearch(options: BeamOptions, q: CypherBuilder): string {
  const filter = options.predicates?.length ? q.param(options.predicates) : null;
  const beam = q.param(int(options.beam));
  const perEntity = q.param(int(options.perEntity));
  if (options.native) return nativeBeamSearch(options, filter, beam, perEntity, q);
  const strongest = strongestRows("n", options.direction, q, filter);
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

const DEFINITIONAL = cypherList(DEFINITIONAL_PREDICATES);
const CERTAINTY_NAMES = cypherList(CERTAINTIES);

/** The weakest certainty rank among a chain's links (0 ASSERTED .. 2 ASSOCIATIONAL): one index seek per link. */
const chainCertaintyRank = (ids: string) =>
  `coalesce(head(COLLECT { UNWIND ${ids} AS certaintyLinkId MATCH ()-[certaintyLink:LINK {id: certaintyLinkId}]->() USING INDEX SEEK certaintyLink:LINK(id) RETURN coalesce(certaintyLink.certaintyRank, 0) AS certaintyRank ORDER BY certaintyRank DESC LIMIT 1 }), 0)`;

/** Map expression for the path map `p` ({nodes, ids, score}) with the requested MechanismChain fields. */
export function chainProjection(fields: readonly FieldSelection[], q: CypherBuilder, reversed = false): string {
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

/** The coerced arguments of `mechanismChains`. */
export interface ChainArgs {
  from: string;
  to: string;
  maxHops?: number | null;
  first?: number | null;
  orderBy?: "EVIDENCE" | "LENGTH" | "CERTAINTY" | null;
  predicates?: readonly string[] | null;
  minCertainty?: Certainty | null;
}

/** The arguments of `mechanismChains`, checked (checkChainArgs). */
export interface ChainSearch {
  from: string;
  to: string;
  hops: number;
  first: number;
  orderBy: "EVIDENCE" | "LENGTH" | "CERTAINTY";
  predicates?: readonly string[] | null;
  minCertainty?: Certainty | null;
}

/**
 * Checks `mechanismChains`' arguments: a bad one is BAD_USER_INPUT before anything else runs
 * (the resolver checks them before it asks whether the native search is there).
 */
export function checkChainArgs(args: ChainArgs): ChainSearch {
  return {
    from: checkId("entity", args.from, "from"),
    to: checkId("entity", args.to, "to"),
    hops: checkHops(args.maxHops ?? 4),
    first: firstArg(args.first, 10),
    orderBy: args.orderBy ?? "EVIDENCE",
    predicates: args.predicates,
    minCertainty: args.minCertainty,
  };
}

const CHAIN_ORDER = {
  EVIDENCE: "p.score DESC, size(p.ids)",
  LENGTH: "size(p.ids), p.score DESC",
  CERTAINTY: "rank, p.score DESC, size(p.ids)",
};

/**
 * Cypher that finds the best `first` chains from `a` to `b` and leaves them as `chains`, each
 * path map {nodes, ids, score} as `collected` makes it (over `p`), with `a` and `b` (null when
 * missing). `native`: search with the database's procedure. Shared by `mechanismChains` and the
 * chains subgraph export (translate/export.ts).
 */
export function bestChainsCypher(args: ChainSearch, native: boolean, q: CypherBuilder, collected: () => string): string {
  const { hops, first } = args;
  const from = q.param(args.from);
  const to = q.param(args.to);
  const limit = q.param(int(first));
  const order = CHAIN_ORDER[args.orderBy];
  // Certainty needs each found chain's links read: only when it filters or orders the chains.
  const byCertainty = args.minCertainty || args.orderBy === "CERTAINTY";
  const certainty = byCertainty
    ? `WITH p, ${chainCertaintyRank("p.ids")} AS rank${args.minCertainty ? ` WHERE rank <= ${q.param(int(CERTAINTIES.indexOf(args.minCertainty)))}` : ""}`
    : "";
  const search = beamSearch(
    { hops, direction: "OUT", toTarget: true, predicates: args.predicates, perEntity: first, beam: beamWidth(first), native },
    q,
  );
  return `OPTIONAL MATCH (a:Entity {id: ${from}})
OPTIONAL MATCH (b:Entity {id: ${to}})
CALL {
  WITH a, b
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
  ${search}
  UNWIND found AS p
  ${certainty}
  WITH p ORDER BY ${order}, p.ids LIMIT ${limit}
  RETURN ${collected()} AS chains
}`;
}

/**
 * `mechanismChains` as one query over the MechanismChain selection `fields`; its single `value`
 * is {fromFound, toFound, chains}. `native`: search with the database's procedure.
 */
export function chainsCypher(fields: readonly FieldSelection[], args: ChainSearch, native: boolean, q: CypherBuilder): string {
  return `${bestChainsCypher(args, native, q, () => `collect(${chainProjection(fields, q)})`)}
RETURN {fromFound: a IS NOT NULL, toFound: b IS NOT NULL, chains: chains} AS value`;
}

/** The coerced arguments of `downstream` and `upstream`. */
export interface ReachArgs {
  id: string;
  maxHops?: number | null;
  first?: number | null;
  predicates?: readonly string[] | null;
}

/** The arguments of `downstream` and `upstream`, checked (checkReachArgs). */
export interface ReachSearch {
  id: string;
  hops: number;
  first: number;
  predicates?: readonly string[] | null;
}

/** Checks `downstream`'s and `upstream`'s arguments, as checkChainArgs does. */
export function checkReachArgs(args: ReachArgs): ReachSearch {
  return {
    id: checkId("entity", args.id),
    hops: checkHops(args.maxHops ?? 3),
    first: firstArg(args.first, 20),
    predicates: args.predicates,
  };
}

/**
 * `downstream` (OUT) or `upstream` (IN) as one query over the Reach selection `fields`; its
 * single `value` is {found, reached}. Upstream walks against the link direction; its paths are
 * read reversed so chains read causally.
 */
export function reachCypher(
  fields: readonly FieldSelection[],
  direction: LinkDirection,
  args: ReachSearch,
  native: boolean,
  q: CypherBuilder,
): string {
  const { hops, first } = args;
  const anchor = q.param(args.id);
  const limit = q.param(int(first));
  const entityFields = childSelection(fields, "entity", "Entity");
  const chainFields = childSelection(fields, "chain", "MechanismChain");
  const search = beamSearch(
    { hops, direction, toTarget: false, predicates: args.predicates, perEntity: 1, beam: beamWidth(first), native },
    q,
  );
  return `OPTIONAL MATCH (a:Entity {id: ${anchor}})
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
}
