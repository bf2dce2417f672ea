/**
 * One write path: the evidence mutations and createClaim go through the same per-kind writers as
 * bundles (src/graph/write/), read-check-write in one transaction, so an edit keeps what it does not
 * change (audit fields, voice, bearsOn, the check), and the one derived-data step refreshes caches,
 * shortcuts and the graph version for every writer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPlain } from "../src/db/database.js";
import { importBundle } from "../src/graph/import.js";
import { expectStrongestLinksConsistent, gql, seedArticle, testDatabase, testServer } from "./helpers.js";

const SECRET = "s3cret-token-for-write-path-01";
const db = testDatabase();
const server = testServer(db, { KG_API_TOKENS: `curator:${SECRET}`, KG_TRAVERSAL_CACHE_ENTRIES: "0" });
const AUTH = { authorization: `Bearer ${SECRET}` };

// The anxiety claim's inline citation: an ARTICLE edge with bearsOn, addresses and an OVERSTATED check.
const CLAIM = "claim:mg-supplementation-reduces-anxiety-depression";
const STUDY = "study:nutrients-2017-meta-analysis";

async function edge() {
  const result = await db.read(
    `MATCH (:Study {id: $study})-[e]->(:Claim {id: $claim})
     RETURN type(e) AS stance, e.createdAt AS createdAt, e.createdBy AS createdBy, e.updatedBy AS updatedBy, e.note AS note,
            e.voice AS voice, e.bearsOn AS bearsOn, e.verdict AS verdict, e.addresses AS addresses, e.reasonAspects AS aspects`,
    { claim: CLAIM, study: STUDY },
  );
  return toPlain(result.records[0]?.toObject()) as Record<string, unknown>;
}

const version = async () =>
  toPlain((await db.read("MATCH (v:GraphVersion {id: 'graph'}) RETURN v.token AS token")).records[0]?.get("token"));

beforeAll(() => seedArticle(db));
afterAll(() => db.close());

describe("one write path for bundles and mutations", () => {
  it("addEvidence with a new stance keeps the edge's audit fields, voice, bearsOn and check", async () => {
    const before = await edge();
    expect(before).toMatchObject({ stance: "SUPPORTS", voice: "ARTICLE", verdict: "OVERSTATED" });
    const token = await version();
    const changed = await gql(
      server,
      `mutation { addEvidence(claim: "${CLAIM}", study: "${STUDY}", stance: MIXED, note: "re-read") { evidence { stance study { id } } } }`,
      {},
      AUTH,
    );
    expect(changed.errors).toBeUndefined();
    const after = await edge();
    expect(after).toEqual({ ...before, stance: "MIXED", note: "re-read", updatedBy: "curator" });
    // The one derived-data step ran: a new graph version, and shortcuts consistent with the new scores.
    expect(await version()).not.toEqual(token);
    await expectStrongestLinksConsistent(db);
  });

  it("an unchanged addEvidence writes nothing, not even the graph version", async () => {
    const before = await edge();
    const token = await version();
    const again = await gql(
      server,
      `mutation { addEvidence(claim: "${CLAIM}", study: "${STUDY}", stance: MIXED, note: "re-read") { id } }`,
      {},
      AUTH,
    );
    expect(again.errors).toBeUndefined();
    expect(await edge()).toEqual(before);
    expect(await version()).toEqual(token);
  });

  it("createClaim re-writing a claim keeps its evidence whole, read in the same transaction", async () => {
    const before = await edge();
    const claim = await gql(
      server,
      `{ claim(id: "${CLAIM}") { statement about { id } links { from { id } predicate to { id } } statedIn { source { id } locator } } }`,
    );
    const c = claim.data.claim;
    const input = {
      id: CLAIM,
      statement: `${c.statement} (re-worded)`,
      about: c.about.map((e: { id: string }) => e.id),
      links: c.links.map((l: { from: { id: string }; predicate: string; to: { id: string } }) => ({
        from: l.from.id,
        predicate: l.predicate,
        to: l.to.id,
      })),
      statedIn: c.statedIn.map((s: { source: { id: string }; locator: string }) => ({ source: s.source.id, locator: s.locator })),
    };
    const rewritten = await gql(
      server,
      "mutation($input: ClaimInput!) { createClaim(input: $input) { statement evidence { voice verdict study { id } } } }",
      { input },
      AUTH,
    );
    expect(rewritten.errors).toBeUndefined();
    expect(rewritten.data.createClaim.statement).toMatch(/re-worded/);
    expect(await edge()).toMatchObject({ ...before, updatedBy: expect.any(String) });
    expect(rewritten.data.createClaim.evidence).toContainEqual({ voice: "ARTICLE", verdict: "OVERSTATED", study: { id: STUDY } });
  });

  it("removeEvidence removes one edge through the same writer, and the caches follow", async () => {
    const removed = await gql(
      server,
      `mutation { removeEvidence(claim: "${CLAIM}", study: "${STUDY}") { evidence { study { id } } check { articleImplies { score } } } }`,
      {},
      AUTH,
    );
    expect(removed.errors).toBeUndefined();
    expect(removed.data.removeEvidence.evidence.map((e: { study: { id: string } }) => e.study.id)).not.toContain(STUDY);
    // The article's own citation is gone: what it implies on its own word falls to nothing.
    expect(removed.data.removeEvidence.check.articleImplies.score).toBe(0);
    expect(await edge()).toBeUndefined();
  });

  // What the rule reads of a study changes the scores of the claims citing any record of its work.
  describe("a study's change refreshes the claims of its work", () => {
    const bundle = (record: object, extraStudies: object[] = []) => ({
      entities: [
        { id: "wp-a", name: "A", kind: "SMALL_MOLECULE" },
        { id: "wp-b", name: "B", kind: "PHENOTYPE" },
      ],
      sources: [{ id: "source:wp", title: "Write-path source", kind: "test" }],
      studies: [{ id: "study:wp-mention", design: "UNKNOWN", record }, ...extraStudies],
      claims: [
        {
          id: "claim:wp-a-lowers-b",
          statement: "A lowers B.",
          about: ["wp-a", "wp-b"],
          links: [{ from: "wp-a", predicate: "DECREASES", to: "wp-b" }],
          statedIn: [{ source: "source:wp", locator: "s1" }],
          evidence: [{ study: "study:wp-mention", stance: "SUPPORTS" }],
        },
      ],
    });
    const score = async () =>
      toPlain(
        (
          await db.read(
            "MATCH (c:Claim {id: 'claim:wp-a-lowers-b'}) MATCH ()-[l:LINK {id: 'link:wp-a:DECREASES:wp-b'}]->() RETURN [c.score, l.score] AS s",
          )
        ).records[0]?.get("s"),
      );

    it("a record turning from CANDIDATE to VERIFIED (same design) re-scores the claim and link", async () => {
      // UNKNOWN (0.1) with a candidate RCT record: a candidate never raises, 0.1
      await importBundle(db, bundle({ status: "CANDIDATE", design: "RCT" }), { actor: "test" });
      expect(await score()).toEqual([0.1, 0.1]);
      // the same record verified: RCT decides, 0.75; only the study changed
      await importBundle(db, { studies: bundle({ status: "VERIFIED", design: "RCT" }).studies }, { actor: "test" });
      expect(await score()).toEqual([0.75, 0.75]);
    });

    it("a new record joining the work by SAME_AS re-scores the claims of the record already cited", async () => {
      await importBundle(db, bundle({ status: "UNVERIFIED" }), { actor: "test" });
      expect(await score()).toEqual([0.1, 0.1]);
      // a verified case-series record of the same work arrives: the work weighs 0.25
      const record = {
        id: "study:wp-record",
        record: { status: "VERIFIED", design: "CASE_SERIES" },
        sameAs: [{ study: "study:wp-mention", note: "same work" }],
      };
      await importBundle(db, { studies: [record] }, { actor: "test" });
      expect(await score()).toEqual([0.25, 0.25]);
    });
  });
});
