import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importBundle } from "../src/graph/import.js";
import { clearGraph, gql, graphSnapshot, refusal, seedArticle, testDatabase, testServer } from "./helpers.js";

// The machine is shared: a cold Neo4j plans the writer's statements slowly under load.
const db = testDatabase({ queryTimeoutMs: 120_000 });
afterAll(() => db.close());

const SECRET = "s3cret-token-for-evidence-tests";
const AUTH = { authorization: `Bearer ${SECRET}` };
const server = () => testServer(db, { KG_API_TOKENS: `curator:${SECRET}` });

const SOURCE = "source:evidence-test";
type Link = { from: string; predicate: string; to: string };
const L = (from: string, predicate: string, to: string): Link => ({ from, predicate, to });
const idOf = (l: Link) => `link:${l.from}:${l.predicate}:${l.to}`;

/** A claim of the test source; `about` defaults to the ends of its links. */
function claim(id: string, links: Link[], evidence: unknown[] = [], certainty?: string) {
  const about = [...new Set(links.flatMap((l) => [l.from, l.to]))];
  return {
    id: `claim:${id}`,
    statement: `Test claim ${id}.`,
    about: about.length ? about : ["e-anchor"],
    links,
    statedIn: [{ source: SOURCE, locator: `test ${id}` }],
    ...(certainty ? { qualifiers: { certainty } } : {}),
    evidence,
  };
}

const entities = (...ids: string[]) => ["e-anchor", ...ids].map((id) => ({ id, name: `Entity ${id}`, kind: "PHENOTYPE" }));

/** A clean graph holding exactly this bundle (plus the test source). */
async function fresh(bundle: { entities?: unknown[]; studies?: unknown[]; claims?: unknown[] }) {
  await clearGraph(db);
  await importBundle(
    db,
    { entities: entities(), ...bundle, sources: [{ id: SOURCE, title: "Evidence test source", kind: "test" }] },
    { actor: "evidence-test" },
  );
}

// Warm-up (in the hook's longer timeout): the first import plans every statement of the writer.
beforeAll(() =>
  fresh({
    entities: entities("e-warm"),
    studies: [
      { id: "study:warm", design: "RCT", record: { status: "VERIFIED", design: "RCT" } },
      { id: "study:warm-too", sameAs: [{ study: "study:warm", note: "Warm-up." }] },
    ],
    claims: [claim("warm", [L("e-anchor", "INCREASES", "e-warm")], [{ study: "study:warm", stance: "SUPPORTS" }])],
  }),
);

