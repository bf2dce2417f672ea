/**
 * Curation writes through the API: tokens, idempotency (retries and concurrent duplicates),
 * audit fields, evidence edits recomputing scores, and importBundle's all-or-nothing dry runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, graphSnapshot, seedArticle, testDatabase, testServer } from "./helpers.js";

const SECRET = "s3cret-token-for-tests-0001";
const server = () => testServer(db, { KG_API_TOKENS: `alice:${SECRET}` });
const AUTH = { authorization: `Bearer ${SECRET}` };
const db = testDatabase();

beforeAll(() => seedArticle(db));
afterAll(() => db.close());

const UPSERT_ENTITY = `mutation($input: EntityInput!) { upsertEntity(input: $input) { id name synonyms kind createdAt updatedAt } }`;

describe("entity and study upserts", () => {
  it("creates, then changes nothing when retried, then updates", async () => {
    const input = {
      id: "test-bifidobacteria",
      name: "Bifidobacteria",
      kind: "MICROBIAL_COMMUNITY",
      synonyms: ["Bifidobacterium"],
    };
    const first = await gql(server(), UPSERT_ENTITY, { input }, AUTH);
    expect(first.errors).toBeUndefined();
    expect(first.data.upsertEntity).toMatchObject({ id: input.id, name: "Bifidobacteria", synonyms: ["Bifidobacterium"] });
    expect(first.data.upsertEntity.createdAt).toBeTruthy();

    const snapshot = await graphSnapshot(db);
    const retry = await gql(server(), UPSERT_ENTITY, { input }, AUTH);
    expect(retry.data.upsertEntity).toEqual(first.data.upsertEntity);
    expect(await graphSnapshot(db)).toBe(snapshot);

    const changed = await gql(server(), UPSERT_ENTITY, { input: { ...input, name: "Bifidobacterium genus" } }, AUTH);
    expect(changed.data.upsertEntity.name).toBe("Bifidobacterium genus");
    expect(changed.data.upsertEntity.createdAt).toBe(first.data.upsertEntity.createdAt);
    const who = await db.read("MATCH (e:Entity {id: $id}) RETURN e.createdBy AS c, e.updatedBy AS u", { id: input.id });
    expect(who.records[0]?.toObject()).toEqual({ c: "alice", u: "alice" });
  });

  it("stores a study as given", async () => {
    const input = {
      id: "study:test-trial-2024",
      title: "A test trial",
      journal: "Test Journal",
      year: 2024,
      design: "RCT",
      sampleSize: 120,
      identifiers: ["DOI:10.1000/test"],
    };
    const r = await gql(
      server(),
      `mutation($input: StudyInput!) { upsertStudy(input: $input) { id title year design sampleSize identifiers } }`,
      { input },
      AUTH,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.upsertStudy).toEqual({
      id: input.id,
      title: input.title,
      year: 2024,
      design: "RCT",
      sampleSize: 120,
      identifiers: ["DOI:10.1000/test"],
    });
  });

  it("rejects invalid input with BAD_USER_INPUT and writes nothing", async () => {
    const snapshot = await graphSnapshot(db);
    const r = await gql(server(), UPSERT_ENTITY, { input: { id: "Bad Id", name: "", kind: "PHENOTYPE" } }, AUTH);
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await graphSnapshot(db)).toBe(snapshot);
  });

  it("creates exactly one node when the same upsert arrives many times at once", async () => {
    const input = { id: "test-concurrent", name: "Concurrent", kind: "PHENOTYPE" };
    const results = await Promise.all(Array.from({ length: 20 }, () => gql(server(), UPSERT_ENTITY, { input }, AUTH)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const count = await db.read("MATCH (e:Entity {id: 'test-concurrent'}) RETURN count(e) AS n");
    expect(count.records[0]?.get("n").toNumber()).toBe(1);
  });
});

describe("claims and evidence", () => {
  const claimInput = {
    id: "claim:test-bifido-make-gaba",
    statement: "Bifidobacteria can make GABA in the gut (test claim).",
    about: ["test-bifidobacteria", "gaba"],
    links: [{ from: "test-bifidobacteria", predicate: "PRODUCES", to: "gaba" }],
    statedIn: [{ source: "source:mg-glycinate-gut-brain", locator: "test locator" }],
  };

  it("creates a claim with its link, idempotently", async () => {
    const mutation = `mutation($input: ClaimInput!) { createClaim(input: $input) { id links { id claims { id } } evidenceSummary { level score } } }`;
    const first = await gql(server(), mutation, { input: claimInput }, AUTH);
    expect(first.errors).toBeUndefined();
    expect(first.data.createClaim.links[0].id).toBe("link:test-bifidobacteria:PRODUCES:gaba");
    expect(first.data.createClaim.evidenceSummary).toEqual({ level: "NONE_CITED", score: 0 });
    const again = await gql(server(), mutation, { input: claimInput }, AUTH);
    expect(again.data).toEqual(first.data);
    const links = await db.read("MATCH ()-[l:LINK {id: 'link:test-bifidobacteria:PRODUCES:gaba'}]->() RETURN count(l) AS n");
    expect(links.records[0]?.get("n").toNumber()).toBe(1);
  });

  it("adds evidence, recomputes claim and link scores, and removes it again", async () => {
    const add = `mutation { addEvidence(claim: "${claimInput.id}", study: "study:test-trial-2024", stance: SUPPORTS, note: "test") {
      evidenceSummary { level supporting score } evidence { stance note study { id } } links { evidence { level score } } } }`;
    const added = await gql(server(), add, {}, AUTH);
    expect(added.errors).toBeUndefined();
    expect(added.data.addEvidence.evidenceSummary).toEqual({ level: "RCT", supporting: 1, score: 0.75 });
    expect(added.data.addEvidence.links[0].evidence).toEqual({ level: "RCT", score: 0.75 });
    const snapshot = await graphSnapshot(db);
    expect((await gql(server(), add, {}, AUTH)).data).toEqual(added.data);
    expect(await graphSnapshot(db)).toBe(snapshot);

    const contradict = await gql(
      server(),
      `mutation { addEvidence(claim: "${claimInput.id}", study: "study:test-trial-2024", stance: CONTRADICTS) { evidenceSummary { level supporting contradicting score } } }`,
      {},
      AUTH,
    );
    expect(contradict.data.addEvidence.evidenceSummary).toEqual({
      level: "NONE_CITED",
      supporting: 0,
      contradicting: 1,
      score: 0,
    });

    const removed = await gql(
      server(),
      `mutation { removeEvidence(claim: "${claimInput.id}", study: "study:test-trial-2024") { evidence { stance } evidenceSummary { score } } }`,
      {},
      AUTH,
    );
    expect(removed.data.removeEvidence).toEqual({ evidence: [], evidenceSummary: { score: 0 } });
  });
});

describe("importBundle", () => {
  const bundle = {
    entities: [{ id: "test-import-a", name: "Import A", kind: "PHENOTYPE" }],
    claims: [
      {
        id: "claim:test-import",
        statement: "Import A is associated with anxiety (test).",
        about: ["test-import-a", "anxiety"],
        links: [{ from: "test-import-a", predicate: "ASSOCIATED_WITH", to: "anxiety" }],
        statedIn: [{ source: "source:mg-glycinate-gut-brain", locator: "test" }],
      },
    ],
  };
  const IMPORT = `mutation($b: JSON!, $dry: Boolean) { importBundle(bundle: $b, dryRun: $dry) { dryRun created { entities claims links } updated { entities } unchanged { entities claims } } }`;

  it("reports a dry run without writing anything", async () => {
    const snapshot = await graphSnapshot(db);
    const r = await gql(server(), IMPORT, { b: bundle, dry: true }, AUTH);
    expect(r.errors).toBeUndefined();
    expect(r.data.importBundle).toMatchObject({ dryRun: true, created: { entities: 1, claims: 1, links: 1 } });
    expect(await graphSnapshot(db)).toBe(snapshot);
  });

  it("imports once and finds everything unchanged the second time", async () => {
    const first = await gql(server(), IMPORT, { b: bundle }, AUTH);
    expect(first.data.importBundle.created).toMatchObject({ entities: 1, claims: 1, links: 1 });
    const second = await gql(server(), IMPORT, { b: bundle }, AUTH);
    expect(second.data.importBundle.created).toMatchObject({ entities: 0, claims: 0, links: 0 });
    expect(second.data.importBundle.unchanged).toMatchObject({ entities: 1, claims: 1 });
  });
});
