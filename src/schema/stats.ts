/** Counts over the whole graph, in one query. */
import { readOne } from "../graph/read.js";
import { CypherBuilder, EVIDENCE_GAP } from "../translate/projection.js";
import { builder } from "./builder.js";
import type { Projected } from "./common.js";

const CountRef = builder.objectRef<Projected>("Count").implement({
  description: "A count of things with one value.",
  fields: (t) => ({
    value: t.string({ resolve: (p) => p.value, description: "The value counted (a kind, a level, a predicate)." }),
    count: t.int({ resolve: (p) => p.count, description: "How many." }),
  }),
});

const GraphStatsRef = builder.objectRef<Projected>("GraphStats").implement({
  description: "How big the graph is and how well its claims are backed.",
  fields: (t) => ({
    entities: t.int({ resolve: (p) => p.entities, description: "Entities." }),
    links: t.int({ resolve: (p) => p.links, description: "Mechanism links." }),
    claims: t.int({ resolve: (p) => p.claims, description: "Claims." }),
    studies: t.int({ resolve: (p) => p.studies, description: "Studies (text mentions and reference-list entries)." }),
    sources: t.int({ resolve: (p) => p.sources, description: "Sources." }),
    evidence: t.int({ resolve: (p) => p.evidence, description: "Study-claim evidence edges." }),
    evidenceGaps: t.int({ resolve: (p) => p.evidenceGaps, description: "Claims for which no study is cited in support." }),
    entitiesByKind: t.field({ type: [CountRef], resolve: (p) => p.entitiesByKind, description: "Entities per kind." }),
    claimsByLevel: t.field({ type: [CountRef], resolve: (p) => p.claimsByLevel, description: "Claims per evidence level." }),
    linksByPredicate: t.field({ type: [CountRef], resolve: (p) => p.linksByPredicate, description: "Links per predicate." }),
  }),
});

const STATS = `RETURN {
  entities: COUNT { (:Entity) },
  links: COUNT { ()-[:LINK]->() },
  claims: COUNT { (:Claim) },
  studies: COUNT { (:Study) },
  sources: COUNT { (:Source) },
  evidence: COUNT { (:Study)-[:SUPPORTS|CONTRADICTS|MIXED]->(:Claim) },
  evidenceGaps: COUNT { MATCH (c:Claim) WHERE ${EVIDENCE_GAP("c")} RETURN c },
  entitiesByKind: COLLECT { MATCH (e:Entity) WITH e.kind AS value, count(*) AS count RETURN {value: value, count: count} AS x ORDER BY x.value },
  claimsByLevel: COLLECT { MATCH (c:Claim) WITH coalesce(c.level, 'NONE_CITED') AS value, count(*) AS count RETURN {value: value, count: count} AS x ORDER BY x.value },
  linksByPredicate: COLLECT { MATCH ()-[l:LINK]->() WITH l.predicate AS value, count(*) AS count RETURN {value: value, count: count} AS x ORDER BY x.value }
} AS value`;

builder.queryFields((t) => ({
  stats: t.field({
    type: GraphStatsRef,
    description: "Counts over the whole graph.",
    resolve: async (_root, _args, ctx) => readOne(ctx, STATS, new CypherBuilder()),
  }),
}));