/** A GraphQL read that must succeed. */
// biome-ignore lint/suspicious/noExplicitAny: responses are inspected field by field
async function read(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const r = await gql(server(), query, variables);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

const SUMMARY = "{ level supporting contradicting score }";
const claimSummary = async (id: string) =>
  (await read(`{ claim(id: "${id}") { evidenceSummary ${SUMMARY} } }`)).claim.evidenceSummary;
/** A link's summary, by its id, read from the claim asserting it. */
async function linkSummary(claimId: string, link: string) {
  const data = await read(`{ claim(id: "${claimId}") { links { id definitional certainty evidence ${SUMMARY} } } }`);
  const found = data.claim.links.find((l: { id: string }) => l.id === link);
  expect(found, `${link} among the links of ${claimId}`).toBeDefined();
  return found;
}
const summary = (level: string, supporting: number, contradicting: number, score: number) => ({
  level,
  supporting,
  contradicting,
  score,
});

describe("1. one work counts once", () => {
  const x = L("e-x", "INCREASES", "e-y");
  const twoRecords = (sameAs: boolean) => ({
    entities: entities("e-x", "e-y"),
    studies: [
      {
        id: "study:mention",
        design: "META_ANALYSIS",
        sameAs: sameAs
          ? [{ study: "study:reference", confidence: "PROBABLY_SAME_WORK", note: "Same journal, year and count." }]
          : [],
      },
      { id: "study:reference", design: "META_ANALYSIS" },
    ],
    claims: [
      claim(
        "x-raises-y",
        [x],
        [
          { study: "study:mention", stance: "SUPPORTS" },
          { study: "study:reference", stance: "SUPPORTS" },
        ],
      ),
    ],
  });

  it("two records joined by sameAs are one work: supporting 1, score 0.9; without sameAs 2 works, 0.99", async () => {
    await fresh(twoRecords(true));
    // one work, META_ANALYSIS 0.9
    expect(await claimSummary("claim:x-raises-y")).toEqual(summary("SYSTEMATIC_REVIEW", 1, 0, 0.9));
    expect((await linkSummary("claim:x-raises-y", idOf(x))).evidence).toEqual(summary("SYSTEMATIC_REVIEW", 1, 0, 0.9));
    // the same data with no identity link: two works, 1 - 0.1 × 0.1 = 0.99
    await fresh(twoRecords(false));
    expect(await claimSummary("claim:x-raises-y")).toEqual(summary("SYSTEMATIC_REVIEW", 2, 0, 0.99));
    expect((await linkSummary("claim:x-raises-y", idOf(x))).evidence).toEqual(summary("SYSTEMATIC_REVIEW", 2, 0, 0.99));
  });

  it("a work's VERIFIED record design is used over the source's; a CANDIDATE can lower but never raise", async () => {
    await fresh({
      studies: [
        { id: "study:verified-down", design: "META_ANALYSIS", record: { status: "VERIFIED", design: "CASE_SERIES" } },
        { id: "study:verified-up", design: "UNKNOWN", record: { status: "VERIFIED", design: "RCT" } },
        { id: "study:candidate-up", design: "UNKNOWN", record: { status: "CANDIDATE", design: "RCT" } },
        { id: "study:candidate-down", design: "META_ANALYSIS", record: { status: "CANDIDATE", design: "CLINICAL_TRIAL" } },
        // the partner's verified record speaks for the whole work, whichever record is cited
        {
          id: "study:text-mention",
          design: "META_ANALYSIS",
          sameAs: [{ study: "study:listed-ref", confidence: "SAME_WORK", note: "Same PMID." }],
        },
        { id: "study:listed-ref", design: "META_ANALYSIS", record: { status: "VERIFIED", design: "COHORT" } },
      ],
      claims: [
        claim("verified-down", [], [{ study: "study:verified-down", stance: "SUPPORTS" }]),
        claim("verified-up", [], [{ study: "study:verified-up", stance: "SUPPORTS" }]),
        claim("candidate-up", [], [{ study: "study:candidate-up", stance: "SUPPORTS" }]),
        claim("candidate-down", [], [{ study: "study:candidate-down", stance: "SUPPORTS" }]),
        claim("via-partner", [], [{ study: "study:text-mention", stance: "SUPPORTS" }]),
      ],
    });
    // verified CASE_SERIES over the source's META_ANALYSIS: 0.25
    expect(await claimSummary("claim:verified-down")).toEqual(summary("CASE_SERIES", 1, 0, 0.25));
    // verified RCT over the source's UNKNOWN: 0.75
    expect(await claimSummary("claim:verified-up")).toEqual(summary("RCT", 1, 0, 0.75));
    // candidate RCT cannot raise UNKNOWN: min(0.1, 0.75) = 0.1
    expect(await claimSummary("claim:candidate-up")).toEqual(summary("MECHANISTIC_OR_OPINION", 1, 0, 0.1));
    // candidate CLINICAL_TRIAL lowers META_ANALYSIS: min(0.9, 0.6) = 0.6
    expect(await claimSummary("claim:candidate-down")).toEqual(summary("CLINICAL_TRIAL", 1, 0, 0.6));
    // the cited mention has no record; its SAME_AS partner's verified COHORT decides: 0.5
    expect(await claimSummary("claim:via-partner")).toEqual(summary("COHORT", 1, 0, 0.5));
  });
});

describe("2. a study bears only on the links it was cited for", () => {
  const ab = L("e-a", "INCREASES", "e-b");
  const bc = L("e-b", "INCREASES", "e-c");
  const de = L("e-d", "INCREASES", "e-e");
  const ef = L("e-e", "INCREASES", "e-f");

  it("bearsOn: the other link is NONE_CITED at 0 while the claim counts the study; addresses narrows to UNCONFIRMED", async () => {
    await fresh({
      entities: entities("e-a", "e-b", "e-c", "e-d", "e-e", "e-f"),
      studies: [
        { id: "study:trial-ab", design: "RCT" },
        { id: "study:trial-de", design: "RCT" },
      ],
      claims: [
        claim("abc", [ab, bc], [{ study: "study:trial-ab", stance: "SUPPORTS", bearsOn: [ab] }]),
        claim(
          "def",
          [de, ef],
          [{ study: "study:trial-de", stance: "SUPPORTS", check: { verdict: "CONSISTENT", addresses: [de] } }],
        ),
      ],
    });
    // the claim counts the RCT: 0.75
    expect(await claimSummary("claim:abc")).toEqual(summary("RCT", 1, 0, 0.75));
    // the link it was cited for: 0.75; the other: nothing cited
    expect((await linkSummary("claim:abc", idOf(ab))).evidence).toEqual(summary("RCT", 1, 0, 0.75));
    expect((await linkSummary("claim:abc", idOf(bc))).evidence).toEqual(summary("NONE_CITED", 0, 0, 0));
    // cited for both links (no bearsOn), but the work addresses only d->e: e->f is cited, unconfirmed
    expect(await claimSummary("claim:def")).toEqual(summary("RCT", 1, 0, 0.75));
    expect((await linkSummary("claim:def", idOf(de))).evidence).toEqual(summary("RCT", 1, 0, 0.75));
    expect((await linkSummary("claim:def", idOf(ef))).evidence).toEqual(summary("UNCONFIRMED", 0, 0, 0));
    // and the edges say so
    const data = await read(`{ abc: claim(id: "claim:abc") { evidence { bearsOnAll bearsOn { id } addresses { id } } }
      def: claim(id: "claim:def") { evidence { bearsOnAll bearsOn { id } addresses { id } } } }`);
    expect(data.abc.evidence).toEqual([{ bearsOnAll: false, bearsOn: [{ id: idOf(ab) }], addresses: [{ id: idOf(ab) }] }]);
    expect(data.def.evidence).toEqual([
      { bearsOnAll: true, bearsOn: [{ id: idOf(de) }, { id: idOf(ef) }], addresses: [{ id: idOf(de) }] },
    ]);
  });

  it("on the seed: links a cited study was not cited for score 0, though their claim cites a study", async () => {
    await seedArticle(db);
    const data = await read(`{
      gi: claim(id: "claim:magnesium-eases-stress-gi-discomfort") {
        evidence { study { id } bearsOn { id } } check { articleImplies ${SUMMARY} }
        links { id evidence ${SUMMARY} } }
      crp: claim(id: "claim:magnesium-reduces-crp") {
        evidence { study { id } bearsOn { id } } check { articleImplies ${SUMMARY} }
        links { id evidence ${SUMMARY} } } }`);
    const links = (c: { links: Array<{ id: string; evidence: unknown }> }) =>
      Object.fromEntries(c.links.map((l) => [l.id, l.evidence]));
    // The gut-discomfort claim cites the Stress and Health trial for magnesium's part only.
    expect(data.gi.evidence).toEqual([
      { study: { id: "study:stress-health-2020-gi-discomfort" }, bearsOn: [{ id: "link:magnesium:DECREASES:gi-discomfort" }] },
    ]);
    // at the article's word the trial counts (CLINICAL_TRIAL 0.6) ...
    expect(data.gi.check.articleImplies).toEqual(summary("CLINICAL_TRIAL", 1, 0, 0.6));
    // ... stress -> discomfort has nothing cited; magnesium -> discomfort has an UNVERIFIED work
    expect(links(data.gi)["link:stress:CONTRIBUTES_TO:gi-discomfort"]).toEqual(summary("NONE_CITED", 0, 0, 0));
    expect(links(data.gi)["link:magnesium:DECREASES:gi-discomfort"]).toEqual(summary("UNCONFIRMED", 0, 0, 0));
    // CRP as a marker of inflammation: the Nutrients 2020 study was cited only for magnesium's effects
    expect(data.crp.evidence[0].study.id).toBe("study:nutrients-2020-inflammation-crp");
    expect(data.crp.evidence[0].bearsOn.map((l: { id: string }) => l.id)).toEqual([
      "link:magnesium:DECREASES:crp",
      "link:magnesium:DECREASES:inflammation",
    ]);
    expect(data.crp.check.articleImplies.supporting).toBe(1);
    expect(links(data.crp)["link:crp:ASSOCIATED_WITH:inflammation"]).toEqual(summary("NONE_CITED", 0, 0, 0));
  });
});

describe("3. a curator's inference", () => {
  const gh = L("e-g", "INCREASES", "e-h");
  const ij = L("e-i", "INCREASES", "e-j");
  const reason = "Listed in the references only; the curators tie it to this claim by its title.";

  it("adds nothing until checked; checked CONSISTENT, it counts", async () => {
    await fresh({
      entities: entities("e-g", "e-h", "e-i", "e-j"),
      studies: [{ id: "study:listed-trial", design: "RCT" }],
      claims: [
        claim("inferred", [gh], [{ study: "study:listed-trial", stance: "SUPPORTS", voice: "CURATOR_INFERENCE", reason }]),
        claim(
          "inferred-checked",
          [ij],
          [
            {
              study: "study:listed-trial",
              stance: "SUPPORTS",
              voice: "CURATOR_INFERENCE",
              reason,
              check: { verdict: "CONSISTENT" },
            },
          ],
        ),
      ],
    });
    // unchecked inference: cited, counts nothing
    expect(await claimSummary("claim:inferred")).toEqual(summary("UNCONFIRMED", 0, 0, 0));
    expect((await linkSummary("claim:inferred", idOf(gh))).evidence).toEqual(summary("UNCONFIRMED", 0, 0, 0));
    // checked CONSISTENT: RCT 0.75
    expect(await claimSummary("claim:inferred-checked")).toEqual(summary("RCT", 1, 0, 0.75));
    expect((await linkSummary("claim:inferred-checked", idOf(ij))).evidence).toEqual(summary("RCT", 1, 0, 0.75));
    const data = await read(`{ claim(id: "claim:inferred") { evidence { voice reason verdict } } }`);
    expect(data.claim.evidence).toEqual([{ voice: "CURATOR_INFERENCE", reason, verdict: null }]);
  });

  it("validation refuses an inference without a reason and a bearsOn naming a link the claim does not assert, writing nothing", async () => {
    await fresh({ entities: entities("e-g", "e-h", "e-i", "e-j"), studies: [{ id: "study:listed-trial", design: "RCT" }] });
    const before = await graphSnapshot(db);
    const noReason = claim("no-reason", [gh], [{ study: "study:listed-trial", stance: "SUPPORTS", voice: "CURATOR_INFERENCE" }]);
    const strayBearsOn = claim("stray-bears-on", [gh], [{ study: "study:listed-trial", stance: "SUPPORTS", bearsOn: [ij] }]);
    const bundle = {
      entities: entities("e-g", "e-h", "e-i", "e-j"),
      sources: [{ id: SOURCE, title: "Evidence test source", kind: "test" }],
      studies: [{ id: "study:listed-trial", design: "RCT" }],
      claims: [noReason, strayBearsOn],
    };
    const problems = await refusal(importBundle(db, bundle, { actor: "evidence-test" }));
    expect(problems.map((p) => ({ entry: p.entry, field: p.field, code: p.code }))).toEqual([
      { entry: "claims[0] (claim:no-reason)", field: "evidence[0].reason", code: "INFERENCE_WITHOUT_REASON" },
      { entry: "claims[1] (claim:stray-bears-on)", field: "evidence[0].bearsOn[0]", code: "BEARS_ON_UNKNOWN_LINK" },
    ]);
    expect(await graphSnapshot(db)).toBe(before);
  });

  it("on the seed: every edge from a study cited only in the reference list is a curator's inference with a reason", async () => {
    await seedArticle(db);
    const data = await read(
      `{ studies(first: 100) { totalCount nodes { id citedIn { as } evidence { voice reason claim { id } } } } }`,
    );
    expect(data.studies.totalCount).toBeLessThanOrEqual(100);
    type S = { id: string; citedIn: Array<{ as: string }>; evidence: Array<{ voice: string; reason: string | null }> };
    const listedOnly = (data.studies.nodes as S[]).filter(
      (s) => s.citedIn.some((c) => c.as === "REFERENCE_LIST") && !s.citedIn.some((c) => c.as === "TEXT"),
    );
    const edges = listedOnly.flatMap((s) => s.evidence);
    expect(listedOnly.length).toBeGreaterThan(0);
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(e.voice).toBe("CURATOR_INFERENCE");
      expect(e.reason?.trim()).toBeTruthy();
    }
  });
});

