/** One node by id with the requested selection, as one query (entity, claim, study, source, node). */
import type { CypherBuilder } from "./cypher.js";
import { projection } from "./projection.js";
import type { FieldSelection } from "./selection.js";

export type NodeLabel = "Entity" | "Claim" | "Study" | "Source";

/** The query for the node `id` (already checked) of `type` over its selection; no row when absent. */
export function lookupCypher(type: NodeLabel, id: string, fields: readonly FieldSelection[], q: CypherBuilder): string {
  return `MATCH (n:${type} {id: ${q.param(id)}}) RETURN ${projection(type, "n", fields, q)} AS value`;
}
