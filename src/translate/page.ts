/**
 * Relay-style pages over one label as Cypher, keyset-paginated by id: one query returns the page
 * (first + 1 rows, to know whether there is a next page) and, when asked, the total. The
 * connection types and the shaping of the answer are schema/connection.ts's.
 */
import { int } from "../db/database.js";
import { clientError } from "../errors.js";
import { type CypherBuilder, firstArg } from "./cypher.js";
import { projection } from "./projection.js";
import { childSelection, type FieldSelection } from "./selection.js";

export const encodeCursor = (kind: string, id: string) => Buffer.from(`${kind}|${id}`, "utf8").toString("base64url");

export function decodeCursor(kind: string, cursor: string | null | undefined): string | null {
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

export interface PageRequest {
  label: "Entity" | "Claim" | "Study";
  type: string;
  /** Conditions on `n` (already parameterised through `q`); may be empty. */
  where: string[];
  /** Cypher that must precede the MATCH (e.g. a full-text call yielding `node`); optional. */
  prefix?: string;
  /**
   * Cypher run once before everything else, binding `names` (one row) for the conditions to use:
   * e.g. the bounded set of narrower terms a claims filter asks about. Optional.
   */
  lead?: {
    cypher: string;
    names: readonly string[];
    /** Further keys of the page's value, each a name the lead bound: e.g. what a walk says of itself. */
    answers?: Readonly<Record<string, string>>;
  };
  first: unknown;
  after: string | null | undefined;
}

/** A page's query, with the checked page size and the id it starts after. */
export interface PagePlan {
  cypher: string;
  first: number;
  after: string | null;
}

/**
 * The query for one page over the `<Type>Connection` selection `selection`; its single `value` is
 * {items, total}: first + 1 projected nodes (each with `__id`) and the total when asked, else null;
 * plus the lead's `answers`, if any.
 */
export function pageCypher(selection: readonly FieldSelection[], page: PageRequest, q: CypherBuilder): PagePlan {
  const first = firstArg(page.first);
  const after = decodeCursor(page.type, page.after);
  const nodeFields = [
    ...childSelection(childSelection(selection, "edges", `${page.type}Edge`), "node", page.type),
    ...childSelection(selection, "nodes", page.type),
  ];
  // What the lead bound, carried past each WITH.
  const carried = page.lead?.names.map((name) => `, ${name}`).join("") ?? "";
  const lead = page.lead ? `${page.lead.cypher}\n` : "";
  const match = page.prefix ? `${page.prefix} WITH node AS n${carried} WHERE n:${page.label}` : `MATCH (n:${page.label})`;
  const filters = page.where.length ? page.where.join(" AND ") : "true";
  // Always a range on id (from "" on the first page), so the id index yields rows in order and
  // LIMIT stops the scan early instead of sorting the whole label.
  const keyset = ` AND n.id > ${q.param(after ?? "")}`;
  const node = projection(page.type, "n", nodeFields, q);
  const wantsTotal = selection.some((f) => f.name === "totalCount");
  const total = wantsTotal
    ? `COUNT { ${page.prefix ? `${page.prefix} WITH node AS n${carried} WHERE n:${page.label} AND` : `MATCH (n:${page.label}) WHERE`} ${filters} RETURN n }`
    : "null";
  const pageRows = `${match}${page.prefix ? " AND " : " WHERE "}${filters}${keyset}
WITH n ORDER BY n.id LIMIT ${q.param(int(first + 1))}`;
  // With a lead, the page is a subquery, so that what the lead bound is still there for the total
  // (a grouping key through collect() would drop the one row when the page is empty).
  const answers = Object.entries(page.lead?.answers ?? {})
    .map(([key, name]) => `, ${key}: ${name}`)
    .join("");
  const cypher = page.lead
    ? `${lead}CALL { WITH ${page.lead.names.join(", ")}
${pageRows}
RETURN collect(${node}) AS items }
RETURN {items: items, total: ${total}${answers}} AS value`
    : `${pageRows}
WITH collect(${node}) AS items
RETURN {items: items, total: ${total}} AS value`;
  return { cypher, first, after };
}
