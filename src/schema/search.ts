/** Full-text search over entity names and synonyms, claim statements and study titles (Cypher: translate/search.ts). */
import { readRows } from "../graph/read.js";
import { CypherBuilder } from "../translate/cypher.js";
import { searchCypher } from "../translate/search.js";
import { selectionOf, withResponseKeys } from "../translate/selection.js";
import { builder } from "./builder.js";
import { byKey, NodeRef, type Projected } from "./common.js";

export { MAX_SEARCH_LENGTH, searchQuery } from "../translate/search.js";

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
      const hit = selectionOf(info).get("SearchHit") ?? [];
      const rows = await readRows(ctx, searchCypher(hit, args, q), q);
      // Every hit's fields live under the response keys of its parent `search` selection.
      return rows.map((row) => withResponseKeys(row, hit));
    },
  }),
}));
