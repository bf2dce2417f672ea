/**
 * Hostile and malformed requests against the real server and the seeded article: each gets its
 * exact error code, and the graph is exactly as it was afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../src/plugins/limits.js";
import { gql, graphSnapshot, seedArticle, testDatabase, testServer } from "./helpers.js";

const TOKEN = "curator:0123456789abcdef0123";
const AUTH = { authorization: "Bearer 0123456789abcdef0123" };

describe("hostile and malformed requests", () => {
  const db = testDatabase();
  const server = testServer(db, { KG_API_TOKENS: TOKEN });
  let before: string;

  beforeAll(async () => {
    await seedArticle(db);
    before = await graphSnapshot(db);
  });
  afterAll(async () => {
    // Whatever was thrown at it, nothing was written.
    expect(await graphSnapshot(db)).toBe(before);
    await db.close();
  });

  const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

  it("rejects deep nesting with QUERY_TOO_DEEP", async () => {
    let selection = "id";
    // Each step nests two levels; one step past the limit, with lists of one so the cost stays low.
    for (let i = 0; i < LIMITS.maxDepth / 2 + 1; i++) selection = `outgoing(first: 1) { to { ${selection} } }`;
    const r = await gql(server, `{ entity(id: "magnesium") { ${selection} } }`);
    expect(r.errors?.map((e) => e.extensions?.code)).toContain("QUERY_TOO_DEEP");
    expect(r.data ?? null).toBeNull();
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/^The query nests 14 levels deep \(limit 10, /);
    expect(r.errors?.[0]?.extensions).toMatchObject({ limit: LIMITS.maxDepth, found: 14 });
  });

  it("rejects alias floods with TOO_MANY_ALIASES", async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: stats { entities }`).join(" ");
    const r = await gql(server, `{ ${aliases} }`);
    expect(codeOf(r)).toBe("TOO_MANY_ALIASES");
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/^The operation uses 100 aliases \(limit 15, KG_MAX_ALIASES\)/);
    expect(r.errors?.[0]?.extensions).toMatchObject({ limit: 15, found: 100 });
  });

  it("rejects floods of duplicated fields with TOO_MANY_TOKENS", async () => {
    const fields = Array.from({ length: 3000 }, () => "id").join(" ");
    const r = await gql(server, `{ entity(id: "magnesium") { ${fields} } }`);
    expect(codeOf(r)).toBe("TOO_MANY_TOKENS");
    expect(r.errors?.[0]?.message).toMatch(/^The document has more than 2000 tokens \(the limit, KG_MAX_TOKENS/);
    expect(r.errors?.[0]?.extensions).toMatchObject({ limit: 2000 });
  });

  it("rejects directive floods with TOO_MANY_DIRECTIVES", async () => {
    const directives = Array.from({ length: 50 }, () => "@include(if: true)").join(" ");
    const r = await gql(server, `{ stats { entities ${directives} } }`);
    expect(codeOf(r)).toBe("TOO_MANY_DIRECTIVES");
    expect(r.errors?.[0]?.message).toMatch(/^The operation uses 50 directives \(limit 20\)/);
  });

  it("rejects huge page sizes by their cost, before any resolver runs", async () => {
    const huge = await gql(server, `{ entities(first: 1000000) { totalCount } }`);
    expect(codeOf(huge)).toBe("QUERY_TOO_COSTLY");
    expect(huge.status).toBe(400);
    // Armor counts the written-out document while it is parsed; the message says so, not "Syntax Error".
    expect(huge.errors?.[0]?.message).toMatch(/^The document's written-out cost is \d+ \(limit 20000/);
    expect(huge.errors?.[0]?.extensions).toMatchObject({ limit: LIMITS.maxCost, found: expect.any(Number) });
    expect(codeOf(await gql(server, `{ entity(id: "magnesium") { outgoing(first: 5000) { id } } }`))).toBe("QUERY_TOO_COSTLY");
  });

  it("rejects wide nested lists with QUERY_TOO_COSTLY", async () => {
    const inner = "id name synonyms xrefs description kind";
    const level = (s: string) =>
      `outgoing(first: 100) { id predicate from { ${inner} } to { ${inner} ${s} } claims { id statement about { ${inner} } } }`;
    const query = `{ ${Array.from({ length: 12 }, (_, i) => `e${i}: entity(id: "magnesium") { ${level(level(level("id")))} }`).join(" ")} }`;
    expect(codeOf(await gql(server, query))).toBe("QUERY_TOO_COSTLY");
  });

  it("never words a refusal as a syntax error", async () => {
    const refusals = [
      `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: stats { entities }`).join(" ")} }`,
      `{ entity(id: "magnesium") { ${Array.from({ length: 3000 }, () => "id").join(" ")} } }`,
      `{ entities(first: 1000000) { totalCount } }`,
    ];
    for (const query of refusals) expect((await gql(server, query)).errors?.[0]?.message).not.toMatch(/Syntax Error/);
  });

  it("rejects circular fragments as a validation failure", async () => {
    const r = await gql(
      server,
      'query { entity(id: "gaba") { ...A } } fragment A on Entity { id ...B } fragment B on Entity { name ...A }',
    );
    expect(codeOf(r)).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it.each([
    ["a first just over the cap", `{ entities(first: 101) { totalCount } }`],
    ["a negative first", `{ entities(first: -5) { totalCount } }`],
    ["a zero first", `{ search(query: "gaba", first: 0) { label } }`],
    ["a huge maxHops", `{ mechanismChains(from: "magnesium", to: "anxiety", maxHops: 50) { hops } }`],
    ["a zero maxHops", `{ mechanismChains(from: "magnesium", to: "anxiety", maxHops: 0) { hops } }`],
    ["huge neighbourhood hops", `{ neighborhood(id: "magnesium", hops: 10) { nodes { id } } }`],
    ["a nested first over the cap", `{ entity(id: "magnesium") { outgoing(first: 101) { id } } }`],
    ["a minScore out of 0..1", `{ claims(filter: { minScore: 5 }) { totalCount } }`],
    ["a year out of range", `{ studies(filter: { yearFrom: -40000 }) { totalCount } }`],
    ["a cursor that is not one", `{ claims(after: "bm90LWEtY3Vyc29y") { totalCount } }`],
    ["a cursor of another list", `{ entities(after: "Q2xhaW18Y2xhaW06eA") { totalCount } }`],
    ["an injection string as id", `{ entity(id: "magnesium'}) MATCH (n) DETACH DELETE n //") { id } }`],
    ["a huge id", `{ entity(id: "${"a".repeat(10_000)}") { id } }`],
    ["an id of the wrong kind", `{ claim(id: "magnesium") { id } }`],
    ["a search with no letters", `{ search(query: "&& || ( ) ~ *") { label } }`],
    ["an overlong search", `{ search(query: "${"gaba ".repeat(100)}") { label } }`],
  ])("answers %s with BAD_USER_INPUT", async (_name, query) => {
    const r = await gql(server, query);
    expect(codeOf(r)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(r.errors)).not.toMatch(/MATCH|RETURN|Neo4j|at .*\.ts/);
  });

  it("answers unknown chain ends with NOT_FOUND", async () => {
    const r = await gql(server, `{ mechanismChains(from: "magnesium", to: "no-such-thing") { hops } }`);
    expect(codeOf(r)).toBe("NOT_FOUND");
    expect(r.errors?.[0]?.message).toContain("no-such-thing");
  });

  it("treats full-text syntax and injection strings in search as plain text", async () => {
    for (const query of [
      'gaba AND (anx* OR ~"',
      '") MATCH (n) DETACH DELETE n //',
      "\\u0000 ' \" ` $" + "{x}",
      "title:gaba~2^5",
    ]) {
      const r = await gql(server, "query($q: String!) { search(query: $q) { label } }", { q: query });
      expect(r.errors, query).toBeUndefined();
    }
    const r = await gql(server, "query($q: String!) { search(query: $q) { type label } }", { q: 'GABA" OR "*' });
    expect(r.data.search.some((h: { label: string }) => h.label === "GABA")).toBe(true);
  });

  it("rejects variables of the wrong type before running anything", async () => {
    const r = await gql(server, "query($n: Int) { entities(first: $n) { totalCount } }", { n: "ten" });
    expect(codeOf(r)).toBe("BAD_USER_INPUT");
  });

  it("rejects unknown enum values", async () => {
    const r = await gql(server, "{ entities(kind: SPACESHIP) { totalCount } }");
    expect(codeOf(r)).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("hides field suggestions", async () => {
    const r = await gql(server, '{ entiti(id: "gaba") { id } }');
    expect(codeOf(r)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.errors?.[0]?.message).not.toMatch(/Did you mean/i);
  });

  it("refuses oversized bodies with 413 PAYLOAD_TOO_LARGE", async () => {
    const body = JSON.stringify({ query: `{ stats { entities } } # ${"x".repeat(LIMITS.maxBodyBytes)}` });
    const response = await server.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
      body,
    });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses a Content-Length that is not one byte count with 400 BAD_REQUEST", async () => {
    for (const declared of ["12, 12", "-1", "lots"]) {
      const response = await server.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": declared },
        body: JSON.stringify({ query: "{ stats { entities } }" }),
      });
      expect(response.status).toBe(400);
      expect((await response.json()).errors[0].extensions.code).toBe("BAD_REQUEST");
    }
  });

  it("refuses batched requests", async () => {
    const response = await server.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ stats { entities } }" }, { query: "{ stats { claims } }" }]),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.data).toBeUndefined();
  });

  it("refuses mutations over GET", async () => {
    const query = encodeURIComponent(`mutation { removeEvidence(claim: "claim:x", study: "study:y") { id } }`);
    const response = await server.fetch(`http://localhost/graphql?query=${query}`, {
      method: "GET",
      headers: { ...AUTH, accept: "application/json" },
    });
    expect(response.status).toBe(405);
  });

  it("refuses writes without a token, with a wrong token, and when writes are disabled", async () => {
    const mutation = `mutation { upsertEntity(input: { id: "intruder", name: "Intruder", kind: PHENOTYPE }) { id } }`;
    expect(codeOf(await gql(server, mutation))).toBe("UNAUTHENTICATED");
    expect(codeOf(await gql(server, mutation, {}, { authorization: "Bearer wrong-token-0000000000" }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await gql(server, mutation, {}, { authorization: "Basic 0123456789abcdef0123" }))).toBe("UNAUTHENTICATED");
    const readOnly = testServer(db, { KG_API_TOKENS: "" });
    expect(codeOf(await gql(readOnly, mutation, {}, AUTH))).toBe("WRITES_DISABLED");
  });

  it("rejects malformed and half-valid bundles whole, listing every problem", async () => {
    const mutation = "mutation($b: JSON!) { importBundle(bundle: $b) { created { entities claims } } }";
    const malformed = await gql(server, mutation, { b: { entities: "not a list", unknownKey: 1 } }, AUTH);
    expect(codeOf(malformed)).toBe("BAD_USER_INPUT");
    const halfValid = await gql(
      server,
      mutation,
      {
        b: {
          entities: [{ id: "new-good-entity", name: "Fine", kind: "PHENOTYPE" }],
          claims: [
            {
              id: "claim:dangling",
              statement: "Points at nothing",
              about: ["no-such-entity"],
              statedIn: [{ source: "source:mg-glycinate-gut-brain", locator: "x" }],
            },
          ],
        },
      },
      AUTH,
    );
    expect(codeOf(halfValid)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(halfValid.errors?.[0]?.extensions?.problems)).toContain("no-such-entity");
    expect(codeOf(await gql(server, mutation, { b: [1, 2, 3] }, AUTH))).toBe("BAD_USER_INPUT");
  });

  it("refuses deeply nested bundles as the client's mistake, saying where, without overflowing anything", async () => {
    const mutation = "mutation($b: JSON!) { importBundle(bundle: $b) { created { entities } } }";
    // Nested levels as the whole variable, built as text (JSON.stringify itself would recurse).
    const send = (levels: number) =>
      server.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...AUTH },
        body: `{"query": ${JSON.stringify(mutation)}, "variables": {"b": ${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}}`,
      });
    type Answer = { errors?: Array<{ extensions?: Record<string, unknown> }> };
    // 100,000 levels do not fit the body limit: refused before anything reads them.
    const huge = (await (await send(100_000)).json()) as Answer;
    expect(huge.errors?.[0]?.extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    // 40,000 levels fit it: the bundle's own bounds refuse them, naming the problem.
    const whole = (await (await send(40_000)).json()) as Answer;
    expect(whole.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(whole.errors?.[0]?.extensions?.problems)).toContain("TOO_DEEP");
    // 5,000 levels inside one field of an otherwise fine entity: the problem names the entry.
    const nested = `${'{"d":'.repeat(5_000)}"x"${"}".repeat(5_000)}`;
    const entity = `{"id": "deep-entity", "name": "Deep", "kind": "PHENOTYPE", "description": ${nested}}`;
    const inField = (await (
      await server.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...AUTH },
        body: `{"query": ${JSON.stringify(mutation)}, "variables": {"b": {"entities": [${entity}]}}}`,
      })
    ).json()) as Answer;
    expect(inField.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(inField.errors?.[0]?.extensions?.problems).toEqual([
      expect.objectContaining({ entry: "entities[0]", code: "TOO_DEEP" }),
    ]);
    expect(await db.read("MATCH (e:Entity {id: 'deep-entity'}) RETURN e").then((r) => r.records.length)).toBe(0);
  });

  it("counts an operation's cost with its variables and defaults applied, before any Cypher", async () => {
    const nested = `query($n: Int) { entities(first: $n) { nodes { outgoing(first: $n) { to { outgoing(first: $n) { to { id } } } } } } }`;
    const refusedWith = async (query: string, variables: Record<string, unknown>) => {
      // Twice: the second run of a document is compiled (graphql-jit) and must refuse it the same way.
      for (let run = 0; run < 2; run++) {
        const r = await gql(server, query, variables);
        expect(codeOf(r), query).toBe("QUERY_TOO_COSTLY");
        expect(r.status).toBe(400);
        expect(r.errors?.[0]?.message).toMatch(/^The operation would cost \d+ \(limit 50000, KG_MAX_COMPLEXITY\)/);
        expect(r.errors?.[0]?.extensions).toMatchObject({ limit: 50000, found: expect.any(Number) });
        expect(r.extensions?.cypherQueries ?? 0).toBe(0);
      }
    };
    // `first` from a variable counts as much as written out: 100 x 100 x 100 rows.
    await refusedWith(nested, { n: 100 });
    // No `first` at all: the default page sizes (20) multiply through four levels of lists.
    await refusedWith(
      `{ entities { nodes { outgoing { to { outgoing { to { outgoing { to { outgoing { id } } } } } } } } } }`,
      {},
    );
    // Aliases of an expensive field each count: fifteen 6-hop chain searches for 100 chains each.
    const aliases = Array.from(
      { length: 15 },
      (_, i) =>
        `c${i}: mechanismChains(from: "magnesium", to: "anxiety", maxHops: 6, first: $n) { hops links { id } nodes { id } }`,
    );
    await refusedWith(`query($n: Int) { ${aliases.join(" ")} }`, { n: 100 });
    // The same shapes with small pages are fine.
    const small = await gql(server, nested, { n: 3 });
    expect(small.errors).toBeUndefined();
    expect(small.data.entities.nodes).toHaveLength(3);
  });

  it("answers evidence edits on unknown records with NOT_FOUND", async () => {
    const r = await gql(
      server,
      `mutation { addEvidence(claim: "claim:no-such-claim", study: "study:no-such-study", stance: SUPPORTS) { id } }`,
      {},
      AUTH,
    );
    expect(codeOf(r)).toBe("NOT_FOUND");
  });
});