it("4. a human study of unstated design weighs 0.25 at level HUMAN_STUDY_UNSPECIFIED (expert opinion: 0.1)", async () => {
  await fresh({
    studies: [
      { id: "study:people-some-design", design: "HUMAN_STUDY_UNSPECIFIED" },
      { id: "study:an-opinion", design: "EXPERT_OPINION" },
    ],
    claims: [
      claim("human", [], [{ study: "study:people-some-design", stance: "SUPPORTS" }]),
      claim("opinion", [], [{ study: "study:an-opinion", stance: "SUPPORTS" }]),
    ],
  });
  // HUMAN_STUDY_UNSPECIFIED: 0.25
  expect(await claimSummary("claim:human")).toEqual(summary("HUMAN_STUDY_UNSPECIFIED", 1, 0, 0.25));
  // EXPERT_OPINION: 0.1
  expect(await claimSummary("claim:opinion")).toEqual(summary("MECHANISTIC_OR_OPINION", 1, 0, 0.1));
});

it("5. verdicts and authors' certainty: OVERSTATED and LOW halve, VERY_LOW quarters, NOT_ADDRESSED/UNVERIFIED add nothing, CONTRADICTED counts against", async () => {
  const checked = (id: string, study: string, verdict?: string) =>
    claim(id, [], [{ study, stance: "SUPPORTS", ...(verdict ? { check: { verdict } } : {}) }]);
  await fresh({
    studies: [
      { id: "study:trial", design: "RCT" },
      { id: "study:review", design: "META_ANALYSIS" },
      { id: "study:trial-low", design: "RCT", record: { status: "VERIFIED", design: "RCT", authorsCertainty: "LOW" } },
      { id: "study:trial-very-low", design: "RCT", record: { status: "VERIFIED", design: "RCT", authorsCertainty: "VERY_LOW" } },
    ],
    claims: [
      checked("consistent", "study:trial", "CONSISTENT"),
      checked("overstated", "study:trial", "OVERSTATED"),
      checked("low", "study:trial-low"),
      checked("very-low", "study:trial-very-low"),
      checked("low-overstated", "study:trial-low", "OVERSTATED"),
      checked("not-addressed", "study:trial", "NOT_ADDRESSED"),
      checked("unverified", "study:trial", "UNVERIFIED"),
      claim(
        "contradicted",
        [],
        [
          { study: "study:review", stance: "SUPPORTS", check: { verdict: "CONSISTENT" } },
          { study: "study:trial", stance: "SUPPORTS", check: { verdict: "CONTRADICTED" } },
        ],
      ),
    ],
  });
  // RCT 0.75
  expect(await claimSummary("claim:consistent")).toEqual(summary("RCT", 1, 0, 0.75));
  // 0.75 / 2
  expect(await claimSummary("claim:overstated")).toEqual(summary("RCT", 1, 0, 0.375));
  // 0.75 / 2 (authors: LOW)
  expect(await claimSummary("claim:low")).toEqual(summary("RCT", 1, 0, 0.375));
  // 0.75 / 4 (authors: VERY_LOW)
  expect(await claimSummary("claim:very-low")).toEqual(summary("RCT", 1, 0, 0.1875));
  // 0.75 / 2 / 2
  expect(await claimSummary("claim:low-overstated")).toEqual(summary("RCT", 1, 0, 0.1875));
  // cited, adds nothing
  expect(await claimSummary("claim:not-addressed")).toEqual(summary("UNCONFIRMED", 0, 0, 0));
  expect(await claimSummary("claim:unverified")).toEqual(summary("UNCONFIRMED", 0, 0, 0));
  // support 0.9, against 0.75: 0.9 × (1 - 0.75) = 0.225
  expect(await claimSummary("claim:contradicted")).toEqual(summary("SYSTEMATIC_REVIEW", 1, 1, 0.225));
});

