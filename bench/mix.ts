/** The benchmark's fixed mix of contract queries, each as ours, as raw Cypher and as @neo4j/graphql. */
import { searchQuery } from "../src/schema/search.js";
import { STUDIED_CLAIM } from "./generate.js";

export interface BenchQuery {
  name: string;
  /** Traversals go through our traversal cache: measured with and without it. */
  traversal?: boolean;
  ours: string;
  raw?: { query: string; params: Record<string, unknown> };
  neo4jGraphql?: string;
}

/** The fixed mix, on well-connected entities of the generated graph (e0, e1 ... are the hubs). */
export function mix(): BenchQuery[] {
  return [
    {
      name: "entity with nested links and claims",
      ours: `{ entity(id: "e1") { id name kind outgoing(first: 10) { predicate evidence { score } to { id name } claims { id } } claims(first: 5) { id statement } } }`,
      raw: { query: "entityNested", params: { id: "e1" } },
      neo4jGraphql: `{ entities(where: { id: { eq: "e1" } }) { id name kind outgoingConnection(first: 10, sort: [{ edge: { score: DESC } }]) { edges { properties { predicate score } node { id name } } } claims(limit: 5, sort: [{ score: DESC }]) { id statement } } }`,
    },
    {
      name: "a claim's studies",
      ours: `{ claim(id: "${STUDIED_CLAIM}") { id statement evidenceSummary { level score } evidence { stance study { id title year design } } } }`,
      raw: { query: "claimStudies", params: { id: STUDIED_CLAIM } },
      neo4jGraphql: `{ claims(where: { id: { eq: "${STUDIED_CLAIM}" } }) { id statement level score supportedBy { id title year design } } }`,
    },
    {
      name: "search",
      ours: `{ search(query: "entity 12", first: 10) { label score } }`,
      raw: { query: "search", params: { q: searchQuery("entity 12") } },
    },
    {
      name: "mechanismChains 3 hops",
      traversal: true,
      ours: `{ mechanismChains(from: "e1", to: "e5", maxHops: 3, first: 10) { hops score nodes { id } links { predicate } } }`,
    },
    {
      name: "mechanismChains 5 hops",
      traversal: true,
      ours: `{ mechanismChains(from: "e1", to: "e5", maxHops: 5, first: 10) { hops score nodes { id } links { predicate } } }`,
    },
    {
      name: "neighborhood of a hub",
      traversal: true,
      ours: `{ neighborhood(id: "e0", hops: 1, first: 50) { nodes { id } edges { id } } }`,
      raw: { query: "neighborhood", params: { id: "e0" } },
    },
    {
      name: "claims page",
      ours: `{ claims(first: 20) { pageInfo { hasNextPage endCursor } nodes { id statement evidenceSummary { score } } } }`,
      raw: { query: "claimsPage", params: {} },
      neo4jGraphql: `{ claims(limit: 21, sort: [{ id: ASC }]) { id statement score } }`,
    },
  ];
}
