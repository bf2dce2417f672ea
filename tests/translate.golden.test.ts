/**
 * Golden tests of the translate layer, as @neo4j/graphql's TCK does: each GraphQL operation next
 * to the Cypher and parameters it becomes. No database: the operation is parsed and validated
 * against the real schema, its selection read as a resolver reads it (selectionOf over a
 * GraphQLResolveInfo-like object), and the same translate function the resolver calls builds the
 * query. A change to the translation shows here as a changed snapshot, before any end-to-end test.
 * (Over 300 lines only because the expected Cypher is written inline, next to each operation.)
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  getArgumentValues,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.js";
import { chainsCypher, checkChainArgs, checkReachArgs, reachCypher } from "../src/translate/chain.js";
import { claimsPageCypher, overstatementsCypher } from "../src/translate/claims.js";
import { CypherBuilder } from "../src/translate/cypher.js";
import { chainsSubgraphCypher, graphExportCypher } from "../src/translate/export.js";
import { lookupCypher } from "../src/translate/lookup.js";
import { neighborhoodCypher } from "../src/translate/neighborhood.js";
import { searchCypher } from "../src/translate/search.js";
import { type FieldSelection, selectionOf } from "../src/translate/selection.js";

/** The one query field of `source`: its coerced arguments and its selection, per concrete type. */
function operation(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  expect(validate(schema, document)).toEqual([]);
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables);
  if (coerced.errors) throw coerced.errors[0];
  const variableValues = coerced.coerced;
  const fieldNode = op.selectionSet.selections[0] as FieldNode;
  const fieldDef = schema.getQueryType()?.getFields()[fieldNode.name.value];
  if (!fieldDef) throw new Error(`no query field ${fieldNode.name.value}`);
  const info = {
    schema,
    fragments,
    variableValues,
    fieldNodes: [fieldNode],
    returnType: fieldDef.type,
  } as unknown as GraphQLResolveInfo;
  // biome-ignore lint/suspicious/noExplicitAny: coerced arguments, typed by each translate function
  const args = getArgumentValues(fieldDef, fieldNode, variableValues) as any;
  const selection = (type: string): FieldSelection[] => selectionOf(info).get(type) ?? [];
  return { args, selection };
}

/** Parameters as written in a snapshot: driver integers as int(n). */
const shown = (q: CypherBuilder) =>
  Object.fromEntries(Object.entries(q.params).map(([k, v]) => [k, neo4j.isInt(v) ? `int(${v.toString()})` : v]));

/** What a translate function gave: the Cypher text and its parameters. */
const golden = (cypher: string, q: CypherBuilder) => ({ cypher, params: shown(q) });

