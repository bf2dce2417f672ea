/**
 * Aliases are answers too: every GraphiQL example and every contract operation, with every field
 * aliased (and every field asked twice under two aliases), must answer exactly as the plain
 * operation does once the keys are renamed back. Client libraries (Apollo, Relay, urql) alias
 * fields every day; a projection keyed by field name instead of response key breaks them.
 */
import { type DocumentNode, type FieldNode, Kind, parse, print, type SelectionNode, visit } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphiqlExamples } from "../src/graphiql-examples.js";
import { gql, seedArticle, testDatabase, testServer } from "./helpers.js";

const db = testDatabase();
// Aliasing every field of a large operation needs more aliases than the default limit allows.
// Asking every field twice at every depth multiplies the document's tokens too.
const server = testServer(db, {
  KG_MAX_ALIASES: "5000",
  KG_MAX_TOKENS: "50000",
  KG_MAX_COMPLEXITY: "100000000",
  KG_TRAVERSAL_CACHE_ENTRIES: "0",
  // These answers are compared, not timed: the doubled contract operation took 7 s of the default
  // 10 s on a busy 2-core machine, so the deadline here is one no busy machine reaches.
  KG_QUERY_TIMEOUT_MS: "120000",
});

/** Operations covering every query field of the contract and the types below it. */
const CONTRACT_OPERATIONS = `
query Lookups {
  entity(id: "magnesium") {
    id name kind synonyms description xrefs biolinkCategory degree
    outgoing(first: 3) { id predicate biolinkPredicate from { id } to { id name } evidence { level supporting contradicting score } }
    incoming(first: 3) { id to { id } from { name } claims { id } }
    claims(first: 2) { id evidenceSummary { score level } qualifiers { population dose timing certainty } }
  }
  claim(id: "claim:mg-supplementation-reduces-anxiety-depression") {
    id statement
    about { id }
    links { id predicate evidence { score level supporting contradicting } }
    statedIn { locator source { id title kind } }
    evidence { stance note study { id title design } claim { id } }
    evidenceSummary { level supporting contradicting score }
    qualifiers { certainty population }
  }
  study(id: "study:nutrients-2017-meta-analysis") {
    id title journal year design population sampleSize identifiers url findings
    claims { id }
    evidence { stance claim { id } }
    citedIn { as locator source { id } }
    sameAs { note study { id title } }
  }
  node(id: "gaba") { id ... on Entity { name kind } }
  claimNode: node(id: "claim:mg-glycinate-highly-bioavailable") { id ... on Claim { statement evidenceSummary { level } } }
}
query Pages {
  entities(first: 3, kind: SMALL_MOLECULE) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name } } nodes { id } }
  claims(filter: { about: "anxiety" }, first: 2) { totalCount nodes { id evidenceSummary { score } } edges { node { statement } } }
  studies(first: 2) { totalCount nodes { id design year } pageInfo { endCursor } }
}
query Traversals {
  mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 3) {
    hops score nodes { id name } links { id predicate evidence { level score } claims { id } from { id } }
  }
  downstream(id: "magnesium", maxHops: 2, first: 3) { hops score entity { id name } chain { hops score nodes { id } links { id } } }
  upstream(id: "anxiety", maxHops: 2, first: 3) { hops score entity { id } chain { nodes { id } } }
  neighborhood(id: "vagus-nerve", hops: 1, first: 10) {
    nodes { id label kind biolinkCategory distance }
    edges { id source target predicate score level claimCount }
    cytoscape
  }
}
query Exports {
  neighborhood(id: "vagus-nerve", hops: 1, first: 5) { graphml kgx { nodesTsv edgesTsv nodesJsonl edgesJsonl } }
  mechanismChainsSubgraph(from: "magnesium-glycinate", to: "anxiety", maxHops: 3, first: 2) {
    nodes { id distance } edges { id predicate } cytoscape graphml kgx { edgesTsv }
  }
  graphExport { nodeCount edgeCount cytoscape graphml kgx { nodesJsonl } }
}
query Lists {
  evidenceGaps(first: 5) { id statement statedIn { locator } evidenceSummary { level score } }
  search(query: "vagus", first: 3) { type label score node { id ... on Entity { name } ... on Claim { statement } } }
  stats { entities links claims studies sources evidence evidenceGaps entitiesByKind { value count } claimsByLevel { value count } linksByPredicate { value count } }
  source(id: "source:mg-glycinate-gut-brain") { id title kind url publisher cites { id } claims { id } }
}
`;

/** Every field of the document gets the alias `<prefix><response key>` (__typename too). */
function aliased(document: DocumentNode, prefix: string): DocumentNode {
  return visit(document, {
    Field: (node) => ({ ...node, alias: { kind: Kind.NAME, value: `${prefix}${node.alias?.value ?? node.name.value}` } }),
  });
}

/** Every field of the document asked twice, as `a_<key>` and `b_<key>`, with the same arguments (at every depth). */
function doubled(document: DocumentNode): DocumentNode {
  const twice = (selections: readonly SelectionNode[]): SelectionNode[] =>
    selections.flatMap((selection) => {
      if (selection.kind !== Kind.FIELD) return [selection];
      const key = selection.alias?.value ?? selection.name.value;
      return ["a_", "b_"].map(
        (prefix): SelectionNode => ({ ...selection, alias: { kind: Kind.NAME, value: `${prefix}${key}` } }),
      );
    });
  return visit(document, {
    SelectionSet: { leave: (node) => ({ ...node, selections: twice(node.selections) }) },
  });
}

