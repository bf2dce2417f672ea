/**
 * Where the graph disagrees with itself, as one query (schema/evidence.ts declares the types):
 * opposite directions asserted between the same entities, claims with contradicting or mixed
 * studies, claims whose cited work does not support them, and links an imported knowledge graph's
 * negated edge denies (kgx/mapping.ts, negatedLinkId), each with the evidence on both sides.
 */
import { int } from "../db/database.js";
import { deniedLinkIdCypher } from "../kgx/mapping.js";
import { EVIDENCE_TYPES } from "../model/vocabulary.js";
import { OPPOSING_TYPES } from "./claims.js";
import type { CypherBuilder } from "./cypher.js";
import { projection } from "./projection.js";
import type { FieldSelection } from "./selection.js";

/** Opposite directions between the same two entities, as ordered predicate pairs. */
const OPPOSITES = [
  ["INCREASES", "DECREASES"],
  ["PREVENTS", "CONTRIBUTES_TO"],
  ["TREATS", "CONTRIBUTES_TO"],
] as const;

/** The projection of a Contradiction row {kind, key, description, linkIds, claimIds}. */
function contradictionProjection(fields: readonly FieldSelection[], q: CypherBuilder): string {
  const parts = ["__type: 'Contradiction'"];
  for (const field of fields) {
    const key = `\`${field.key.replace(/`/g, "")}\``;
    if (field.name === "kind" || field.name === "description") parts.push(`${key}: row.${field.name}`);
    const child = (type: string) => field.children.get(type) ?? [];
    if (field.name === "links") {
      parts.push(
        `${key}: COLLECT { UNWIND row.linkIds AS i MATCH ()-[x:LINK {id: i}]->() USING INDEX SEEK x:LINK(id) RETURN ${projection("MechanismLink", "x", child("MechanismLink"), q)} AS value ORDER BY x.id }`,
      );
    }
    if (field.name === "claims") {
      parts.push(
        `${key}: COLLECT { UNWIND row.claimIds AS i MATCH (x:Claim {id: i}) RETURN ${projection("Claim", "x", child("Claim"), q)} AS value ORDER BY x.id }`,
      );
    }
    if (field.name === "evidence") {
      parts.push(
        `${key}: COLLECT { UNWIND row.claimIds AS i MATCH (s:Study)-[x:${EVIDENCE_TYPES}]->(c:Claim {id: i}) RETURN ${projection("Evidence", "x", child("Evidence"), q)} AS value ORDER BY c.id, type(x) DESC, s.id LIMIT 200 }`,
      );
    }
  }
  return `{${parts.join(", ")}}`;
}

/**
 * `contradictions` over the Contradiction selection `fields`: one row per contradiction, by kind
 * then id, at most `first` (already checked).
 */
export function contradictionsCypher(fields: readonly FieldSelection[], first: number, q: CypherBuilder): string {
  const pairs = q.param(OPPOSITES.map((p) => [...p]));
  const sides = q.param([...new Set(OPPOSITES.map((p) => p[0]))]);
  const limit = q.param(int(first));
  // Each part reads one index or relationship type (the predicate index; the evidence types;
  // NEGATED_LINK, few in any KG).
  const cypher = `CALL {
  MATCH (a:Entity)-[l1:LINK]->(b:Entity) WHERE l1.predicate IN ${sides}
  MATCH (a)-[l2:LINK]->(b) WHERE [l1.predicate, l2.predicate] IN ${pairs}
  RETURN 'OPPOSITE_DIRECTIONS' AS kind, l1.id AS key,
    a.name + ': ' + l1.predicate + ' and ' + l2.predicate + ' ' + b.name AS description,
    [l1.id, l2.id] AS linkIds, coalesce(l1.claimIds, []) + coalesce(l2.claimIds, []) AS claimIds
  UNION
  MATCH (:Study)-[:${OPPOSING_TYPES}]->(c:Claim) WITH DISTINCT c
  RETURN 'CONTRADICTING_STUDIES' AS kind, c.id AS key, 'Studies disagree on: ' + c.statement AS description,
    [] AS linkIds, [c.id] AS claimIds
  UNION
  MATCH (:Study)-[e:${EVIDENCE_TYPES}]->(c:Claim) WHERE e.verdict IN ['CONTRADICTED', 'NOT_ADDRESSED'] WITH DISTINCT c
  RETURN 'WORK_DOES_NOT_SUPPORT' AS kind, c.id AS key, 'A cited work does not support: ' + c.statement AS description,
    [] AS linkIds, [c.id] AS claimIds
  UNION
  MATCH (a:Entity)-[n:NEGATED_LINK]->(b:Entity)
  MATCH (a)-[l:LINK {id: ${deniedLinkIdCypher("n.id")}}]->(b)
  RETURN 'DENIED_BY_KNOWLEDGE_GRAPH' AS kind, l.id AS key,
    a.name + ' ' + l.predicate + ' ' + b.name + ': denied by a knowledge graph' AS description,
    [l.id] AS linkIds, coalesce(l.claimIds, []) AS claimIds
}
WITH kind, key, description, linkIds, claimIds ORDER BY kind, key LIMIT ${limit}
WITH {kind: kind, description: description, linkIds: linkIds, claimIds: claimIds} AS row
RETURN ${contradictionProjection(fields, q)} AS value`;
  return cypher;
}
