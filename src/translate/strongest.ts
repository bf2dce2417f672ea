/**
 * The one home of the strongest-link read. Each entity's FANOUT strongest links each way (evidence
 * score descending, then link id) are kept as shortcut relationships (graph/strongest-links.ts
 * writes them):
 *
 *   (e)-[:STRONGEST_OUT {linkId, score, rank}]->(m)  for e's FANOUT best outgoing LINKs
 *   (m)-[:STRONGEST_IN  {linkId, score, rank}]->(e)  for e's FANOUT best incoming LINKs
 *
 * so a hub costs FANOUT reads, not a sort of its thousands of links. An entity's `outgoing` and
 * `incoming` lists (projection.ts), each hop of a chain search (chain.ts) and each level of a
 * neighbourhood (neighborhood.ts) read them through the functions here.
 */
import { int } from "../db/database.js";
import type { CypherBuilder } from "./cypher.js";

/** Links followed from each entity per hop of a chain search (and kept as shortcuts). */
export const FANOUT = 40;

export type LinkDirection = "OUT" | "IN";

/** The pattern from `node` along its strongest-link shortcut `shortcut` one way to `end` (may be empty). */
export function shortcutPattern(node: string, direction: LinkDirection, shortcut: string, end = ""): string {
  return direction === "OUT"
    ? `(${node})-[${shortcut}:STRONGEST_OUT]->(${end})`
    : `(${node})<-[${shortcut}:STRONGEST_IN]-(${end})`;
}

/**
 * A subquery body (it needs `node` imported) returning one row per link followed from `node` one
 * way, strongest first: `rid` (the link id), `rscore` (its score) and `m` (the entity at its other
 * end). Without a predicate filter these are the FANOUT shortcuts; a filter (a parameter holding
 * predicates) changes which links are strongest, so then the entity's links are read and ranked.
 */
export function strongestRows(node: string, direction: LinkDirection, q: CypherBuilder, filter?: string | null): string {
  if (!filter) return `MATCH ${shortcutPattern(node, direction, "r", "m")} RETURN r.linkId AS rid, r.score AS rscore, m`;
  const link = direction === "OUT" ? "-[r:LINK]->" : "<-[r:LINK]-";
  return `MATCH (${node})${link}(m:Entity) WHERE r.predicate IN ${filter}
       WITH r.id AS rid, coalesce(r.score, 0.0) AS rscore, m ORDER BY rscore DESC, rid LIMIT ${q.param(int(FANOUT))} RETURN rid, rscore, m`;
}

/**
 * A list's body binding the LINK `link` for the first `first` strongest links of `node` one way,
 * strongest first (`tail` orders what the body bound): read from the shortcuts when they hold them
 * (no predicate filter, `first` <= FANOUT), else from the links themselves.
 */
export function strongestLinkList(
  node: string,
  link: string,
  direction: LinkDirection,
  first: number,
  predicates: readonly string[] | null | undefined,
  q: CypherBuilder,
): { body: string; tail: string } {
  const limit = q.param(int(first));
  if (first <= FANOUT && !predicates?.length) {
    const shortcut = `${link}_s`;
    return {
      body: `MATCH ${shortcutPattern(node, direction, shortcut)} WITH ${shortcut} ORDER BY ${shortcut}.rank LIMIT ${limit} MATCH ()-[${link}:LINK {id: ${shortcut}.linkId}]->() USING INDEX SEEK ${link}:LINK(id)`,
      tail: `ORDER BY ${link}.score DESC, ${link}.id`,
    };
  }
  const filter = predicates?.length ? ` WHERE ${link}.predicate IN ${q.param(predicates)}` : "";
  return {
    body: `MATCH (${node})${direction === "OUT" ? `-[${link}:LINK]->` : `<-[${link}:LINK]-`}()${filter}`,
    tail: `ORDER BY ${link}.score DESC, ${link}.id LIMIT ${limit}`,
  };
}
