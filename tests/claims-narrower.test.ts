/**
 * The narrower-term walk of a claims filter (`about`, narrower unless false) has a hard bound:
 * at most NARROWER_LIMIT terms, the closer levels first, however wide the subclass tree; within it,
 * it finds what SUBCLASS_OF up to 3 steps says, and no further. The answer says when the bound cut
 * the walk (`narrowerTerms`), computed by the page's one query.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { int } from "../src/db/database.js";
import { NARROWER_LIMIT } from "../src/translate/claims.js";
import { clearGraph, gql, testDatabase, testServer } from "./helpers.js";

const db = testDatabase();
const WIDTH = NARROWER_LIMIT + 100;

/** A subclass link as the writers store it (the walk reads only the predicate). */
const SUBCLASS = `CREATE (child)-[:LINK {id: 'link:' + child.id + ':SUBCLASS_OF:' + parent.id, predicate: 'SUBCLASS_OF', score: 1.0, claimIds: []}]->(parent)`;

beforeAll(async () => {
  await clearGraph(db);
  await db.write(async (tx) => {
    // A wide tree: WIDTH terms directly under "wide-top", one claim about each of them and one about the top.
    await tx.run("CREATE (:Entity {id: 'wide-top', name: 'Wide top', kind: 'PHENOTYPE'})");
    await tx.run(
      `UNWIND range(1, $width) AS i MATCH (parent:Entity {id: 'wide-top'})
       CREATE (child:Entity {id: 'wide-' + i, name: 'Wide ' + i, kind: 'PHENOTYPE'}) ${SUBCLASS}`,
      { width: int(WIDTH) },
    );
    await tx.run(
      `UNWIND range(0, $width) AS i MATCH (e:Entity {id: CASE i WHEN 0 THEN 'wide-top' ELSE 'wide-' + i END})
       CREATE (:Claim {id: 'claim:wide-' + i, statement: 'Wide claim ' + i})-[:ABOUT]->(e)`,
      { width: int(WIDTH) },
    );
    // Exactly NARROWER_LIMIT terms under "exact-top": all taken in, nothing cut.
    await tx.run(
      `CREATE (:Entity {id: 'exact-top', name: 'Exact top', kind: 'PHENOTYPE'})
       WITH 1 AS one UNWIND range(1, $limit) AS i MATCH (parent:Entity {id: 'exact-top'})
       CREATE (child:Entity {id: 'exact-' + i, name: 'Exact ' + i, kind: 'PHENOTYPE'}) ${SUBCLASS}`,
      { limit: int(NARROWER_LIMIT) },
    );
    // A diamond: diamond-c under diamond-a and diamond-b, both under diamond-top, and under diamond-top itself (two depths).
    await tx.run(
      `UNWIND ['diamond-top', 'diamond-a', 'diamond-b', 'diamond-c'] AS id CREATE (:Entity {id: id, name: id, kind: 'PHENOTYPE'})`,
    );
    await tx.run(
      `UNWIND [['diamond-a', 'diamond-top'], ['diamond-b', 'diamond-top'], ['diamond-c', 'diamond-a'], ['diamond-c', 'diamond-b'], ['diamond-c', 'diamond-top']] AS pair
       MATCH (child:Entity {id: pair[0]}), (parent:Entity {id: pair[1]}) ${SUBCLASS}`,
    );
    await tx.run(
      "MATCH (e:Entity {id: 'diamond-c'}) CREATE (:Claim {id: 'claim:diamond-c', statement: 'About diamond-c'})-[:ABOUT]->(e)",
    );
    // A deep chain: deep-4 under deep-3 under deep-2 under deep-1 under deep-top, a claim about each.
    await tx.run(
      `UNWIND ['deep-top', 'deep-1', 'deep-2', 'deep-3', 'deep-4'] AS id
       CREATE (e:Entity {id: id, name: id, kind: 'PHENOTYPE'})
       CREATE (:Claim {id: 'claim:' + id, statement: 'About ' + id})-[:ABOUT]->(e)`,
    );
    await tx.run(
      `UNWIND [['deep-1', 'deep-top'], ['deep-2', 'deep-1'], ['deep-3', 'deep-2'], ['deep-4', 'deep-3']] AS pair
       MATCH (child:Entity {id: pair[0]}), (parent:Entity {id: pair[1]}) ${SUBCLASS}`,
    );
  });
}, 180_000);
afterAll(async () => {
  await clearGraph(db);
  await db.close();
});

