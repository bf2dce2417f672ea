/** Counts over the whole graph, as one query (schema/stats.ts). */
import { EVIDENCE_TYPES } from "../model/vocabulary.js";
import { EVIDENCE_GAP } from "./claims.js";

/** The `stats` query: no arguments, and every count is always read. */
export const STATS = `RETURN {
  entities: COUNT { (:Entity) },
  links: COUNT { ()-[:LINK]->() },
  claims: COUNT { (:Claim) },
  studies: COUNT { (:Study) },
  sources: COUNT { (:Source) },
  evidence: COUNT { (:Study)-[:${EVIDENCE_TYPES}]->(:Claim) },
  evidenceGaps: COUNT { MATCH (c:Claim) WHERE ${EVIDENCE_GAP("c")} RETURN c },
  entitiesByKind: COLLECT { MATCH (e:Entity) WITH e.kind AS value, count(*) AS count RETURN {value: value, count: count} AS x ORDER BY x.value },
  claimsByLevel: COLLECT { MATCH (c:Claim) WITH coalesce(c.level, 'NONE_CITED') AS value, count(*) AS count RETURN {value: value, count: count} AS x ORDER BY x.value },
  linksByPredicate: COLLECT { MATCH ()-[l:LINK]->() WITH l.predicate AS value, count(*) AS count RETURN {value: value, count: count} AS x ORDER BY x.value }
} AS value`;
