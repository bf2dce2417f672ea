/**
 * Relay-style connections over one label: the Connection, Edge and PageInfo types, and the
 * resolver's part of a page (its Cypher is translate/page.ts's).
 */
import { type GraphQLResolveInfo, getNamedType } from "graphql";
import type { Context } from "../context.js";
import { readOne } from "../graph/read.js";
import { CypherBuilder } from "../translate/cypher.js";
import { encodeCursor, type PagePlan, type PageRequest, pageCypher } from "../translate/page.js";
import { selectionOf } from "../translate/selection.js";
import { builder } from "./builder.js";
import type { Projected } from "./common.js";

export type { PageRequest } from "../translate/page.js";

export const PageInfoRef = builder.objectRef<Projected>("PageInfo").implement({
  description: "Where a page sits in its list.",
  fields: (t) => ({
    hasNextPage: t.boolean({ resolve: (p) => p.hasNextPage, description: "More items follow this page." }),
    hasPreviousPage: t.boolean({
      resolve: (p) => p.hasPreviousPage,
      description: "Items precede this page (an `after` cursor was given).",
    }),
    startCursor: t.string({
      nullable: true,
      resolve: (p) => p.startCursor,
      description: "Cursor of the first item; null on an empty page.",
    }),
    endCursor: t.string({
      nullable: true,
      resolve: (p) => p.endCursor,
      description: "Pass as `after` for the next page; null on an empty page.",
    }),
  }),
});

/** Declares `<Name>Connection` and `<Name>Edge` for a node type. */
export function connectionType(name: string, nodeType: string, description: string) {
  const edge = builder.objectRef<Projected>(`${name}Edge`).implement({
    description: `One ${nodeType} in a page, with its cursor.`,
    fields: (t) => ({
      cursor: t.string({ resolve: (p) => p.cursor, description: "Opaque position of this item." }),
      node: t.field({ type: nodeType as never, resolve: (p) => p.node, description: `The ${nodeType}.` }),
    }),
  });
  return builder.objectRef<Projected>(`${name}Connection`).implement({
    description,
    fields: (t) => ({
      // The page's size is the connection's `first`, counted there (schema/complexity.ts): once.
      edges: t.field({ type: [edge], complexity: { multiplier: 1 }, resolve: (p) => p.edges, description: "The page's items." }),
      nodes: t.field({
        complexity: { multiplier: 1 },
        type: [nodeType as never],
        resolve: (p) => p.edges.map((e: Projected) => e.node),
        description: "The page's items without cursors.",
      }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (p) => p.pageInfo, description: "Paging state." }),
      totalCount: t.int({ resolve: (p) => p.totalCount, description: "How many items match the filter, over all pages." }),
    }),
  });
}

/** The `<Type>Connection` selection of the field being resolved. */
export const connectionSelection = (info: GraphQLResolveInfo) => selectionOf(info).get(getNamedType(info.returnType).name) ?? [];

/** Runs a page's query (translate/page.ts) and shapes the connection, cursors of `type`. */
export async function readPage(ctx: Context, type: string, plan: PagePlan, q: CypherBuilder) {
  const { first, after } = plan;
  const row = await readOne(ctx, plan.cypher, q);
  // What else the query answered besides the page (e.g. claims' narrowerTerms) goes on the connection.
  const { items: rawItems, total, ...answers } = row ?? {};
  const items: Projected[] = rawItems ?? [];
  const edges = items.slice(0, first).map((item) => ({ cursor: encodeCursor(type, item.__id ?? item.id), node: item }));
  return {
    ...answers,
    edges,
    totalCount: total ?? null,
    pageInfo: {
      hasNextPage: items.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** A page over one label with the given conditions. */
export function pageOf(ctx: Context, info: GraphQLResolveInfo, page: PageRequest, q = new CypherBuilder()) {
  return readPage(ctx, page.type, pageCypher(connectionSelection(info), page, q), q);
}