describe("translate: GraphQL operation -> Cypher", () => {
  it("entity lookup with nested outgoing links and claims", () => {
    const { args, selection } = operation(
      `
      query Entity($id: ID!) {
        entity(id: $id) {
          id name
          strongest: outgoing(first: 3) { id predicate to { id name } evidence { s: score level } }
          filtered: outgoing(first: 5, predicates: [INCREASES]) { id }
          claims(first: 2) { id qualifiers { d: dose } }
        }
      }`,
      { id: "magnesium" },
    );
    const q = new CypherBuilder();
    expect(golden(lookupCypher("Entity", args.id, selection("Entity"), q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "MATCH (n:Entity {id: $p0}) RETURN n {__type: 'Entity', __id: n.id, \`id\`: n.id, \`name\`: n.name, \`strongest\`: COLLECT { MATCH (n)-[m0_s:STRONGEST_OUT]->() WITH m0_s ORDER BY m0_s.rank LIMIT $p1 MATCH ()-[m0:LINK {id: m0_s.linkId}]->() USING INDEX SEEK m0:LINK(id) RETURN m0 {__type: 'MechanismLink', __id: m0.id, \`id\`: m0.id, \`predicate\`: m0.predicate, \`to\`: [e1 IN [endNode(m0)] | e1 {__type: 'Entity', __id: e1.id, \`id\`: e1.id, \`name\`: e1.name}][0], \`evidence\`: [e2 IN [m0] | e2 {__type: 'EvidenceSummary', \`s\`: coalesce(e2.score, 0.0), \`level\`: coalesce(e2.level, 'NONE_CITED')}][0]} AS value ORDER BY m0.score DESC, m0.id }, \`filtered\`: COLLECT { MATCH (n)-[m3:LINK]->() WHERE m3.predicate IN $p3 RETURN m3 {__type: 'MechanismLink', __id: m3.id, \`id\`: m3.id} AS value ORDER BY m3.score DESC, m3.id LIMIT $p2 }, \`claims\`: COLLECT { MATCH (c4:Claim)-[:ABOUT]->(n) RETURN c4 {__type: 'Claim', __id: c4.id, \`id\`: c4.id, \`qualifiers\`: [q5 IN [c4] | q5 {__type: 'Qualifiers', \`d\`: q5.dose}][0]} AS value ORDER BY c4.score DESC, c4.id LIMIT $p4 }} AS value",
        "params": {
          "p0": "magnesium",
          "p1": "int(3)",
          "p2": "int(5)",
          "p3": [
            "INCREASES",
          ],
          "p4": "int(2)",
        },
      }
    `);
  });

  it("a claims page with a filter", () => {
    const { args, selection } = operation(`
      query {
        claims(filter: { about: "anxiety", search: "magnesium", minScore: 0.2, unsupported: false }, first: 2) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { id statement evidenceSummary { score } } }
        }
      }`);
    const q = new CypherBuilder();
    const plan = claimsPageCypher(selection("ClaimConnection"), args, q);
    expect({ ...golden(plan.cypher, q), first: plan.first, after: plan.after }).toMatchInlineSnapshot(`
      {
        "after": null,
        "cypher": "CALL {
        OPTIONAL MATCH (top:Entity {id: $p0})
        WITH [x IN [top] WHERE x IS NOT NULL] AS level0
        WITH level0, level0 AS seen0, false AS cut0
        CALL { WITH seen0, level0 UNWIND level0 AS parent MATCH (child:Entity)-[:LINK {predicate: 'SUBCLASS_OF'}]->(parent) WHERE NOT child IN seen0 WITH DISTINCT child LIMIT $p2 RETURN collect(child) AS found1 }
        WITH level0, found1[..$p1] AS level1, seen0 + found1[..$p1] AS seen1, cut0 OR size(found1) > $p1 AS cut1
        CALL { WITH seen1, level1 UNWIND level1 AS parent MATCH (child:Entity)-[:LINK {predicate: 'SUBCLASS_OF'}]->(parent) WHERE NOT child IN seen1 WITH DISTINCT child LIMIT $p2 RETURN collect(child) AS found2 }
        WITH level0, found2[..$p1] AS level2, seen1 + found2[..$p1] AS seen2, cut1 OR size(found2) > $p1 AS cut2
        CALL { WITH seen2, level2 UNWIND level2 AS parent MATCH (child:Entity)-[:LINK {predicate: 'SUBCLASS_OF'}]->(parent) WHERE NOT child IN seen2 WITH DISTINCT child LIMIT $p2 RETURN collect(child) AS found3 }
        WITH level0, found3[..$p1] AS level3, seen2 + found3[..$p1] AS seen3, cut2 OR size(found3) > $p1 AS cut3
        WITH level0, seen3[size(level0)..] AS below, cut3
        RETURN level0 + below[..$p1] AS narrower,
          {walked: size(below[..$p1]), truncated: cut3 OR size(below) > $p1, limit: $p1} AS narrowerWalk
      }
      CALL { WITH narrower
      CALL {
        CALL db.index.fulltext.queryNodes('kg_search', $p4, {limit: 1000}) YIELD node WITH node WHERE node:Claim RETURN node
        UNION
        CALL db.index.fulltext.queryNodes('kg_search', $p4, {limit: 1000}) YIELD node WITH node WHERE node:Entity
        MATCH (c:Claim)-[:ABOUT]->(node) RETURN c AS node
      } WITH node AS n, narrower WHERE n:Claim AND EXISTS { (n)-[:ABOUT]->(e:Entity) WHERE e IN narrower } AND n.score >= $p3 AND n.supporting > 0 AND n.id > $p5
      WITH n ORDER BY n.id LIMIT $p6
      RETURN collect(n {__type: 'Claim', __id: n.id, \`id\`: n.id, \`statement\`: n.statement, \`evidenceSummary\`: [e0 IN [n] | e0 {__type: 'EvidenceSummary', \`score\`: coalesce(e0.score, 0.0)}][0]}) AS items }
      RETURN {items: items, total: COUNT { CALL {
        CALL db.index.fulltext.queryNodes('kg_search', $p4, {limit: 1000}) YIELD node WITH node WHERE node:Claim RETURN node
        UNION
        CALL db.index.fulltext.queryNodes('kg_search', $p4, {limit: 1000}) YIELD node WITH node WHERE node:Entity
        MATCH (c:Claim)-[:ABOUT]->(node) RETURN c AS node
      } WITH node AS n, narrower WHERE n:Claim AND EXISTS { (n)-[:ABOUT]->(e:Entity) WHERE e IN narrower } AND n.score >= $p3 AND n.supporting > 0 RETURN n }, narrowerTerms: narrowerWalk} AS value",
        "first": 2,
        "params": {
          "p0": "anxiety",
          "p1": "int(500)",
          "p2": "int(501)",
          "p3": 0.2,
          "p4": ""magnesium" OR magnesium*",
          "p5": "",
          "p6": "int(3)",
        },
      }
    `);
  });

  const chains = `
    query Chains($withStart: Boolean!) {
      mechanismChains(from: "magnesium", to: "anxiety", maxHops: 2, first: 3, minCertainty: HEDGED) {
        hops score certainty empiricalHops
        nodes { id }
        links { id predicate }
        ... @include(if: $withStart) { evidenceStartsAt }
      }
    }`;

  it("mechanismChains as a Cypher beam search", () => {
    const { args, selection } = operation(chains, { withStart: false });
    const q = new CypherBuilder();
    expect(golden(chainsCypher(selection("MechanismChain"), checkChainArgs(args), false, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "OPTIONAL MATCH (a:Entity {id: $p0})
      OPTIONAL MATCH (b:Entity {id: $p1})
      CALL {
        WITH a, b
        WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
        WITH a, b, [{nodes: [a], ids: [], score: 1.0}] AS frontier, [] AS found
      CALL {
        WITH frontier, b
        UNWIND frontier AS f
        WITH f.nodes[-1] AS n, collect(f) AS paths, b
        CALL { WITH n MATCH (n)-[r:STRONGEST_OUT]->(m) RETURN r.linkId AS rid, r.score AS rscore, m UNION WITH n, b MATCH (n)-[r:LINK]->(b) RETURN r.id AS rid, coalesce(r.score, 0.0) AS rscore, b AS m }
        UNWIND paths AS f
        WITH f, rid, rscore, m, b WHERE NOT m IN f.nodes
        WITH m, b, {nodes: f.nodes + m, ids: f.ids + rid, score: f.score * rscore} AS p
        ORDER BY p.score DESC, p.ids
        WITH m, b, collect(p) AS paths
        UNWIND CASE WHEN m = b THEN paths ELSE paths[0..$p5] END AS p
        WITH m, b, p ORDER BY p.score DESC, p.ids
        RETURN collect(CASE WHEN m = b THEN p END) AS reached, collect(CASE WHEN m <> b THEN p END)[0..$p4] AS next
      }
      WITH a, b, found + reached AS found, next AS frontier
      CALL {
        WITH frontier, b
        UNWIND frontier AS f
        WITH f.nodes[-1] AS n, collect(f) AS paths, b
        CALL { WITH n, b MATCH (n)-[r:LINK]->(b) RETURN r.id AS rid, coalesce(r.score, 0.0) AS rscore, b AS m }
        UNWIND paths AS f
        WITH f, rid, rscore, m, b WHERE NOT m IN f.nodes
        WITH m, b, {nodes: f.nodes + m, ids: f.ids + rid, score: f.score * rscore} AS p
        ORDER BY p.score DESC, p.ids
        WITH m, b, collect(p) AS paths
        UNWIND CASE WHEN m = b THEN paths ELSE paths[0..$p5] END AS p
        WITH m, b, p ORDER BY p.score DESC, p.ids
        RETURN collect(CASE WHEN m = b THEN p END) AS reached, collect(CASE WHEN m <> b THEN p END)[0..$p4] AS next
      }
      WITH a, b, found + reached AS found, next AS frontier
        UNWIND found AS p
        WITH p, coalesce(head(COLLECT { UNWIND p.ids AS certaintyLinkId MATCH ()-[certaintyLink:LINK {id: certaintyLinkId}]->() USING INDEX SEEK certaintyLink:LINK(id) RETURN coalesce(certaintyLink.certaintyRank, 0) AS certaintyRank ORDER BY certaintyRank DESC LIMIT 1 }), 0) AS rank WHERE rank <= $p3
        WITH p ORDER BY p.score DESC, size(p.ids), p.ids LIMIT $p2
        RETURN collect({hops: size(p.ids), score: round(p.score, 4), \`hops\`: size(p.ids), \`score\`: round(p.score, 4), \`certainty\`: ['ASSERTED', 'HEDGED', 'ASSOCIATIONAL'][coalesce(head(COLLECT { UNWIND p.ids AS certaintyLinkId MATCH ()-[certaintyLink:LINK {id: certaintyLinkId}]->() USING INDEX SEEK certaintyLink:LINK(id) RETURN coalesce(certaintyLink.certaintyRank, 0) AS certaintyRank ORDER BY certaintyRank DESC LIMIT 1 }), 0)], \`empiricalHops\`: size([k IN range(0, size(p.ids) - 1) WHERE NOT split(p.ids[k], ':')[2] IN ['PART_OF', 'HAS_PART', 'SUBCLASS_OF']]), \`nodes\`: COLLECT { UNWIND range(0, size(p.nodes) - 1) AS i WITH p.nodes[i] AS n0, i RETURN n0 {__type: 'Entity', __id: n0.id, \`id\`: n0.id} AS value ORDER BY i }, \`links\`: COLLECT { UNWIND range(0, size(p.ids) - 1) AS i MATCH ()-[l1:LINK {id: p.ids[i]}]->() USING INDEX SEEK l1:LINK(id) RETURN l1 {__type: 'MechanismLink', __id: l1.id, \`id\`: l1.id, \`predicate\`: l1.predicate} AS value ORDER BY i }}) AS chains
      }
      RETURN {fromFound: a IS NOT NULL, toFound: b IS NOT NULL, chains: chains} AS value",
        "params": {
          "p0": "magnesium",
          "p1": "anxiety",
          "p2": "int(3)",
          "p3": "int(1)",
          "p4": "int(100)",
          "p5": "int(3)",
        },
      }
    `);
  });

  it("mechanismChains with the native beam search and a predicate filter", () => {
    const { args, selection } = operation(chains.replace("minCertainty: HEDGED", "predicates: [INCREASES, DECREASES]"), {
      withStart: true,
    });
    const q = new CypherBuilder();
    expect(golden(chainsCypher(selection("MechanismChain"), checkChainArgs(args), true, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "OPTIONAL MATCH (a:Entity {id: $p0})
      OPTIONAL MATCH (b:Entity {id: $p1})
      CALL {
        WITH a, b
        WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
        CALL kg.beamSearch(a, b, $p6, 2, $p4, $p5, $p7, $p3) YIELD found
        UNWIND found AS p
        
        WITH p ORDER BY p.score DESC, size(p.ids), p.ids LIMIT $p2
        RETURN collect({hops: size(p.ids), score: round(p.score, 4), \`hops\`: size(p.ids), \`score\`: round(p.score, 4), \`certainty\`: ['ASSERTED', 'HEDGED', 'ASSOCIATIONAL'][coalesce(head(COLLECT { UNWIND p.ids AS certaintyLinkId MATCH ()-[certaintyLink:LINK {id: certaintyLinkId}]->() USING INDEX SEEK certaintyLink:LINK(id) RETURN coalesce(certaintyLink.certaintyRank, 0) AS certaintyRank ORDER BY certaintyRank DESC LIMIT 1 }), 0)], \`empiricalHops\`: size([k IN range(0, size(p.ids) - 1) WHERE NOT split(p.ids[k], ':')[2] IN ['PART_OF', 'HAS_PART', 'SUBCLASS_OF']]), \`nodes\`: COLLECT { UNWIND range(0, size(p.nodes) - 1) AS i WITH p.nodes[i] AS n0, i RETURN n0 {__type: 'Entity', __id: n0.id, \`id\`: n0.id} AS value ORDER BY i }, \`links\`: COLLECT { UNWIND range(0, size(p.ids) - 1) AS i MATCH ()-[l1:LINK {id: p.ids[i]}]->() USING INDEX SEEK l1:LINK(id) RETURN l1 {__type: 'MechanismLink', __id: l1.id, \`id\`: l1.id, \`predicate\`: l1.predicate} AS value ORDER BY i }, \`evidenceStartsAt\`: head([k IN range(0, size(p.ids) - 1) WHERE NOT split(p.ids[k], ':')[2] IN ['PART_OF', 'HAS_PART', 'SUBCLASS_OF']])}) AS chains
      }
      RETURN {fromFound: a IS NOT NULL, toFound: b IS NOT NULL, chains: chains} AS value",
        "params": {
          "p0": "magnesium",
          "p1": "anxiety",
          "p2": "int(3)",
          "p3": [
            "INCREASES",
            "DECREASES",
          ],
          "p4": "int(100)",
          "p5": "int(3)",
          "p6": "OUT",
          "p7": "int(40)",
        },
      }
    `);
  });

  it("downstream", () => {
    const { args, selection } = operation(`
      query {
        downstream(id: "magnesium", maxHops: 2, first: 5) {
          entity { id name }
          hops score
          best: chain { score links { id } }
        }
      }`);
    const q = new CypherBuilder();
    expect(golden(reachCypher(selection("Reach"), "OUT", checkReachArgs(args), false, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "OPTIONAL MATCH (a:Entity {id: $p0})
      CALL {
        WITH a
        WITH a WHERE a IS NOT NULL
        WITH a, [{nodes: [a], ids: [], score: 1.0}] AS frontier, [] AS found
      CALL {
        WITH frontier
        UNWIND frontier AS f
        WITH f.nodes[-1] AS n, collect(f) AS paths
        CALL { WITH n MATCH (n)-[r:STRONGEST_OUT]->(m) RETURN r.linkId AS rid, r.score AS rscore, m }
        UNWIND paths AS f
        WITH f, rid, rscore, m WHERE NOT m IN f.nodes
        WITH m, {nodes: f.nodes + m, ids: f.ids + rid, score: f.score * rscore} AS p
        ORDER BY p.score DESC, p.ids
        WITH m, collect(p) AS paths
        UNWIND paths[0..$p3] AS p
        WITH m, p ORDER BY p.score DESC, p.ids
        RETURN collect(p) AS reached, collect(p)[0..$p2] AS next
      }
      WITH a, found + reached AS found, next AS frontier
      CALL {
        WITH frontier
        UNWIND frontier AS f
        WITH f.nodes[-1] AS n, collect(f) AS paths
        CALL { WITH n MATCH (n)-[r:STRONGEST_OUT]->(m) RETURN r.linkId AS rid, r.score AS rscore, m }
        UNWIND paths AS f
        WITH f, rid, rscore, m WHERE NOT m IN f.nodes
        WITH m, {nodes: f.nodes + m, ids: f.ids + rid, score: f.score * rscore} AS p
        ORDER BY p.score DESC, p.ids
        WITH m, collect(p) AS paths
        UNWIND paths[0..$p3] AS p
        WITH m, p ORDER BY p.score DESC, p.ids
        RETURN collect(p) AS reached, collect(p)[0..$p2] AS next
      }
      WITH a, found + reached AS found, next AS frontier
        UNWIND found AS p
        WITH p.nodes[-1] AS e, p ORDER BY p.score DESC, size(p.ids), p.ids
        WITH e, collect(p)[0] AS p
        ORDER BY p.score DESC, size(p.ids), e.id
        LIMIT $p1
        RETURN collect({entity: e {__type: 'Entity', __id: e.id, \`id\`: e.id, \`name\`: e.name}, hops: size(p.ids), score: round(p.score, 4), chain: {hops: size(p.ids), score: round(p.score, 4), \`score\`: round(p.score, 4), \`links\`: COLLECT { UNWIND range(0, size(p.ids) - 1) AS i MATCH ()-[l0:LINK {id: p.ids[i]}]->() USING INDEX SEEK l0:LINK(id) RETURN l0 {__type: 'MechanismLink', __id: l0.id, \`id\`: l0.id} AS value ORDER BY i }}}) AS reached
      }
      RETURN {found: a IS NOT NULL, reached: reached} AS value",
        "params": {
          "p0": "magnesium",
          "p1": "int(5)",
          "p2": "int(100)",
          "p3": "int(1)",
        },
      }
    `);
  });

  it("neighborhood", () => {
    const { args, selection } = operation(`
      query {
        neighborhood(id: "vagus-nerve", hops: 2, direction: BOTH, first: 10) {
          nodes { id label distance }
          edges { id source target score }
        }
      }`);
    const q = new CypherBuilder();
    expect(golden(neighborhoodCypher(selection("Subgraph"), args, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "OPTIONAL MATCH (a:Entity {id: $p0})
      CALL {
        WITH a
        WITH a WHERE a IS NOT NULL
        WITH a, [a] AS seen, [a] AS frontier, [] AS around
      CALL {
        WITH seen, frontier, around
        WITH seen, frontier, $p1 - size(around) AS left WHERE left > 0
        UNWIND frontier AS x
        CALL { WITH x MATCH (x)-[r:STRONGEST_OUT]->(m) RETURN r.linkId AS rid, r.score AS rscore, m UNION ALL WITH x MATCH (x)<-[r:STRONGEST_IN]-(m) RETURN r.linkId AS rid, r.score AS rscore, m }
        WITH m AS b, rscore AS score, rid AS lid, left WHERE NOT b IN seen
        WITH b, score, lid, left ORDER BY score DESC, lid
        WITH b, collect({score: score, lid: lid})[0] AS best, left
        ORDER BY best.score DESC, best.lid
        RETURN coalesce(collect(b)[0..max(left)], []) AS level
      }
      WITH a, seen + level AS seen, level AS frontier, around + [b IN level | {node: b, d: 1}] AS around
      CALL {
        WITH seen, frontier, around
        WITH seen, frontier, $p1 - size(around) AS left WHERE left > 0
        UNWIND frontier AS x
        CALL { WITH x MATCH (x)-[r:STRONGEST_OUT]->(m) RETURN r.linkId AS rid, r.score AS rscore, m UNION ALL WITH x MATCH (x)<-[r:STRONGEST_IN]-(m) RETURN r.linkId AS rid, r.score AS rscore, m }
        WITH m AS b, rscore AS score, rid AS lid, left WHERE NOT b IN seen
        WITH b, score, lid, left ORDER BY score DESC, lid
        WITH b, collect({score: score, lid: lid})[0] AS best, left
        ORDER BY best.score DESC, best.lid
        RETURN coalesce(collect(b)[0..max(left)], []) AS level
      }
      WITH a, seen + level AS seen, level AS frontier, around + [b IN level | {node: b, d: 2}] AS around
        RETURN around
      }
      WITH a, [{node: a, d: 0}] + around AS members
      WITH a, members, [m IN members | m.node] AS ns
      WITH a, members, ns,
           [n IN ns WHERE COUNT { (n)-[:LINK]->() } > 200] AS denseOut,
           [n IN ns WHERE COUNT { (n)<-[:LINK]-() } > 200] AS denseIn
      RETURN {
        found: a IS NOT NULL,
        nodes: [m IN members | {id: m.node.id, label: m.node.name, distance: m.d}],
        edges: COLLECT {
          CALL {
            WITH ns, denseOut
            UNWIND ns AS x
            WITH x, ns WHERE NOT x IN denseOut
            MATCH (x)-[l:LINK]->(y) WHERE y IN ns RETURN l
            UNION ALL
            WITH ns, denseOut, denseIn
            UNWIND ns AS y
            WITH y, denseOut WHERE denseOut <> [] AND NOT y IN denseIn
            MATCH (y)<-[l:LINK]-() WHERE startNode(l) IN denseOut RETURN l
            UNION ALL
            WITH denseOut, denseIn
            UNWIND denseOut AS x
            UNWIND denseIn AS y
            WITH x, y, COUNT { (y)<-[:LINK]-() } <= COUNT { (x)-[:LINK]->() } AS fromTarget WHERE y <> x
            CALL {
              WITH x, y, fromTarget
              WITH x, y WHERE fromTarget
              MATCH (y)<-[l:LINK]-() WHERE startNode(l) = x RETURN l
              UNION ALL
              WITH x, y, fromTarget
              WITH x, y WHERE NOT fromTarget
              MATCH (x)-[l:LINK]->() WHERE endNode(l) = y RETURN l
            }
            RETURN l
          }
          WITH l ORDER BY l.id LIMIT 1000
          RETURN {id: l.id, source: startNode(l).id, target: endNode(l).id, score: coalesce(l.score, 0.0)}
        }
      } AS value",
        "params": {
          "p0": "vagus-nerve",
          "p1": "int(9)",
        },
      }
    `);
  });

  it("search", () => {
    const { args, selection } = operation(`
      query {
        search(query: "second brain", first: 5) {
          type label score
          node { id ... on Entity { name kind } ... on Claim { statement } ... on Study { title } }
        }
      }`);
    const q = new CypherBuilder();
    expect(golden(searchCypher(selection("SearchHit"), args, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "CALL db.index.fulltext.queryNodes('kg_search', $p0, {limit: $p1}) YIELD node AS n, score
      RETURN {score: score,
        type: CASE WHEN n:Entity THEN 'Entity' WHEN n:Claim THEN 'Claim' ELSE 'Study' END,
        label: coalesce(n.name, n.statement, n.title, n.id),
        node: CASE WHEN n:Entity THEN n {__type: 'Entity', __id: n.id, \`id\`: n.id, \`name\`: n.name, \`kind\`: n.kind}
                   WHEN n:Claim THEN n {__type: 'Claim', __id: n.id, \`id\`: n.id, \`statement\`: n.statement}
                   ELSE n {__type: 'Study', __id: n.id, \`id\`: n.id, \`title\`: n.title} END} AS value
      ORDER BY score DESC, n.id",
        "params": {
          "p0": ""second brain"^4 OR "second" OR "brain" OR brain*",
          "p1": "int(5)",
        },
      }
    `);
  });

  it("overstatements", () => {
    const { args, selection } = operation(`
      query {
        overstatements(first: 3) {
          id
          check { gap worstVerdict articleImplies { score } evidenceSupports { score } }
        }
      }`);
    const q = new CypherBuilder();
    expect(golden(overstatementsCypher(selection("Claim"), args, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "MATCH (n:Claim) WHERE n.gap > 0 WITH n ORDER BY n.gap DESC, n.id LIMIT $p0 RETURN n {__type: 'Claim', __id: n.id, \`id\`: n.id, \`check\`: [c0 IN [n] | c0 {__type: 'ClaimCheck', \`gap\`: coalesce(c0.gap, 0.0), \`worstVerdict\`: head([checkVerdict IN ['CONTRADICTED', 'OVERSTATED', 'UNVERIFIED', 'NOT_ADDRESSED', 'CONSISTENT'] WHERE EXISTS { (:Study)-[checkEdge:SUPPORTS|CONTRADICTS|MIXED]->(c0) WHERE checkEdge.verdict = checkVerdict }]), \`articleImplies\`: [e1 IN [c0] | e1 {__type: 'EvidenceSummary', \`score\`: coalesce(e1.impliedScore, 0.0)}][0], \`evidenceSupports\`: [e2 IN [c0] | e2 {__type: 'EvidenceSummary', \`score\`: coalesce(e2.score, 0.0)}][0]}][0]} AS value",
        "params": {
          "p0": "int(3)",
        },
      }
    `);
  });

  it("mechanismChainsSubgraph (export)", () => {
    const { args } = operation(`
      query {
        mechanismChainsSubgraph(from: "magnesium-glycinate", to: "anxiety", maxHops: 2, first: 3) { graphml }
      }`);
    const q = new CypherBuilder();
    expect(golden(chainsSubgraphCypher(checkChainArgs(args), true, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "OPTIONAL MATCH (a:Entity {id: $p0})
      OPTIONAL MATCH (b:Entity {id: $p1})
      CALL {
        WITH a, b
        WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
        CALL kg.beamSearch(a, b, $p5, 2, $p3, $p4, $p6, null) YIELD found
        UNWIND found AS p
        
        WITH p ORDER BY p.score DESC, size(p.ids), p.ids LIMIT $p2
        RETURN collect(p) AS chains
      }
      CALL {
        WITH chains
        UNWIND chains AS p
        UNWIND range(0, size(p.nodes) - 1) AS i
        WITH p.nodes[i] AS x, i
        WITH x, min(i) AS d
        ORDER BY d, x.id
        RETURN collect({id: x.id, label: x.name, kind: x.kind, synonyms: coalesce(x.synonyms, []), description: x.description, xrefs: coalesce(x.xrefs, []), categories: x.categories, providedBy: CASE WHEN x.kgxHash IS NULL THEN null ELSE coalesce(x.providedBy, []) END, distance: d}) AS nodes
      }
      CALL {
        WITH chains
        UNWIND chains AS p
        UNWIND p.ids AS lid
        WITH DISTINCT lid
        MATCH ()-[l:LINK {id: lid}]->() USING INDEX SEEK l:LINK(id)
        WITH l ORDER BY l.id
        RETURN collect({id: l.id, source: startNode(l).id, target: endNode(l).id, predicate: l.predicate, score: coalesce(l.score, 0.0), level: coalesce(l.level, 'NONE_CITED'), claimCount: size(coalesce(l.claimIds, [])), publications: COLLECT {
            UNWIND coalesce(l.claimIds, []) AS pubClaimId
            MATCH (pubStudy:Study)-[pubEdge:SUPPORTS|MIXED]->(:Claim {id: pubClaimId})
            WHERE (pubEdge.bearsOn IS NULL OR l.id IN pubEdge.bearsOn)
              AND (pubEdge.addresses IS NULL OR l.id IN pubEdge.addresses)
              AND NOT coalesce(pubEdge.verdict, 'UNCHECKED') IN ['NOT_ADDRESSED', 'UNVERIFIED', 'CONTRADICTED']
              AND (coalesce(pubEdge.voice, 'ARTICLE') <> 'CURATOR_INFERENCE' OR pubEdge.verdict IS NOT NULL)
            UNWIND [pubStudy] + [(pubStudy)-[:SAME_AS*1..3]-(pubRecord:Study) | pubRecord] AS pubWork
            UNWIND coalesce(pubWork.identifiers, []) AS publication
            WITH DISTINCT publication WHERE publication =~ '(?i)(PMID|PMCID|PMC|DOI):.+'
            RETURN publication ORDER BY publication
          }, kg: CASE WHEN size(coalesce(l.kgSources, [])) = 0 THEN null ELSE l {.biolinkPredicate, .qualifiedPredicate,
            .subjectAspectQualifier, .subjectDirectionQualifier, .objectAspectQualifier, .objectDirectionQualifier,
            .kgSources, .kgContributions, .primaryKnowledgeSources, .aggregatorKnowledgeSources, .knowledgeLevels, .agentTypes,
            .publications} END}) AS edges
      }
      RETURN {fromFound: a IS NOT NULL, toFound: b IS NOT NULL, chainCount: size(chains), nodes: nodes, edges: edges} AS value",
        "params": {
          "p0": "magnesium-glycinate",
          "p1": "anxiety",
          "p2": "int(3)",
          "p3": "int(100)",
          "p4": "int(3)",
          "p5": "OUT",
          "p6": "int(40)",
        },
      }
    `);
  });

  it("graphExport", () => {
    const q = new CypherBuilder();
    expect(golden(graphExportCypher({ nodes: 5000, edges: 20000 }, q), q)).toMatchInlineSnapshot(`
      {
        "cypher": "CALL { MATCH (x:Entity) RETURN count(x) AS nodeCount }
      CALL { MATCH ()-[l:LINK]->() RETURN count(l) AS edgeCount }
      CALL { MATCH ()-[l:NEGATED_LINK]->() RETURN count(l) AS negatedCount }
      WITH nodeCount, edgeCount, negatedCount, nodeCount <= $p0 AND edgeCount + negatedCount <= $p1 AS within
      CALL {
        WITH within
        WITH within WHERE within
        MATCH (x:Entity)
        WITH x ORDER BY x.id
        RETURN collect({id: x.id, label: x.name, kind: x.kind, synonyms: coalesce(x.synonyms, []), description: x.description, xrefs: coalesce(x.xrefs, []), categories: x.categories, providedBy: CASE WHEN x.kgxHash IS NULL THEN null ELSE coalesce(x.providedBy, []) END}) AS nodes
      }
      CALL {
        WITH within
        WITH within WHERE within
        MATCH ()-[l:LINK]->()
        WITH l ORDER BY l.id
        RETURN collect({id: l.id, source: startNode(l).id, target: endNode(l).id, predicate: l.predicate, score: coalesce(l.score, 0.0), level: coalesce(l.level, 'NONE_CITED'), claimCount: size(coalesce(l.claimIds, [])), publications: COLLECT {
            UNWIND coalesce(l.claimIds, []) AS pubClaimId
            MATCH (pubStudy:Study)-[pubEdge:SUPPORTS|MIXED]->(:Claim {id: pubClaimId})
            WHERE (pubEdge.bearsOn IS NULL OR l.id IN pubEdge.bearsOn)
              AND (pubEdge.addresses IS NULL OR l.id IN pubEdge.addresses)
              AND NOT coalesce(pubEdge.verdict, 'UNCHECKED') IN ['NOT_ADDRESSED', 'UNVERIFIED', 'CONTRADICTED']
              AND (coalesce(pubEdge.voice, 'ARTICLE') <> 'CURATOR_INFERENCE' OR pubEdge.verdict IS NOT NULL)
            UNWIND [pubStudy] + [(pubStudy)-[:SAME_AS*1..3]-(pubRecord:Study) | pubRecord] AS pubWork
            UNWIND coalesce(pubWork.identifiers, []) AS publication
            WITH DISTINCT publication WHERE publication =~ '(?i)(PMID|PMCID|PMC|DOI):.+'
            RETURN publication ORDER BY publication
          }, kg: CASE WHEN size(coalesce(l.kgSources, [])) = 0 THEN null ELSE l {.biolinkPredicate, .qualifiedPredicate,
            .subjectAspectQualifier, .subjectDirectionQualifier, .objectAspectQualifier, .objectDirectionQualifier,
            .kgSources, .kgContributions, .primaryKnowledgeSources, .aggregatorKnowledgeSources, .knowledgeLevels, .agentTypes,
            .publications} END}) AS edges
      }
      CALL {
        WITH within
        WITH within WHERE within
        MATCH ()-[l:NEGATED_LINK]->()
        WITH l ORDER BY l.id
        RETURN collect({id: l.id, source: startNode(l).id, target: endNode(l).id, predicate: l.predicate, negated: true, kg: CASE WHEN size(coalesce(l.kgSources, [])) = 0 THEN null ELSE l {.biolinkPredicate, .qualifiedPredicate,
            .subjectAspectQualifier, .subjectDirectionQualifier, .objectAspectQualifier, .objectDirectionQualifier,
            .kgSources, .kgContributions, .primaryKnowledgeSources, .aggregatorKnowledgeSources, .knowledgeLevels, .agentTypes,
            .publications} END}) AS negatedEdges
      }
      RETURN {nodeCount: nodeCount, edgeCount: edgeCount, negatedCount: negatedCount, within: within, nodes: nodes, edges: edges,
        negatedEdges: negatedEdges} AS value",
        "params": {
          "p0": "int(5000)",
          "p1": "int(20000)",
        },
      }
    `);
  });
});