describe("6. definitional links", () => {
  it("a HAS_PART link is DEFINITIONAL at 1; a chain through it scores its empirical link", async () => {
    const hasPart = L("e-salt", "HAS_PART", "e-ion");
    const lowers = L("e-ion", "DECREASES", "e-symptom");
    await fresh({
      entities: entities("e-salt", "e-ion", "e-symptom"),
      studies: [{ id: "study:ion-trial", design: "RCT" }],
      claims: [
        claim("salt-has-ion", [hasPart]),
        claim("ion-lowers-symptom", [lowers], [{ study: "study:ion-trial", stance: "SUPPORTS" }]),
      ],
    });
    const part = await linkSummary("claim:salt-has-ion", idOf(hasPart));
    expect(part).toMatchObject({ definitional: true, evidence: summary("DEFINITIONAL", 0, 0, 1) });
    const data = await read(`{ mechanismChains(from: "e-salt", to: "e-symptom") {
      hops score empiricalHops evidenceStartsAt links { id definitional } } }`);
    // 1 (definitional) × 0.75 (RCT) = 0.75
    expect(data.mechanismChains).toEqual([
      {
        hops: 2,
        score: 0.75,
        empiricalHops: 1,
        evidenceStartsAt: 1,
        links: [
          { id: idOf(hasPart), definitional: true },
          { id: idOf(lowers), definitional: false },
        ],
      },
    ]);
  });

  it("on the seed: magnesium glycinate reaches anxiety by a chain that scores above 0", async () => {
    await seedArticle(db);
    const data = await read(
      `{ mechanismChains(from: "magnesium-glycinate", to: "anxiety") { score evidenceStartsAt links { id } } }`,
    );
    expect(data.mechanismChains.length).toBeGreaterThan(0);
    expect(Math.max(...data.mechanismChains.map((c: { score: number }) => c.score))).toBeGreaterThan(0);
  });
});