const server = testServer(db);

const claimsAbout = async (about: string, narrower = true) => {
  const r = await gql(
    server,
    `query($about: ID!, $narrower: Boolean) { claims(filter: { about: $about, narrower: $narrower }, first: 100) { totalCount nodes { id } } }`,
    { about, narrower },
  );
  expect(r.errors).toBeUndefined();
  return r.data.claims as { totalCount: number; nodes: Array<{ id: string }> };
};

/** What the answer says of the walk, and how many Cypher round trips the request took. */
const walkOf = async (filter: string) => {
  const r = await gql(server, `{ claims(filter: ${filter}, first: 5) { totalCount narrowerTerms { walked truncated limit } } }`);
  expect(r.errors).toBeUndefined();
  return { ...r.data.claims, cypherQueries: r.extensions?.cypherQueries };
};

describe("claims about an entity and its narrower terms", () => {
  it("takes in at most NARROWER_LIMIT narrower terms of a wider tree", async () => {
    // The top's own claim and one claim for each of NARROWER_LIMIT of its WIDTH narrower terms.
    expect((await claimsAbout("wide-top")).totalCount).toBe(1 + NARROWER_LIMIT);
    expect((await claimsAbout("wide-top", false)).totalCount).toBe(1);
  });

  it("follows SUBCLASS_OF down to 3 steps, not 4", async () => {
    const found = await claimsAbout("deep-top");
    expect(found.nodes.map((n) => n.id).sort()).toEqual(["claim:deep-1", "claim:deep-2", "claim:deep-3", "claim:deep-top"]);
    expect(found.totalCount).toBe(4);
    expect((await claimsAbout("deep-2")).nodes.map((n) => n.id).sort()).toEqual(["claim:deep-2", "claim:deep-3", "claim:deep-4"]);
  });

  it("finds nothing for an unknown entity", async () => {
    expect(await claimsAbout("no-such-entity")).toEqual({ totalCount: 0, nodes: [] });
  });
});

describe("what the answer says of the walk (narrowerTerms)", () => {
  it("says truncated when the tree is wider than NARROWER_LIMIT, in the page's one query", async () => {
    expect(await walkOf('{ about: "wide-top" }')).toEqual({
      totalCount: 1 + NARROWER_LIMIT,
      narrowerTerms: { walked: NARROWER_LIMIT, truncated: true, limit: NARROWER_LIMIT },
      cypherQueries: 1,
    });
  });

  it("says not truncated when every narrower term was taken in, up to exactly the limit", async () => {
    expect((await walkOf('{ about: "exact-top" }')).narrowerTerms).toEqual({
      walked: NARROWER_LIMIT,
      truncated: false,
      limit: NARROWER_LIMIT,
    });
    expect((await walkOf('{ about: "deep-top" }')).narrowerTerms).toEqual({ walked: 3, truncated: false, limit: NARROWER_LIMIT });
    // A term met at two depths, and under two parents, is taken in once.
    expect(await walkOf('{ about: "diamond-top" }')).toMatchObject({
      totalCount: 1,
      narrowerTerms: { walked: 3, truncated: false },
    });
    expect((await walkOf('{ about: "no-such-entity" }')).narrowerTerms).toEqual({
      walked: 0,
      truncated: false,
      limit: NARROWER_LIMIT,
    });
  });

  it("is null when no narrower walk was asked for", async () => {
    expect((await walkOf('{ about: "wide-top", narrower: false }')).narrowerTerms).toBeNull();
    expect((await walkOf("{ unsupported: true }")).narrowerTerms).toBeNull();
  });
});
