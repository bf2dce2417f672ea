// The explorer's only data source: the public GraphQL API at /graphql. Each query stays well
// under the cost limit (KG_MAX_COMPLEXITY) and uses no aliases.

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

// A busy server answers BUSY (503) with Retry-After: the explorer waits that long and asks again,
// a few times, as the README asks of clients, rather than showing the refusal at once.
const BUSY_RETRIES = 3;

export async function gql(query, variables = {}) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (!body.errors?.length) return body.data;
    const [first] = body.errors;
    if (first.extensions?.code === "BUSY" && attempt < BUSY_RETRIES) {
      const seconds = Number(response.headers.get("retry-after")) || 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));
      continue;
    }
    throw new ApiError(first.message, first.extensions?.code);
  }
}

const LINK_SHAPE = "id predicate certainty definitional from { id name kind } to { id name kind } evidence { level score }";

export const SEARCH = `query Search($query: String!) {
  search(query: $query, first: 12) { type label score node { id } }
}`;

export const NEIGHBORHOOD = `query Neighborhood($id: ID!, $hops: Int!, $first: Int!) {
  entity(id: $id) { id name kind description degree synonyms }
  neighborhood(id: $id, hops: $hops, first: $first) {
    nodes { id label kind distance }
    edges { id source target predicate score level claimCount }
  }
}`;

export const ENTITY = `query Entity($id: ID!) {
  entity(id: $id) { id name kind description degree synonyms }
}`;

export const CHAINS = `query Chains($from: ID!, $to: ID!, $maxHops: Int!) {
  mechanismChains(from: $from, to: $to, maxHops: $maxHops, first: 8) {
    hops score certainty evidenceStartsAt
    nodes { id name kind }
    links { ${LINK_SHAPE} }
  }
}`;

const CLAIM_SHAPE = `id statement
  qualifiers { certainty population dose timing }
  statedIn { locator source { title } }
  evidenceSummary { level score supporting contradicting }
  check { gap worstVerdict articleImplies { level score } evidenceSupports { level score } }
  evidence {
    stance voice verdict note reason
    reasons { aspect article work }
    study { id title journal year design identifiers record { status design } }
  }`;

/** The links from one entity to another (a one-hop chain each), with their claims and studies. */
export const LINKS_BETWEEN = `query LinksBetween($from: ID!, $to: ID!) {
  mechanismChains(from: $from, to: $to, maxHops: 1, first: 5) {
    links { ${LINK_SHAPE} evidence { supporting contradicting } claims { ${CLAIM_SHAPE} } }
  }
}`;

export const CLAIM = `query Claim($id: ID!) {
  claim(id: $id) { ${CLAIM_SHAPE} links { ${LINK_SHAPE} } }
}`;

export const STUDY = `query Study($id: ID!) {
  study(id: $id) {
    id title journal year design designVoice identifiers population sampleSize
    record { status design authorsCertainty }
    evidence { stance voice verdict claim { id statement links { ${LINK_SHAPE} } } }
  }
}`;

export const GAPS = `query Gaps {
  evidenceGaps(first: 60) { id statement statedIn { locator } links { ${LINK_SHAPE} } }
}`;

export const CONTRADICTIONS = `query Contradictions {
  contradictions(first: 40) { kind description claims { id statement links { ${LINK_SHAPE} } } links { ${LINK_SHAPE} } }
}`;