describe("7. certainty", () => {
  const pq = L("e-p", "INCREASES", "e-q");
  const qs = L("e-q", "INCREASES", "e-s");
  const pr = L("e-p", "INCREASES", "e-r");
  const rs = L("e-r", "INCREASES", "e-s");
  const ps = L("e-p", "ASSOCIATED_WITH", "e-s");
  const rct = [{ study: "study:rct", stance: "SUPPORTS" }];
  const bundle = {
    entities: entities("e-p", "e-q", "e-r", "e-s"),
    studies: [
      { id: "study:rct", design: "RCT" },
      { id: "study:narrative", design: "NARRATIVE_REVIEW" },
    ],
    claims: [
      // p -> q is asserted by one claim and hedged by another: ASSERTED
      claim("pq-asserted", [pq], rct, "ASSERTED"),
      claim("pq-hedged", [pq], [], "HEDGED"),
      // q -> s hedged only: HEDGED
      claim("qs-hedged", [qs], rct, "HEDGED"),
      // p -> r -> s asserted, weakly supported
      claim("pr", [pr], rct, "ASSERTED"),
      claim("rs", [rs], [{ study: "study:narrative", stance: "SUPPORTS" }], "ASSERTED"),
      // p ~ s associational
      claim("ps-associated", [ps], rct, "ASSOCIATIONAL"),
    ],
  };
  const chains = async (args: string) =>
    (await read(`{ mechanismChains(from: "e-p", to: "e-s"${args}) { score certainty links { id } } }`)).mechanismChains.map(
      (c: { score: number; certainty: string; links: Array<{ id: string }> }) => ({
        score: c.score,
        certainty: c.certainty,
        links: c.links.map((l) => l.id),
      }),
    );
  // p ~ s: 0.75; p -> q -> s: 0.75²; p -> r -> s: 0.75 × 0.2
  const associated = { score: 0.75, certainty: "ASSOCIATIONAL", links: [idOf(ps)] };
  const hedged = { score: 0.5625, certainty: "HEDGED", links: [idOf(pq), idOf(qs)] };
  const asserted = { score: 0.15, certainty: "ASSERTED", links: [idOf(pr), idOf(rs)] };

  it("a link is as firm as its firmest claim; a chain as its weakest link", async () => {
    await fresh(bundle);
    expect((await linkSummary("claim:pq-hedged", idOf(pq))).certainty).toBe("ASSERTED");
    expect((await linkSummary("claim:qs-hedged", idOf(qs))).certainty).toBe("HEDGED");
    expect((await linkSummary("claim:ps-associated", idOf(ps))).certainty).toBe("ASSOCIATIONAL");
    // best evidence first
    expect(await chains("")).toEqual([associated, hedged, asserted]);
  });

  it("minCertainty drops chains through weaker links; orderBy CERTAINTY puts the firmest first", async () => {
    await fresh(bundle);
    expect(await chains(", minCertainty: ASSERTED")).toEqual([asserted]);
    expect(await chains(", minCertainty: HEDGED")).toEqual([hedged, asserted]);
    expect(await chains(", orderBy: CERTAINTY")).toEqual([asserted, hedged, associated]);
  });
});

