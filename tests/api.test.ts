/**
 * The read side of the contract, through HTTP (yoga.fetch), against a real Neo4j holding the
 * seeded article: answers checked against the article's content, pagination edges, unknown and
 * malformed ids, argument bounds, and one Cypher round trip per root field.
 */
import cytoscape from "cytoscape";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphiqlExamples } from "../src/graphiql-examples.js";
import { jitStats } from "../src/plugins/jit.js";
import { warmUp } from "../src/warm-up.js";
import { gql, seedArticle, testDatabase, testLog, testServer } from "./helpers.js";

const db = testDatabase();
const server = testServer(db);
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

beforeAll(() => seedArticle(db));
afterAll(() => db.close());

describe("lookups", () => {
  it("returns an entity with its synonyms, Biolink category and links", async () => {
    const r = await gql(
      server,
      `{ entity(id: "gaba") { id name kind biolinkCategory synonyms incoming { predicate from { id } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.entity.name).toMatch(/GABA/);
    expect(r.data.entity.synonyms.map((s: string) => s.toLowerCase())).toContain("gamma-aminobutyric acid");
    expect(r.data.entity.biolinkCategory).toBe("biolink:SmallMolecule");
    expect(
      r.data.entity.incoming.some(
        (l: { predicate: string; from: { id: string } }) => l.from.id === "magnesium" && l.predicate === "INCREASES",
      ),
    ).toBe(true);
  });

  it("resolves node(id) to the right type for every id kind: entity, claim, study, source", async () => {
    const ids = {
      e: "vagus-nerve",
      c: "claim:magnesium-improves-chronic-constipation",
      st: "study:nutrients-2017-meta-analysis",
      s: "source:mg-glycinate-gut-brain",
    };
    const r = await gql(
      server,
      `query($e: ID!, $c: ID!, $st: ID!, $s: ID!) {
      e: node(id: $e) { __typename id ... on Entity { text: name } }
      c: node(id: $c) { __typename id ... on Claim { text: statement } }
      st: node(id: $st) { __typename id ... on Study { text: title } }
      s: node(id: $s) { __typename id ... on Source { text: title cites { id } } }
    }`,
      ids,
    );
    expect(r.errors).toBeUndefined();
    // What the store holds under each id: its label and its name, statement or title.
    const stored = await db.read(
      `UNWIND $ids AS id MATCH (n {id: id}) WHERE n:Entity OR n:Claim OR n:Study OR n:Source
       RETURN id, [l IN labels(n) WHERE l IN ['Entity', 'Claim', 'Study', 'Source']][0] AS label,
              coalesce(n.name, n.statement, n.title) AS text`,
      { ids: Object.values(ids) },
    );
    const byId = new Map(stored.records.map((x) => [x.get("id") as string, { label: x.get("label"), text: x.get("text") }]));
    const expected = (id: string, typename: string) => {
      expect(byId.get(id)?.label, id).toBe(typename);
      return { __typename: typename, id, text: byId.get(id)?.text };
    };
    const { cites, ...source } = r.data.s;
    expect({ ...r.data, s: source }).toEqual({
      e: expected(ids.e, "Entity"),
      c: expected(ids.c, "Claim"),
      st: expected(ids.st, "Study"),
      s: expected(ids.s, "Source"),
    });
    expect(cites.length).toBeGreaterThanOrEqual(14);
  });

  it("returns null for unknown ids and BAD_USER_INPUT for malformed ones", async () => {
    const unknown = await gql(
      server,
      `{ entity(id: "no-such-entity") { id } claim(id: "claim:no-such-claim") { id } study(id: "study:nope") { id } node(id: "nothing-here") { id } }`,
    );
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ entity: null, claim: null, study: null, node: null });
    expect(codeOf(await gql(server, `{ entity(id: "Not A Slug!") { id } }`))).toBe("BAD_USER_INPUT");
  });
});

describe("which studies support a claim", () => {
  it("links the constipation claim to the 2017 Clinical Nutrition ESPEN study, which no record confirms", async () => {
    const r = await gql(
      server,
      `{ claims(filter: { about: "constipation" }, first: 50) { nodes { id statement evidenceSummary { level supporting score }
          check { articleImplies { level score } }
          evidence { stance voice verdict study { journal year design record { status } } } } } }`,
    );
    const cited = r.data.claims.nodes.filter((c: { evidence: Array<{ study: { journal: string; year: number } }> }) =>
      c.evidence.some((e) => e.study.journal === "Clinical Nutrition ESPEN" && e.study.year === 2017),
    );
    expect(cited.length).toBe(1);
    const [claim] = cited;
    // The article cites it (a human study of unstated design): what its word implies...
    expect(claim.evidence).toEqual([
      {
        stance: "SUPPORTS",
        voice: "ARTICLE",
        verdict: "UNVERIFIED",
        study: {
          journal: "Clinical Nutrition ESPEN",
          year: 2017,
          design: "HUMAN_STUDY_UNSPECIFIED",
          record: { status: "UNVERIFIED" },
        },
      },
    ]);
    expect(claim.check.articleImplies).toEqual({ level: "HUMAN_STUDY_UNSPECIFIED", score: 0.25 });
    // ...and what the evidence supports: no record of the work was found, so nothing.
    expect(claim.evidenceSummary).toEqual({ level: "UNCONFIRMED", supporting: 0, score: 0 });
  });

  it("ranks the anxiety claim backed by the 2017 Nutrients review at the systematic-review level", async () => {
    const r = await gql(
      server,
      `{ claims(filter: { about: "anxiety", unsupported: false }, first: 50) { nodes { evidenceSummary { level score } evidence { study { journal year design identifiers } } } } }`,
    );
    const backed = r.data.claims.nodes.find((c: { evidence: Array<{ study: { journal: string; year: number } }> }) =>
      c.evidence.some((e) => e.study.journal === "Nutrients" && e.study.year === 2017),
    );
    expect(backed).toBeDefined();
    expect(backed.evidenceSummary.level).toBe("SYSTEMATIC_REVIEW");
  });

  it("lists evidence gaps, each with no supporting study, including the bioavailability claim", async () => {
    const r = await gql(
      server,
      `{ evidenceGaps(first: 100) { id statement evidenceSummary { level supporting score } evidence { stance } } }`,
    );
    expect(r.data.evidenceGaps.length).toBeGreaterThan(5);
    for (const claim of r.data.evidenceGaps) {
      expect(claim.evidenceSummary).toMatchObject({ level: "NONE_CITED", supporting: 0, score: 0 });
      expect(claim.evidence.filter((e: { stance: string }) => e.stance !== "CONTRADICTS")).toEqual([]);
    }
    // A claim whose cited study could not be confirmed is not a gap of the article's: it cited one.
    expect(r.data.evidenceGaps.map((c: { id: string }) => c.id)).not.toContain("claim:magnesium-improves-chronic-constipation");
    expect(r.data.evidenceGaps.some((c: { statement: string }) => /bioavailab|absor/i.test(c.statement))).toBe(true);
  });

  it("filters claims by minimum score", async () => {
    const r = await gql(
      server,
      `{ all: claims(first: 100) { totalCount } strong: claims(filter: { minScore: 0.5 }, first: 100) { totalCount nodes { evidenceSummary { score } } } }`,
    );
    expect(r.data.strong.totalCount).toBeLessThan(r.data.all.totalCount);
    for (const c of r.data.strong.nodes) expect(c.evidenceSummary.score).toBeGreaterThanOrEqual(0.5);
  });
});

describe("mechanism chains", () => {
  it("finds chains from magnesium glycinate to anxiety through GABA, best evidence first", async () => {
    const r = await gql(
      server,
      `{ mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 20) { hops score nodes { id } links { id predicate claims { id } evidence { score } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const chains = r.data.mechanismChains;
    expect(chains.length).toBeGreaterThan(0);
    expect(chains.some((c: { nodes: Array<{ id: string }> }) => c.nodes.some((n) => n.id === "gaba"))).toBe(true);
    for (const chain of chains) {
      expect(chain.nodes[0].id).toBe("magnesium-glycinate");
      expect(chain.nodes.at(-1).id).toBe("anxiety");
      expect(chain.links).toHaveLength(chain.hops);
      expect(new Set(chain.nodes.map((n: { id: string }) => n.id)).size).toBe(chain.nodes.length);
      const product = chain.links.reduce((p: number, l: { evidence: { score: number } }) => p * l.evidence.score, 1);
      expect(chain.score).toBeCloseTo(product, 4);
      for (const link of chain.links) expect(link.claims.length).toBeGreaterThan(0);
    }
    const scores = chains.map((c: { score: number }) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("is exhaustive on the article's graph: the same chains as enumerating every simple path", async () => {
    for (const [from, to, hops] of [
      ["magnesium-glycinate", "anxiety", 4],
      ["magnesium", "constipation", 5],
      ["stress", "gut-microbiome", 6],
    ] as const) {
      const exact = await db.read(
        `MATCH p = (:Entity {id: $from})-[:LINK*1..${hops}]->(:Entity {id: $to})
         WHERE all(x IN nodes(p) WHERE single(y IN nodes(p) WHERE y = x))
         RETURN [r IN relationships(p) | r.id] AS ids`,
        { from, to },
      );
      const expected = exact.records.map((r) => (r.get("ids") as string[]).join(" > ")).sort();
      expect(expected.length, `${from} -> ${to}`).toBeLessThanOrEqual(100);
      const r = await gql(
        server,
        `{ mechanismChains(from: "${from}", to: "${to}", maxHops: ${hops}, first: 100) { links { id } } }`,
      );
      const found = r.data.mechanismChains
        .map((c: { links: Array<{ id: string }> }) => c.links.map((l) => l.id).join(" > "))
        .sort();
      expect(found, `${from} -> ${to}`).toEqual(expected);
    }
  });

  it("orders by length on request and respects maxHops", async () => {
    const r = await gql(
      server,
      `{ mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 3, orderBy: LENGTH) { hops } }`,
    );
    const hops = r.data.mechanismChains.map((c: { hops: number }) => c.hops);
    expect(hops).toEqual([...hops].sort((a, b) => a - b));
    for (const h of hops) expect(h).toBeLessThanOrEqual(3);
  });

  it("explores downstream of magnesium and upstream of anxiety", async () => {
    const r = await gql(
      server,
      `{
      downstream(id: "magnesium", maxHops: 2) { entity { id } hops chain { nodes { id } } }
      upstream(id: "anxiety", maxHops: 3) { entity { id } hops chain { nodes { id } } }
    }`,
    );
    expect(r.data.downstream.map((x: { entity: { id: string } }) => x.entity.id)).toContain("gaba");
    for (const reach of r.data.downstream) {
      expect(reach.chain.nodes[0].id).toBe("magnesium");
      expect(reach.chain.nodes.at(-1).id).toBe(reach.entity.id);
    }
    for (const reach of r.data.upstream) {
      expect(reach.chain.nodes[0].id).toBe(reach.entity.id);
      expect(reach.chain.nodes.at(-1).id).toBe("anxiety");
    }
    expect(r.data.upstream.map((x: { entity: { id: string } }) => x.entity.id)).toContain("magnesium");
  });

  it("answers NOT_FOUND for an unknown end and an empty list for unconnected entities", async () => {
    expect(codeOf(await gql(server, `{ mechanismChains(from: "no-such-entity", to: "anxiety") { hops } }`))).toBe("NOT_FOUND");
    // Both ends exist, and no directed path of 1..2 links leads from anxiety to magnesium glycinate.
    const paths = await db.read(
      `MATCH (a:Entity {id: "anxiety"}), (b:Entity {id: "magnesium-glycinate"})
       RETURN COUNT { (a)-[:LINK*1..2]->(b) } AS n`,
    );
    expect(paths.records.map((x) => Number(x.get("n")))).toEqual([0]);
    const r = await gql(server, `{ mechanismChains(from: "anxiety", to: "magnesium-glycinate", maxHops: 2) { hops } }`);
    expect(r).toMatchObject({ status: 200, data: { mechanismChains: [] } });
    expect(r.errors).toBeUndefined();
  });

  it("answers NOT_FOUND, naming the id, for an unknown anchor of neighborhood, downstream and upstream", async () => {
    for (const field of [
      `neighborhood(id: "no-such-entity", hops: 1) { nodes { id } }`,
      `downstream(id: "no-such-entity", maxHops: 2) { hops }`,
      `upstream(id: "no-such-entity", maxHops: 2) { hops }`,
    ]) {
      const r = await gql(server, `{ ${field} }`);
      expect(r.data, field).toBeNull();
      expect(r.errors, field).toHaveLength(1);
      expect(r.errors?.[0]?.extensions?.code, field).toBe("NOT_FOUND");
      expect(r.errors?.[0]?.message, field).toMatch(/"no-such-entity"/);
    }
    // A known anchor with the same arguments answers, so NOT_FOUND is about the id.
    const known = await gql(
      server,
      `{ neighborhood(id: "magnesium", hops: 1) { nodes { id } } downstream(id: "magnesium", maxHops: 2) { hops } upstream(id: "anxiety", maxHops: 2) { hops } }`,
    );
    expect(known.errors).toBeUndefined();
    expect(known.data.neighborhood.nodes.length).toBeGreaterThan(0);
    expect(known.data.downstream.length).toBeGreaterThan(0);
    expect(known.data.upstream.length).toBeGreaterThan(0);
  });
});

describe("subgraphs for visualisations", () => {
  it("returns a neighbourhood whose cytoscape document loads in Cytoscape.js as it is", async () => {
    const r = await gql(
      server,
      `{ neighborhood(id: "magnesium", hops: 2, first: 40) { nodes { id distance } edges { id source target predicate } cytoscape } }`,
    );
    expect(r.errors).toBeUndefined();
    const { nodes, edges, cytoscape: doc } = r.data.neighborhood;
    expect(nodes[0]).toEqual({ id: "magnesium", distance: 0 });
    expect(nodes.length).toBeLessThanOrEqual(40);
    const ids = new Set(nodes.map((n: { id: string }) => n.id));
    for (const e of edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    const cy = cytoscape({ headless: true, elements: doc.elements });
    expect(cy.nodes().length).toBe(nodes.length);
    expect(cy.edges().length).toBe(edges.length);
    expect(cy.getElementById("magnesium").data("label")).toMatch(/Magnesium/);
  });

  it("reads only the fields asked for, and answers them as the full selection does", async () => {
    const args = `id: "magnesium", hops: 2, first: 40`;
    const full = await gql(
      server,
      `{ neighborhood(${args}) { nodes { id label kind biolinkCategory distance } edges { id source target predicate score level claimCount } cytoscape } }`,
    );
    expect(full.errors).toBeUndefined();
    const { nodes, edges, cytoscape: doc } = full.data.neighborhood;
    expect(edges.length).toBeGreaterThan(0);
    const pick = (rows: Array<Record<string, unknown>>, keys: string[]) =>
      rows.map((row) => Object.fromEntries(keys.map((k) => [k, row[k]])));
    const shapes: Array<[string, (n: typeof full.data.neighborhood) => void]> = [
      [`nodes { id }`, (n) => expect(n).toEqual({ nodes: pick(nodes, ["id"]) })],
      [`nodes { biolinkCategory }`, (n) => expect(n.nodes).toEqual(pick(nodes, ["biolinkCategory"]))],
      [`edges { id }`, (n) => expect(n).toEqual({ edges: pick(edges, ["id"]) })],
      [`edges { claimCount level }`, (n) => expect(n.edges).toEqual(pick(edges, ["claimCount", "level"]))],
      [`e: edges { to: target }`, (n) => expect(n.e).toEqual(edges.map((e: { target: string }) => ({ to: e.target })))],
      [`cytoscape`, (n) => expect(n.cytoscape).toEqual(doc)],
    ];
    for (const [selection, check] of shapes) {
      const r = await gql(server, `{ neighborhood(${args}) { ${selection} } }`);
      expect(r.errors, selection).toBeUndefined();
      check(r.data.neighborhood);
    }
  });

  it("follows only outgoing links with direction OUT", async () => {
    const r = await gql(server, `{ neighborhood(id: "gaba", hops: 1, direction: OUT) { nodes { id } edges { source target } } }`);
    for (const n of r.data.neighborhood.nodes.slice(1)) {
      expect(
        r.data.neighborhood.edges.some((e: { source: string; target: string }) => e.source === "gaba" && e.target === n.id),
      ).toBe(true);
    }
  });
});

describe("search", () => {
  it("finds entities by synonym and abbreviation, ranked, with their type", async () => {
    const r = await gql(
      server,
      `{ a: search(query: "second brain") { type label node { id } } b: search(query: "HPA") { node { id } } c: search(query: "sero") { node { id } } }`,
    );
    expect(r.data.a[0].node.id).toBe("enteric-nervous-system");
    expect(r.data.a[0].type).toBe("Entity");
    expect(r.data.b.map((h: { node: { id: string } }) => h.node.id)).toContain("hpa-axis");
    expect(r.data.c.map((h: { node: { id: string } }) => h.node.id)).toContain("serotonin");
  });

  it("finds claims and studies too", async () => {
    const r = await gql(
      server,
      `{ search(query: "subjective anxiety stress systematic review", first: 20) { type node { id ... on Study { identifiers } } } }`,
    );
    const study = r.data.search.find((h: { type: string }) => h.type === "Study");
    expect(study.node.identifiers).toContain("PMID:28445426");
  });
});

describe("pagination", () => {
  it("walks every entity exactly once, page by page", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 50; page++) {
      const r: Awaited<ReturnType<typeof gql>> = await gql(
        server,
        "query($after: String) { entities(first: 7, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor hasPreviousPage } } }",
        { after },
      );
      const connection = r.data.entities;
      total = connection.totalCount;
      seen.push(...connection.edges.map((e: { node: { id: string } }) => e.node.id));
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort());
  });

  it("returns an empty last page past the end, and filters by kind", async () => {
    const all = await gql(server, `{ entities(first: 100) { pageInfo { endCursor } } }`);
    const past = await gql(
      server,
      `query($a: String) { entities(first: 5, after: $a) { edges { cursor } pageInfo { hasNextPage endCursor startCursor } } }`,
      {
        a: all.data.entities.pageInfo.endCursor,
      },
    );
    expect(past.data.entities).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null, startCursor: null } });
    const diseases = await gql(server, `{ entities(kind: DISEASE, first: 100) { nodes { kind } } }`);
    expect(diseases.data.entities.nodes.length).toBeGreaterThan(0);
    for (const e of diseases.data.entities.nodes) expect(e.kind).toBe("DISEASE");
  });

  it("lists studies by design and year", async () => {
    const r = await gql(
      server,
      `{ studies(filter: { designs: [CLINICAL_TRIAL], yearFrom: 2010 }, first: 50) { totalCount nodes { design year journal } } }`,
    );
    expect(r.data.studies.totalCount).toBeGreaterThanOrEqual(2);
    for (const s of r.data.studies.nodes) {
      expect(s.design).toBe("CLINICAL_TRIAL");
      expect(s.year).toBeGreaterThanOrEqual(2010);
    }
  });
});

describe("one Cypher round trip per root field", () => {
  it("answers a deeply nested query with a single Cypher query", async () => {
    const r = await gql(
      server,
      `{
      entity(id: "magnesium") {
        outgoing(first: 20) {
          to { name incoming(first: 5) { from { name } claims { statement } } }
          claims { statement about { name } statedIn { locator source { title } } evidence { stance study { title sameAs { study { id } } citedIn { locator } } } }
        }
        claims(first: 20) { links { from { id } to { id } } }
      }
    }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.entity.outgoing.length).toBeGreaterThan(2);
    expect((r as unknown as { extensions: { cypherQueries: number } }).extensions.cypherQueries).toBe(1);
  });

  it("costs one query per root field, whatever the list sizes", async () => {
    const r = await gql(
      server,
      `{ a: entities(first: 50) { nodes { claims { evidence { study { title } } } } } b: stats { entities } c: evidenceGaps { id } }`,
    );
    expect((r as unknown as { extensions: { cypherQueries: number } }).extensions.cypherQueries).toBe(3);
  });
});

describe("stats", () => {
  it("counts what the article holds", async () => {
    const r = await gql(
      server,
      `{ stats { entities links claims studies sources evidence evidenceGaps entitiesByKind { value count } } }`,
    );
    const s = r.data.stats;
    expect(s.claims).toBeGreaterThanOrEqual(30);
    expect(s.studies).toBeGreaterThanOrEqual(14);
    expect(s.sources).toBe(2); // the article, and the curators' notes (definitional subclass links)
    expect(s.evidenceGaps).toBeGreaterThan(0);
    expect(s.entitiesByKind.reduce((n: number, k: { count: number }) => n + k.count, 0)).toBe(s.entities);
  });
});

// npm start runs the GraphiQL examples once after listening, so the first user's requests are warm.
describe("start-up warm-up", () => {
  it("runs every GraphiQL example once, each answered without errors", async () => {
    const examples = graphiqlExamples().defaultQuery;
    const results = await warmUp(server, testLog);
    expect(results.map((r) => r.operation)).toEqual([...examples.matchAll(/^query (\w+)/gm)].map((m) => m[1]));
    for (const result of results) expect(result, result.operation).toMatchObject({ status: 200, errors: [] });
  });
});

// Repeated documents run compiled by graphql-jit (src/plugins/jit.ts): the first execution of a
// document is interpreted by graphql-js, later ones compiled. Both must answer identically,
// errors included (codes, paths, nulls), so every document here is sent twice and compared, and
// the compiled path is shown to have run for every valid query.
describe("compiled execution of repeated documents", () => {
  const examples = graphiqlExamples().defaultQuery;
  type Operation = { query: string; operationName?: string; variables?: Record<string, unknown> };
  const valid: Operation[] = [
    ...[...examples.matchAll(/^query (\w+)/gm)].map((m) => ({ query: examples, operationName: m[1] })),
    {
      query: `query Lookups($id: ID!, $first: Int) {
        entity(id: $id) { id name kind synonyms outgoing(first: $first) { predicate evidence { level score } to { id } claims { id } } }
        e: node(id: "vagus-nerve") { __typename id ... on Entity { name } }
        s: node(id: "source:mg-glycinate-gut-brain") { __typename ... on Source { title cites { id } } }
        c: node(id: "claim:no-such-claim") { id }
      }`,
      variables: { id: "magnesium", first: 3 },
    },
    { query: `{ entities(first: 5, kind: SMALL_MOLECULE) { t: totalCount pageInfo { hasNextPage endCursor } nodes { id } } }` },
    { query: `{ downstream(id: "magnesium", maxHops: 2, first: 5) { hops entity { id } } }` },
    // Field errors in execution, each with its own code:
    { query: `{ entity(id: "Not A Slug!") { id } }` },
    { query: `{ mechanismChains(from: "magnesium", to: "no-such-entity", maxHops: 3) { hops } }` },
    { query: `{ mechanismChains(from: "magnesium", to: "anxiety", maxHops: 99) { hops } }` },
    { query: `{ neighborhood(id: "no-such-entity") { nodes { id } } }` },
  ];
  // Request errors: never executed, by either path.
  const refused: Operation[] = [
    { query: `query Bad($first: Int) { entities(first: $first) { totalCount } }`, variables: { first: "lots" } },
    { query: `{ entities(first: 5, kind: NEUROTRANSMITTER) { totalCount } }` },
    { query: `subscription { entity(id: "gaba") { id } }` },
    { query: `{ entity(id: "gaba") { id } } { stats { entities } }` },
  ];

  const send = async (operation: Operation) => {
    const response = await server.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify(operation),
    });
    const { extensions: _roundTrips, ...answer } = (await response.json()) as Record<string, unknown>;
    return { status: response.status, answer };
  };

  it("answers exactly as graphql-js does, errors included, and the second run is compiled", async () => {
    for (const operation of valid) {
      const interpreted = await send(operation);
      const before = jitStats.compiledExecutions;
      const compiled = await send(operation);
      expect(jitStats.compiledExecutions, `compiled: ${operation.operationName ?? operation.query}`).toBe(before + 1);
      expect(compiled, operation.operationName ?? operation.query).toEqual(interpreted);
    }
  });

  it("refuses a request error the same way twice, as the client's fault, without executing it", async () => {
    for (const operation of refused) {
      const first = await send(operation);
      const before = jitStats.compiledExecutions;
      const second = await send(operation);
      expect(jitStats.compiledExecutions).toBe(before);
      expect(second, operation.query).toEqual(first);
      expect(first.status, operation.query).toBeGreaterThanOrEqual(400);
      expect(first.status, operation.query).toBeLessThan(500);
      const errors = first.answer.errors as Array<{ extensions: { code: string } }>;
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(error.extensions.code, operation.query).not.toBe("INTERNAL_SERVER_ERROR");
    }
  });
});
