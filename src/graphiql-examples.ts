/** Example operations GraphiQL opens with: one per job users come for, with real seed ids. */
const EXAMPLES = `# Welcome to the gut-brain knowledge graph. Pick an operation with the ▶ button.

# 1. Mechanism chains: how could magnesium glycinate reach anxiety? Each link says who says so:
#    the article's claims, or (after \`npm run import\`) the knowledge graphs that state it or deny it.
query ChainsToAnxiety {
  mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 5) {
    hops
    score
    certainty
    nodes { id name }
    links {
      predicate
      evidence { level score supporting contradicting }
      claims { id statement }
      statedBy { source { id } knowledgeLevels publications }
      deniedBy { source { id } publications }
    }
  }
}

# 2. Which studies support a claim, and how strongly?
query StudiesBehindClaims {
  claims(filter: { about: "anxiety" }, first: 5) {
    nodes {
      id
      statement
      evidenceSummary { level supporting contradicting score }
      evidence { stance voice verdict note study { id title journal year design identifiers record { status design } } }
    }
  }
}

# 3. How strong is the evidence that magnesium glycinate eases anxiety, and does the cited
#    review say what the article says? (The chain's first link holds by definition; its evidence
#    starts at the next one. The claim's check sets the article's word against the review's record.)
query AnxietyEvidenceChecked {
  mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 3, first: 3) {
    score
    certainty
    evidenceStartsAt
    links { predicate definitional certainty evidence { level score } }
  }
  claim(id: "claim:mg-supplementation-reduces-anxiety-depression") {
    statement
    check { articleImplies { level score } evidenceSupports { level score } gap worstVerdict }
    evidence {
      voice
      verdict
      addresses { id }
      reasons { aspect article work }
      study { id design designVoice record { status design authorsCertainty sampleSize sizeCounts urls } }
    }
  }
}

# Where the article's word outruns its evidence, most misleading first; and where the graph disagrees with itself.
query OverstatementsAndContradictions {
  overstatements(first: 5) { id statement check { gap worstVerdict articleImplies { score } evidenceSupports { score } } }
  contradictions(first: 10) { kind description evidence { verdict study { id } } }
}

# 4. A subgraph for a visualisation (Cytoscape.js elements in \`cytoscape\`).
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