it("8. a chain of two NARRATIVE_REVIEW links scores exactly 0.04, in the raw response too", async () => {
  const one = L("e-u", "INCREASES", "e-v");
  const two = L("e-v", "INCREASES", "e-w");
  await fresh({
    entities: entities("e-u", "e-v", "e-w"),
    studies: [{ id: "study:narrative", design: "NARRATIVE_REVIEW" }],
    claims: [
      claim("uv", [one], [{ study: "study:narrative", stance: "SUPPORTS" }]),
      claim("vw", [two], [{ study: "study:narrative", stance: "SUPPORTS" }]),
    ],
  });
  const query = `{ mechanismChains(from: "e-u", to: "e-w") { score } downstream(id: "e-u") { entity { id } score } }`;
  // 0.2 × 0.2 = 0.04 (0.04000000000000001 in floating point)
  expect(await read(query)).toEqual({
    mechanismChains: [{ score: 0.04 }],
    downstream: [
      { entity: { id: "e-v" }, score: 0.2 },
      { entity: { id: "e-w" }, score: 0.04 },
    ],
  });
  const response = await server().fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  expect(text).toContain('"mechanismChains":[{"score":0.04}]');
  expect(text).not.toContain("0.0400000");
});

describe("9. the check, overstatements and contradictions", () => {
  const reasons = [{ aspect: "DESIGN", article: "a meta-analysis", work: "a systematic review, no pooled estimate" }];

  it("Claim.check sets what the article implies beside what the evidence supports", async () => {
    await fresh({
      studies: [
        {
          id: "study:review",
          design: "META_ANALYSIS",
          record: { status: "VERIFIED", design: "SYSTEMATIC_REVIEW", authorsCertainty: "LOW" },
        },
        { id: "study:trial", design: "RCT" },
        { id: "study:cohort", design: "COHORT" },
        { id: "study:book", design: "NARRATIVE_REVIEW" },
      ],
      claims: [
        // ids in the opposite order of their gaps, so that ordering by gap is seen
        claim(
          "a-small-gap",
          [],
          [
            { study: "study:trial", stance: "SUPPORTS", check: { verdict: "OVERSTATED", reasons } },
            { study: "study:cohort", stance: "SUPPORTS" },
            { study: "study:book", stance: "SUPPORTS", check: { verdict: "NOT_ADDRESSED" } },
          ],
        ),
        claim("b-big-gap", [], [{ study: "study:review", stance: "SUPPORTS", check: { verdict: "OVERSTATED", reasons } }]),
        claim("c-no-gap", [], [{ study: "study:trial", stance: "SUPPORTS", check: { verdict: "CONSISTENT" } }]),
      ],
    });
    const CHECK = `check { articleImplies ${SUMMARY} evidenceSupports ${SUMMARY} gap worstVerdict verdicts { verdict count } unchecked }`;
    const data = await read(`{
      small: claim(id: "claim:a-small-gap") { ${CHECK} }
      big: claim(id: "claim:b-big-gap") { ${CHECK} evidence { verdict reasons { aspect article work } } }
      none: claim(id: "claim:c-no-gap") { ${CHECK} }
      overstatements { id check { gap } } }`);
    const sorted = (v: Array<{ verdict: string }>) => [...v].sort((x, y) => (x.verdict < y.verdict ? -1 : 1));
    // at its word: 1 - (1 - 0.75)(1 - 0.5)(1 - 0.2) = 0.9; checked: trial 0.375, cohort 0.5, book nothing:
    // 1 - 0.625 × 0.5 = 0.6875; gap 0.2125
    expect({ ...data.small.check, verdicts: sorted(data.small.check.verdicts) }).toEqual({
      articleImplies: summary("RCT", 3, 0, 0.9),
      evidenceSupports: summary("RCT", 2, 0, 0.6875),
      gap: 0.2125,
      worstVerdict: "OVERSTATED",
      verdicts: [
        { verdict: "NOT_ADDRESSED", count: 1 },
        { verdict: "OVERSTATED", count: 1 },
      ],
      unchecked: 1,
    });
    // at its word: META_ANALYSIS 0.9; checked: 0.9 / 2 (LOW) / 2 (OVERSTATED) = 0.225; gap 0.675
    expect(data.big.check).toEqual({
      articleImplies: summary("SYSTEMATIC_REVIEW", 1, 0, 0.9),
      evidenceSupports: summary("SYSTEMATIC_REVIEW", 1, 0, 0.225),
      gap: 0.675,
      worstVerdict: "OVERSTATED",
      verdicts: [{ verdict: "OVERSTATED", count: 1 }],
      unchecked: 0,
    });
    expect(data.big.evidence).toEqual([{ verdict: "OVERSTATED", reasons }]);
    // consistent: 0.75 both ways, no gap
    expect(data.none.check).toEqual({
      articleImplies: summary("RCT", 1, 0, 0.75),
      evidenceSupports: summary("RCT", 1, 0, 0.75),
      gap: 0,
      worstVerdict: "CONSISTENT",
      verdicts: [{ verdict: "CONSISTENT", count: 1 }],
      unchecked: 0,
    });
    // most misleading first; no gap, not listed
    expect(data.overstatements).toEqual([
      { id: "claim:b-big-gap", check: { gap: 0.675 } },
      { id: "claim:a-small-gap", check: { gap: 0.2125 } },
    ]);
  });

  it("contradictions: opposite directions, contradicting studies and works that do not support, each with its evidence", async () => {
    const raises = L("e-k", "INCREASES", "e-m");
    const lowers = L("e-k", "DECREASES", "e-m");
    await fresh({
      entities: entities("e-k", "e-m", "e-n", "e-o"),
      studies: [
        { id: "study:trial-up", design: "RCT" },
        { id: "study:trial-down", design: "COHORT" },
        { id: "study:against", design: "CASE_CONTROL" },
        { id: "study:off-topic", design: "NARRATIVE_REVIEW" },
      ],
      claims: [
        claim("k-raises-m", [raises], [{ study: "study:trial-up", stance: "SUPPORTS" }]),
        claim("k-lowers-m", [lowers], [{ study: "study:trial-down", stance: "SUPPORTS" }]),
        claim(
          "n-disputed",
          [L("e-n", "INCREASES", "e-o")],
          [
            { study: "study:trial-up", stance: "SUPPORTS" },
            { study: "study:against", stance: "CONTRADICTS" },
          ],
        ),
        claim(
          "o-off-topic",
          [L("e-o", "INCREASES", "e-n")],
          [{ study: "study:off-topic", stance: "SUPPORTS", check: { verdict: "NOT_ADDRESSED" } }],
        ),
      ],
    });
    const data = await read(
      `{ contradictions { kind links { id } claims { id } evidence { stance verdict study { id } claim { id } } } }`,
    );
    expect(data.contradictions).toEqual([
      {
        kind: "CONTRADICTING_STUDIES",
        links: [],
        claims: [{ id: "claim:n-disputed" }],
        evidence: [
          { stance: "SUPPORTS", verdict: null, study: { id: "study:trial-up" }, claim: { id: "claim:n-disputed" } },
          { stance: "CONTRADICTS", verdict: null, study: { id: "study:against" }, claim: { id: "claim:n-disputed" } },
        ],
      },
      {
        kind: "OPPOSITE_DIRECTIONS",
        links: [{ id: idOf(lowers) }, { id: idOf(raises) }],
        claims: [{ id: "claim:k-lowers-m" }, { id: "claim:k-raises-m" }],
        evidence: [
          { stance: "SUPPORTS", verdict: null, study: { id: "study:trial-down" }, claim: { id: "claim:k-lowers-m" } },
          { stance: "SUPPORTS", verdict: null, study: { id: "study:trial-up" }, claim: { id: "claim:k-raises-m" } },
        ],
      },
      {
        kind: "WORK_DOES_NOT_SUPPORT",
        links: [],
        claims: [{ id: "claim:o-off-topic" }],
        evidence: [
          { stance: "SUPPORTS", verdict: "NOT_ADDRESSED", study: { id: "study:off-topic" }, claim: { id: "claim:o-off-topic" } },
        ],
      },
    ]);
  });
});