/** The answer with each `<prefix><name>` key renamed back to `<name>` (JSON scalars left as they are). */
function renamedBack(value: unknown, prefix: string, scalarKeys = new Set(["cytoscape"])): unknown {
  if (Array.isArray(value)) return value.map((v) => renamedBack(v, prefix, scalarKeys));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      expect(key.startsWith(prefix), `key ${key} lacks the alias prefix ${prefix}`).toBe(true);
      const name = key.slice(prefix.length);
      return [name, scalarKeys.has(name) ? v : renamedBack(v, prefix, scalarKeys)];
    }),
  );
}

function operations(text: string): Array<{ name: string; document: DocumentNode }> {
  const document = parse(text);
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION && definition.name
      ? [{ name: definition.name.value, document: { ...document, definitions: [definition] } }]
      : [],
  );
}

const ALL = [
  ...operations(graphiqlExamples().defaultQuery).map((o) => ({ ...o, name: `example ${o.name}` })),
  ...operations(CONTRACT_OPERATIONS).map((o) => ({ ...o, name: `contract ${o.name}` })),
];

beforeAll(async () => {
  await seedArticle(db);
});

afterAll(async () => {
  await db.close();
});

describe("aliases are answers too", () => {
  it("covers every query field of the schema", async () => {
    const { schema } = await import("../src/schema/index.js");
    const asked = new Set<string>();
    for (const { document } of ALL) {
      visit(document, {
        OperationDefinition: (op) => {
          for (const s of op.selectionSet.selections) asked.add((s as FieldNode).name.value);
        },
      });
    }
    expect([...asked].sort()).toEqual(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort());
  });

  for (const { name, document } of ALL) {
    it(`${name}: every field aliased answers as the plain operation`, async () => {
      const plain = await gql(server, print(document));
      expect(plain.errors).toBeUndefined();
      expect(plain.data).toBeTruthy();
      // Twice each: the second run of a document is executed compiled (graphql-jit).
      for (let run = 0; run < 2; run++) {
        const answer = await gql(server, print(aliased(document, "x_")));
        expect(answer.errors).toBeUndefined();
        expect(renamedBack(answer.data, "x_")).toEqual(plain.data);
      }
    });

    it(`${name}: every field asked twice under two aliases gives the same answer under both`, async () => {
      const plain = await gql(server, print(document));
      for (let run = 0; run < 2; run++) {
        const answer = await gql(server, print(doubled(document)));
        expect(answer.errors).toBeUndefined();
        const pick = (value: unknown, prefix: string): unknown => {
          if (Array.isArray(value)) return value.map((v) => pick(v, prefix));
          if (!value || typeof value !== "object") return value;
          return Object.fromEntries(
            Object.entries(value)
              .filter(([key]) => key.startsWith(prefix))
              .map(([key, v]) => [key.slice(prefix.length), key === `${prefix}cytoscape` ? v : pick(v, prefix)]),
          );
        };
        expect(pick(answer.data, "a_")).toEqual(plain.data);
        expect(pick(answer.data, "b_")).toEqual(plain.data);
      }
    });
  }

  it("the same field under two aliases with different arguments answers each as asked", async () => {
    const both = await gql(
      server,
      `{ entity(id: "magnesium") { one: outgoing(first: 1) { id } three: outgoing(first: 3) { id e: evidence { s: score } } }
         few: search(query: "serotonin", first: 1) { label } more: search(query: "vagus nerve", first: 4) { label }
         small: claims(first: 1) { t: totalCount n: nodes { id } } big: claims(first: 3, filter: { about: "anxiety" }) { t: totalCount n: nodes { id } } }`,
    );
    expect(both.errors).toBeUndefined();
    const one = await gql(server, `{ entity(id: "magnesium") { outgoing(first: 1) { id } } }`);
    const three = await gql(server, `{ entity(id: "magnesium") { outgoing(first: 3) { id evidence { score } } } }`);
    expect(both.data.entity.one).toEqual(one.data.entity.outgoing);
    expect(both.data.entity.three).toEqual(
      three.data.entity.outgoing.map((l: { id: string; evidence: { score: number } }) => ({
        id: l.id,
        e: { s: l.evidence.score },
      })),
    );
    expect(both.data.entity.three).toHaveLength(3);
    const few = await gql(server, `{ search(query: "serotonin", first: 1) { label } }`);
    const more = await gql(server, `{ search(query: "vagus nerve", first: 4) { label } }`);
    expect(both.data.few).toEqual(few.data.search);
    expect(both.data.more).toEqual(more.data.search);
    const small = await gql(server, `{ claims(first: 1) { totalCount nodes { id } } }`);
    const big = await gql(server, `{ claims(first: 3, filter: { about: "anxiety" }) { totalCount nodes { id } } }`);
    expect(both.data.small).toEqual({ t: small.data.claims.totalCount, n: small.data.claims.nodes });
    expect(both.data.big).toEqual({ t: big.data.claims.totalCount, n: big.data.claims.nodes });
    expect(both.data.small.t).toBeGreaterThan(both.data.big.t);
  });
});
