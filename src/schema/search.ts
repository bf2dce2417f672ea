/** Full-text search over entity names and synonyms, claim statements and study titles. */
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { readRows } from "../graph/read.js";
import { CypherBuilder, firstArg, projection } from "../translate/projection.js";
import { selectionOf, withResponseKeys } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, NodeRef, type Projected } from "./common.js";

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

const SearchHitRef = builder.objectRef<Projected>("SearchHit").implement({
  description: "One search result: the matching node, what type it is, and how well it matched.",
  fields: (t) => ({
    node: t.field({ type: NodeRef, resolve: byKey, description: "The entity, claim or study that matched." }),
    type: t.string({ resolve: byKey, description: "Entity, Claim or Study." }),
    label: t.string({ resolve: byKey, description: "The name, statement or title that is shown for it." }),
    score: t.float({ resolve: byKey, description: "Full-text relevance (higher is better; only comparable within one search)." }),
  }),
});

builder.queryFields((t) => ({
  search: t.field({
    type: [SearchHitRef],
    args: {
      query: t.arg.string({ required: true, description: "Any text; it is escaped, never parsed as query syntax." }),
      first: t.arg.int({ required: false, defaultValue: 10, description: "At most this many hits (1..100)." }),
    },
    description: "Full-text search over entity names and synonyms, claim statements and study titles, best match first.",
    resolve: async (_root, args, ctx, info) => {
      const q = new CypherBuilder();
      const lucene = q.param(searchQuery(args.query));
      const limit = q.param(int(firstArg(args.first, 10)));
      const hit = selectionOf(info).get("SearchHit") ?? [];
      const nodeFields = (type: string) => hit.filter((f) => f.name === "node").flatMap((f) => f.children.get(type) ?? []);
      const cypher = `CALL db.index.fulltext.queryNodes('kg_search', ${lucene}, {limit: ${limit}}) YIELD node AS n, score
RETURN {score: score,
  type: CASE WHEN n:Entity THEN 'Entity' WHEN n:Claim THEN 'Claim' ELSE 'Study' END,
  label: coalesce(n.name, n.statement, n.title, n.id),
  node: CASE WHEN n:Entity THEN ${projection("Entity", "n", nodeFields("Entity"), q)}
             WHEN n:Claim THEN ${projection("Claim", "n", nodeFields("Claim"), q)}
             ELSE ${projection("Study", "n", nodeFields("Study"), q)} END} AS value
ORDER BY score DESC, n.id`;
      const rows = await readRows(ctx, cypher, q);
      // Every hit's fields live under the response keys of its parent `search` selection.
      return rows.map((row) => withResponseKeys(row, hit));
    },
  }),
}));