describe("10-11. the seed: study facts and voices, the anxiety review, narrower terms and synonyms", () => {
  it("the anxiety review's record, facts and identity; the anxiety claim at 0.225, its depression link at 0", async () => {
    await seedArticle(db);
    const data = await read(`{
      review: study(id: "study:ref-magnesium-anxiety-stress-systematic-review") {
        record { status design authorsCertainty sizeCounts sampleSize } facts(voice: WORK_RECORD) { voice url } }
      mention: study(id: "study:nutrients-2017-meta-analysis") { sameAs { study { id } confidence voice } }
      anxiety: claim(id: "claim:mg-supplementation-reduces-anxiety-depression") {
        evidenceSummary ${SUMMARY} check { articleImplies ${SUMMARY} gap }
        links { id evidence ${SUMMARY} } } }`);
    expect(data.review.record).toEqual({
      status: "VERIFIED",
      design: "SYSTEMATIC_REVIEW",
      authorsCertainty: "LOW",
      sizeCounts: "STUDIES",
      sampleSize: 18,
    });
    expect(data.review.facts.length).toBeGreaterThan(0);
    for (const fact of data.review.facts) {
      expect(fact.voice).toBe("WORK_RECORD");
      expect(fact.url).toMatch(/^https:\/\//);
    }
    expect(data.mention.sameAs).toEqual([
      {
        study: { id: "study:ref-magnesium-anxiety-stress-systematic-review" },
        confidence: "PROBABLY_SAME_WORK",
        voice: "CURATOR_INFERENCE",
      },
    ]);
    // one work: 0.9 / 2 (authors: LOW) / 2 (OVERSTATED) = 0.225; at the article's word 0.9; gap 0.675
    expect(data.anxiety.evidenceSummary).toEqual(summary("SYSTEMATIC_REVIEW", 1, 0, 0.225));
    expect(data.anxiety.check).toEqual({ articleImplies: summary("SYSTEMATIC_REVIEW", 1, 0, 0.9), gap: 0.675 });
    const links = Object.fromEntries(data.anxiety.links.map((l: { id: string; evidence: unknown }) => [l.id, l.evidence]));
    // the review does not address depression
    expect(links["link:magnesium:DECREASES:depression"]).toEqual(summary("UNCONFIRMED", 0, 0, 0));
    expect((links["link:magnesium:DECREASES:anxiety"] as { score: number }).score).toBeGreaterThanOrEqual(0.225);
  });

  it("claims about an entity include claims about its narrower terms unless narrower is false", async () => {
    await seedArticle(db);
    const about = async (narrower: string) =>
      (
        await read(`{ claims(filter: {about: "mood-disorders"${narrower}}, first: 100) { nodes { id about { id } } } }`)
      ).claims.nodes.map((c: { id: string }) => c.id);
    const depressionClaim = "claim:mg-supplementation-reduces-anxiety-depression";
    const wide = await about("");
    const narrow = await about(", narrower: false");
    expect(wide).toContain(depressionClaim);
    expect(narrow).not.toContain(depressionClaim);
    expect(narrow).toContain("claim:dysbiosis-contributes-mood-disorders");
  });

  it("a search for 'diarrhea' finds a claim about diarrhoea whose statement spells it 'diarrhoea'", async () => {
    await seedArticle(db);
    const data = await read(`{ claims(filter: {search: "diarrhea"}, first: 100) { nodes { id statement about { id } } } }`);
    const found = data.claims.nodes.find((c: { id: string }) => c.id === "claim:mg-glycinate-regularity-without-diarrhoea");
    expect(found).toBeDefined();
    expect(found.statement).toContain("diarrhoea");
    expect(found.statement).not.toMatch(/diarrhea/i);
    expect(found.about.map((e: { id: string }) => e.id)).toContain("diarrhoea");
  });
});

it("12. createClaim on an existing claim keeps its evidence's voice, reason, verdict, reasons and bearsOn", async () => {
  const ab = L("e-a", "INCREASES", "e-b");
  const bc = L("e-b", "INCREASES", "e-c");
  const reason = "Reference-list entry tied by its title.";
  const reasons = [{ aspect: "POPULATION", article: "everyone", work: "older adults only" }];
  await fresh({
    entities: entities("e-a", "e-b", "e-c"),
    studies: [{ id: "study:kept", design: "RCT" }],
    claims: [
      claim(
        "kept",
        [ab, bc],
        [
          {
            study: "study:kept",
            stance: "SUPPORTS",
            voice: "CURATOR_INFERENCE",
            reason,
            bearsOn: [ab, bc],
            check: { verdict: "OVERSTATED", addresses: [ab], reasons },
            note: "kept note",
          },
        ],
      ),
    ],
  });
  const EVIDENCE = `evidence { voice reason verdict note bearsOnAll bearsOn { id } addresses { id } reasons { aspect article work } }
    evidenceSummary ${SUMMARY} links { id evidence ${SUMMARY} }`;
  const before = (await read(`{ claim(id: "claim:kept") { statement ${EVIDENCE} } }`)).claim;
  // 0.75 / 2 (OVERSTATED) on the claim and a -> b; b -> c not addressed
  expect(before.evidenceSummary).toEqual(summary("RCT", 1, 0, 0.375));
  expect(before.links).toEqual([
    { id: idOf(ab), evidence: summary("RCT", 1, 0, 0.375) },
    { id: idOf(bc), evidence: summary("UNCONFIRMED", 0, 0, 0) },
  ]);
  const input = {
    id: "claim:kept",
    statement: "Test claim kept, reworded.",
    about: ["e-a", "e-b", "e-c"],
    links: [ab, bc],
    statedIn: [{ source: SOURCE, locator: "test kept" }],
  };
  const r = await gql(
    server(),
    `mutation($input: ClaimInput!) { createClaim(input: $input) { statement ${EVIDENCE} } }`,
    { input },
    AUTH,
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  expect(r.data.createClaim).toEqual({ ...before, statement: "Test claim kept, reworded." });
  expect(r.data.createClaim.evidence).toEqual([
    {
      voice: "CURATOR_INFERENCE",
      reason,
      verdict: "OVERSTATED",
      note: "kept note",
      bearsOnAll: false,
      bearsOn: [{ id: idOf(ab) }, { id: idOf(bc) }],
      addresses: [{ id: idOf(ab) }],
      reasons,
    },
  ]);
});
