/** Example operations GraphiQL opens with: one per job users come for, with real seed ids. */
const EXAMPLES = `# Welcome to the gut-brain knowledge graph. Pick an operation with the ▶ button.

# 1. Mechanism chains: how could magnesium glycinate reach anxiety?
query ChainsToAnxiety {
  mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 5) {
    hops
    score
    nodes { id name }
    links { predicate evidence { level score } claims { id statement } }
  }
}

# 2. Which studies support a claim, and how strongly?
query StudiesBehindClaims {
  claims(filter: { about: "anxiety" }, first: 5) {
    nodes {
      id
      statement
      evidenceSummary { level supporting contradicting score }
      evidence { stance note study { id title journal year design identifiers } }
    }
  }
}

# 3. A subgraph for a visualisation (Cytoscape.js elements in \`cytoscape\`).
query AroundMagnesium {
  neighborhood(id: "magnesium", hops: 2, first: 30) {
    nodes { id label kind distance }
    edges { source predicate target score }
    cytoscape
  }
}

# The article's evidence gaps: claims made without any cited study.
query EvidenceGaps {
  evidenceGaps(first: 20) { id statement statedIn { locator } }
}

# Full-text search (any text is safe).
query Search {
  search(query: "second brain", first: 5) { type label score node { id } }
}
`;

export function graphiqlExamples() {
  return { defaultQuery: EXAMPLES };
}
