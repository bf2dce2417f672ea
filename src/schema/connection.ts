/**
 * Relay-style connections over one label, keyset-paginated by id: one Cypher round trip returns
 * the page (first + 1 rows, to know whether there is a next page) and, when asked, the total.
 */
import { type GraphQLResolveInfo, getNamedType } from "graphql";
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { readOne } from "../graph/read.js";
import { CypherBuilder, firstArg, projection } from "../translate/projection.js";
import { childSelection, selectionOf } from "../translate/selection.js";
import type { Context } from "./builder.js";
import { builder } from "./builder.js";
import type { Projected } from "./common.js";

const encodeCursor = (kind: string, id: string) => Buffer.from(`${kind}|${id}`, "utf8").toString("base64url");

function decodeCursor(kind: string, cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  const decoded = cursor.length <= 400 ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const [cursorKind, id] = decoded.split("|", 2);
  if (cursorKind !== kind || !id) {
    throw clientError("BAD_USER_INPUT", "`after` is not a cursor of this list; pass an `endCursor` it returned.", {
      argument: "after",
    });
  }
  return id;
}

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
      edges: t.field({ type: [edge], resolve: (p) => p.edges, description: "The page's items." }),
      nodes: t.field({
        type: [nodeType as never],
        resolve: (p) => p.edges.map((e: Projected) => e.node),
        description: "The page's items without cursors.",
      }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (p) => p.pageInfo, description: "Paging state." }),
      totalCount: t.int({ resolve: (p) => p.totalCount, description: "How many items match the filter, over all pages." }),
    }),
  });
}

export interface PageRequest {
  label: "Entity" | "Claim" | "Study";
  type: string;
  /** Conditions on `n` (already parameterised through `q`); may be empty. */
  where: string[];
  /** Cypher that must precede the MATCH (e.g. a full-text call yielding `n`); optional. */
  prefix?: string;
  first: unknown;
  after: string | null | undefined;
}

export async function pageOf(ctx: Context, info: GraphQLResolveInfo, page: PageRequest, q = new CypherBuilder()) {
  const first = firstArg(page.first);
  const after = decodeCursor(page.type, page.after);
  const selection = selectionOf(info).get(getNamedType(info.returnType).name) ?? [];
  const nodeFields = [
    ...childSelection(childSelection(selection, "edges", `${page.type}Edge`), "node", page.type),
    ...childSelection(selection, "nodes", page.type),
  ];
  const match = page.prefix ? `${page.prefix} WITH node AS n WHERE n:${page.label}` : `MATCH (n:${page.label})`;
  const filters = page.where.length ? page.where.join(" AND ") : "true";
  // Always a range on id (from "" on the first page), so the id index yields rows in order and
  // LIMIT stops the scan early instead of sorting the whole label.
  const keyset = ` AND n.id > ${q.param(after ?? "")}`;
  const node = projection(page.type, "n", nodeFields, q);
  const wantsTotal = selection.some((f) => f.name === "totalCount");
  const total = wantsTotal
    ? `COUNT { ${page.prefix ? `${page.prefix} WITH node AS n WHERE n:${page.label} AND` : `MATCH (n:${page.label}) WHERE`} ${filters} RETURN n }`
    : "null";
  const cypher = `${match}${page.prefix ? " AND " : " WHERE "}${filters}${keyset}
WITH n ORDER BY n.id LIMIT ${q.param(int(first + 1))}
WITH collect(${node}) AS items
RETURN {items: items, total: ${total}} AS value`;
  const row = await readOne(ctx, cypher, q);
  const items: Projected[] = row?.items ?? [];
  const edges = items.slice(0, first).map((item) => ({ cursor: encodeCursor(page.type, item.__id ?? item.id), node: item }));
  return {
    edges,
    totalCount: row?.total ?? null,
    pageInfo: {
      hasNextPage: items.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
