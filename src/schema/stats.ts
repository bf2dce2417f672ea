/** Counts over the whole graph, in one query. */
import { readOne } from "../graph/read.js";
import { CypherBuilder } from "../translate/cypher.js";
import { STATS } from "../translate/stats.js";
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

builder.queryFields((t) => ({
  stats: t.field({
    type: GraphStatsRef,
    description: "Counts over the whole graph.",
    resolve: async (_root, _args, ctx) => readOne(ctx, STATS, new CypherBuilder()),
  }),
}));
