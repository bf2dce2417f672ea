/**
 * The narrower-term walk of a claims filter (`about`, narrower unless false) has a hard bound:
 * at most NARROWER_LIMIT terms, the closer levels first, however wide the subclass tree; within it,
 * it finds what SUBCLASS_OF up to 3 steps says, and no further.
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

const claimsAbout = async (about: string, narrower = true) => {
  const r = await gql(
    testServer(db),
    `query($about: ID!, $narrower: Boolean) { claims(filter: { about: $about, narrower: $narrower }, first: 100) { totalCount nodes { id } } }`,
    { about, narrower },
  );
  expect(r.errors).toBeUndefined();
  return r.data.claims as { totalCount: number; nodes: Array<{ id: string }> };
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
