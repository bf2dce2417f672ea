/**
 * Full-text search as Cypher: user text made into a safe Lucene query, and the search over entity
 * names and synonyms, claim statements and study titles (schema/search.ts declares the types).
 */
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { type CypherBuilder, firstArg } from "./cypher.js";
import { projection } from "./projection.js";
import type { FieldSelection } from "./selection.js";

export const MAX_SEARCH_LENGTH = 200;

/**
 * Turns any user text into a safe Lucene query: every term is escaped (so `AND`, quotes,
 * wildcards, brackets and colons are plain text), terms are OR-ed, the whole text as a phrase
 * is boosted, and the last term also matches as a prefix so that type-ahead works ("sero" finds
 * serotonin).
 */
export function searchQuery(text: string, argument = "query"): string {
  if (text.length > MAX_SEARCH_LENGTH) {
    throw clientError("BAD_USER_INPUT", `\`${argument}\` is longer than ${MAX_SEARCH_LENGTH} characters.`, { argument });
  }
  const terms = text
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 16);
  if (terms.length === 0) {
    throw clientError("BAD_USER_INPUT", `\`${argument}\` needs at least one letter or digit.`, { argument });
  }
  // After the split only letters and digits remain, so no term can carry Lucene syntax;
  // operator words are quoted so "and"/"or"/"not" stay words.
  const quoted = terms.map((term) => `"${term}"`);
  const last = terms.at(-1) as string;
  // The whole text as a phrase ranks first ("second brain" before anything merely about brains).
  const phrase = terms.length > 1 ? [`"${terms.join(" ")}"^4`] : [];
  const prefix = last.length >= 2 ? [`${last}*`] : [];
  return [...phrase, ...quoted, ...prefix].join(" OR ");
}

/**
 * `search` over the SearchHit selection `hit`: one row per hit, {score, type, label, node}, best
 * first; the node projected for its concrete type with the fields asked of it.
 */
export function searchCypher(
  hit: readonly FieldSelection[],
  args: { query: string; first?: number | null },
  q: CypherBuilder,
): string {
  const lucene = q.param(searchQuery(args.query));
  const limit = q.param(int(firstArg(args.first, 10)));
  const nodeFields = (type: string) => hit.filter((f) => f.name === "node").flatMap((f) => f.children.get(type) ?? []);
  return `CALL db.index.fulltext.queryNodes('kg_search', ${lucene}, {limit: ${limit}}) YIELD node AS n, score
RETURN {score: score,
  type: CASE WHEN n:Entity THEN 'Entity' WHEN n:Claim THEN 'Claim' ELSE 'Study' END,
  label: coalesce(n.name, n.statement, n.title, n.id),
  node: CASE WHEN n:Entity THEN ${projection("Entity", "n", nodeFields("Entity"), q)}
             WHEN n:Claim THEN ${projection("Claim", "n", nodeFields("Claim"), q)}
             ELSE ${projection("Study", "n", nodeFields("Study"), q)} END} AS value
ORDER BY score DESC, n.id`;
}
