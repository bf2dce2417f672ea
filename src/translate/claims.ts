/**
 * Claims as Cypher: a page of claims under a filter, evidence gaps and overstatements (the
 * resolvers are schema/claim.ts's and schema/evidence.ts's).
 */
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { STANCES } from "../model/vocabulary.js";
import { type CypherBuilder, firstArg } from "./cypher.js";
import { checkId } from "./ids.js";
import { type PagePlan, type PageRequest, pageCypher } from "./page.js";
import { projection } from "./projection.js";
import { searchQuery } from "./search.js";
import type { FieldSelection } from "./selection.js";

/** The evidence types that count in a claim's support (MIXED counts half). */
export const SUPPORTING_TYPES = STANCES.filter((s) => s !== "CONTRADICTS").join("|");
/** The evidence types that count against a claim (MIXED counts half). */
export const OPPOSING_TYPES = STANCES.filter((s) => s !== "SUPPORTS").join("|");

/** A claim for which no study is cited in support: an evidence gap of its source. */
export const EVIDENCE_GAP = (c: string) => `NOT EXISTS { (:Study)-[:${SUPPORTING_TYPES}]->(${c}) }`;

/** Full-text hits read per claim search, each way (statements; entities' names and synonyms). */
const SEARCH_CAP = 1000;

/**
 * The most narrower terms a claims filter on `about` takes in (SUBCLASS_OF, up to 3 steps): the
 * walk's hard bound, whatever the shape of the subclass tree. Closer levels are taken first.
 */
export const NARROWER_LIMIT = 500;

/**
 * The entity and its narrower terms as `narrower`, in one row: down the subclass tree a level at
 * a time, each level stopping at NARROWER_LIMIT terms, the three cut to NARROWER_LIMIT. Walked once
 * per request, not once per claim; an unknown entity gives an empty list. A term met again (a
 * subclass tree that is a DAG, or a cycle) is not taken in twice.
 *
 * Also `narrowerWalk`, what the answer says of the walk (ClaimConnection.narrowerTerms): the terms
 * taken in, and whether the bound cut any. Each level asks for one term more than the bound, so a
 * cut is seen in the same query, not guessed from a count that merely reached it.
 */
function narrowerTerms(about: string, q: CypherBuilder): string {
  const limit = q.param(int(NARROWER_LIMIT));
  const oneMore = q.param(int(NARROWER_LIMIT + 1));
  // `seen<n>`: every term taken in so far, one list bound once, so the database checks each
  // candidate against it rather than building a new list per row.
  const level = (n: number) =>
    `CALL { WITH seen${n - 1}, level${n - 1} UNWIND level${n - 1} AS parent MATCH (child:Entity)-[:LINK {predicate: 'SUBCLASS_OF'}]->(parent) WHERE NOT child IN seen${n - 1} WITH DISTINCT child LIMIT ${oneMore} RETURN collect(child) AS found${n} }
  WITH level0, found${n}[..${limit}] AS level${n}, seen${n - 1} + found${n}[..${limit}] AS seen${n}, cut${n - 1} OR size(found${n}) > ${limit} AS cut${n}`;
  return `CALL {
  OPTIONAL MATCH (top:Entity {id: ${about}})
  WITH [x IN [top] WHERE x IS NOT NULL] AS level0
  WITH level0, level0 AS seen0, false AS cut0
  ${level(1)}
  ${level(2)}
  ${level(3)}
  WITH level0, seen3[size(level0)..] AS below, cut3
  RETURN level0 + below[..${limit}] AS narrower,
    {walked: size(below[..${limit}]), truncated: cut3 OR size(below) > ${limit}, limit: ${limit}} AS narrowerWalk
}`;
}

/** The coerced `ClaimFilter` input. */
export interface ClaimFilter {
  about?: string | null;
  narrower?: boolean | null;
  search?: string | null;
  minScore?: number | null;
  unsupported?: boolean | null;
}

/** The conditions on `n` and the full-text prefix for a claim filter. */
function claimConditions(filter: ClaimFilter | null | undefined, q: CypherBuilder) {
  const where: string[] = [];
  let lead: PageRequest["lead"];
  if (filter?.about) {
    const about = q.param(checkId("entity", filter.about, "filter.about"));
    if (filter.narrower === false) where.push(`EXISTS { (n)-[:ABOUT]->(:Entity {id: ${about}}) }`);
    else {
      lead = { cypher: narrowerTerms(about, q), names: ["narrower"], answers: { narrowerTerms: "narrowerWalk" } };
      where.push("EXISTS { (n)-[:ABOUT]->(e:Entity) WHERE e IN narrower }");
    }
  }
  if (filter?.minScore !== undefined && filter?.minScore !== null) {
    if (!(filter.minScore >= 0 && filter.minScore <= 1)) {
      throw clientError("BAD_USER_INPUT", "`filter.minScore` must be from 0 to 1.", { argument: "filter.minScore" });
    }
    where.push(`n.score >= ${q.param(filter.minScore)}`);
  }
  if (filter?.unsupported === true) where.push("coalesce(n.supporting, 0) = 0");
  if (filter?.unsupported === false) where.push("n.supporting > 0");
  // The words of a statement, or the names and synonyms of what it is about (diarrhea finds
  // the claims about diarrhoea); each full-text call bounded.
  const lucene = filter?.search ? q.param(searchQuery(filter.search, "filter.search")) : null;
  const prefix = lucene
    ? `CALL {
  CALL db.index.fulltext.queryNodes('kg_search', ${lucene}, {limit: ${SEARCH_CAP}}) YIELD node WITH node WHERE node:Claim RETURN node
  UNION
  CALL db.index.fulltext.queryNodes('kg_search', ${lucene}, {limit: ${SEARCH_CAP}}) YIELD node WITH node WHERE node:Entity
  MATCH (c:Claim)-[:ABOUT]->(node) RETURN c AS node
}`
    : undefined;
  return { where, prefix, lead };
}

/** The coerced arguments of `claims`. */
export interface ClaimsArgs {
  filter?: ClaimFilter | null;
  first?: number | null;
  after?: string | null;
}

/** `claims` as a page over the ClaimConnection selection. */
export function claimsPageCypher(selection: readonly FieldSelection[], args: ClaimsArgs, q: CypherBuilder): PagePlan {
  const { where, prefix, lead } = claimConditions(args.filter, q);
  return pageCypher(selection, { label: "Claim", type: "Claim", where, prefix, lead, first: args.first, after: args.after }, q);
}

/** `evidenceGaps`: one row per claim with no supporting study, by id. */
export function evidenceGapsCypher(fields: readonly FieldSelection[], args: { first?: number | null }, q: CypherBuilder) {
  const limit = q.param(int(firstArg(args.first, 100)));
  return `MATCH (n:Claim) WHERE ${EVIDENCE_GAP("n")} WITH n ORDER BY n.id LIMIT ${limit} RETURN ${projection("Claim", "n", fields, q)} AS value`;
}

/** `overstatements`: one row per claim whose source outruns its evidence, largest gap first. */
export function overstatementsCypher(fields: readonly FieldSelection[], args: { first?: number | null }, q: CypherBuilder) {
  const limit = q.param(int(firstArg(args.first, 20)));
  return `MATCH (n:Claim) WHERE n.gap > 0 WITH n ORDER BY n.gap DESC, n.id LIMIT ${limit} RETURN ${projection("Claim", "n", fields, q)} AS value`;
}
