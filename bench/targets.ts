/**
 * The three things the benchmark compares, each an HTTP endpoint on 127.0.0.1 over the same
 * Neo4j and data: our GraphQL server; the raw-Cypher floor (hand-written Cypher through
 * neo4j-driver behind a minimal HTTP handler); and @neo4j/graphql serving the same graph.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import { loadConfig } from "../src/config.js";
import { type Database, int, toPlain } from "../src/db/database.js";
import type { Logger } from "../src/logger.js";
import { createServer as createOurServer } from "../src/server.js";

export interface Target {
  /** oursUncached: our server with the traversal cache off, so every traversal is computed. */
  name: "ours" | "oursUncached" | "rawCypher" | "neo4jGraphql";
  url: string;
  close(): Promise<void>;
}

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closer = (server: Server) => () => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startOurs(db: Database, log: Logger, options = { cache: true }): Promise<Target> {
  const yoga = createOurServer({
    db,
    config: loadConfig({
      ...process.env,
      LOG_LEVEL: "silent",
      ...(options.cache ? {} : { KG_TRAVERSAL_CACHE_ENTRIES: "0" }),
    }),
    log: log.child({}, { level: "warn" }),
  });
  const { server, url } = await listen(yoga as unknown as RequestListener);
  return { name: options.cache ? "ours" : "oursUncached", url: `${url}/graphql`, close: closer(server) };
}

/**
 * The floor: each benchmark query as the Cypher a person would write by hand on this model (an
 * entity's strongest links read from their shortcuts, as ours does), with its result shaped like
 * the GraphQL answer (same order, same bounds on lists), served as JSON. Requests name the query and its parameters.
 */
export const RAW_CYPHER: Record<string, string> = {
  entityNested: `MATCH (e:Entity {id: $id})
    RETURN e {.id, .name, .kind,
      outgoing: COLLECT { MATCH (e)-[s:STRONGEST_OUT]->() WITH s ORDER BY s.rank LIMIT 10 MATCH ()-[l:LINK {id: s.linkId}]->(t:Entity) USING INDEX SEEK l:LINK(id)
        RETURN {predicate: l.predicate, score: l.score, to: t {.id, .name}, claims: COLLECT { MATCH (c:Claim) WHERE c.id IN l.claimIds RETURN c {.id} }} AS x ORDER BY l.score DESC, l.id },
      claims: COLLECT { MATCH (c:Claim)-[:ABOUT]->(e) RETURN c {.id, .statement} AS x ORDER BY c.score DESC, c.id LIMIT 5 }} AS value`,
  claimStudies: `MATCH (c:Claim {id: $id})
    RETURN c {.id, .statement, evidenceSummary: {level: c.level, score: c.score},
      evidence: COLLECT { MATCH (s:Study)-[e:SUPPORTS|CONTRADICTS|MIXED]->(c) RETURN {stance: type(e), study: s {.id, .title, .year, .design}} AS x ORDER BY type(e) DESC, s.id LIMIT 200 }} AS value`,
  search: `CALL db.index.fulltext.queryNodes('kg_search', $q, {limit: 10}) YIELD node, score
    RETURN {label: coalesce(node.name, node.statement, node.title), score: score} AS value ORDER BY score DESC, node.id`,
  claimsPage: `MATCH (c:Claim) WHERE c.id > "" WITH c ORDER BY c.id LIMIT 21 RETURN c {.id, .statement, score: c.score} AS value`,
  // One hop, both ways: the 49 neighbours behind the strongest links (read from the shortcuts),
  // then the links among them, a dense entity's found from the other end (as ours does).
  neighborhood: `MATCH (a:Entity {id: $id})
    CALL { WITH a
      CALL { WITH a MATCH (a)-[s:STRONGEST_OUT]->(b) RETURN b, s.score AS score, s.linkId AS lid
             UNION ALL WITH a MATCH (a)<-[s:STRONGEST_IN]-(b) RETURN b, s.score AS score, s.linkId AS lid }
      WITH b, score, lid ORDER BY score DESC, lid
      WITH b, collect(lid)[0] AS lid, max(score) AS score ORDER BY score DESC, lid LIMIT 49
      RETURN collect(b) AS around }
    WITH [a] + around AS ns
    WITH ns, [n IN ns WHERE COUNT { (n)-[:LINK]->() } > 200] AS dense
    RETURN {nodes: [n IN ns | n.id], edges: COLLECT {
      CALL { WITH ns, dense UNWIND ns AS x WITH x, ns WHERE NOT x IN dense MATCH (x)-[l:LINK]->(y) WHERE y IN ns RETURN l
        UNION ALL WITH ns, dense UNWIND ns AS y WITH y, dense WHERE COUNT { (y)<-[:LINK]-() } <= 200
          MATCH (y)<-[l:LINK]-() WHERE startNode(l) IN dense RETURN l
        UNION ALL WITH ns, dense UNWIND dense AS x UNWIND ns AS y WITH x, y WHERE y <> x AND COUNT { (y)<-[:LINK]-() } > 200
          CALL { WITH x, y WITH x, y WHERE COUNT { (y)<-[:LINK]-() } <= COUNT { (x)-[:LINK]->() }
                   MATCH (y)<-[l:LINK]-() WHERE startNode(l) = x RETURN l
                 UNION ALL WITH x, y WITH x, y WHERE COUNT { (y)<-[:LINK]-() } > COUNT { (x)-[:LINK]->() }
                   MATCH (x)-[l:LINK]->() WHERE endNode(l) = y RETURN l }
          RETURN l }
      RETURN l.id AS id ORDER BY id LIMIT 1000 }} AS value`,
};

export async function startRawCypher(db: Database): Promise<Target> {
  const { server, url } = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const { query, params } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        query: string;
        params: Record<string, unknown>;
      };
      const cypher = RAW_CYPHER[query];
      if (!cypher) throw new Error(`unknown query ${query}`);
      const result = await db.read(cypher, { ...params, first: int(10) });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: result.records.map((r) => toPlain(r.get("value"))) }));
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
    }
  });
  return { name: "rawCypher", url, close: closer(server) };
}

/** The same graph described for the Neo4j GraphQL Library (v7 syntax). */
export const NEO4J_GRAPHQL_TYPEDEFS = /* GraphQL */ `
  type Entity @node {
    id: ID!
    name: String!
    kind: String!
    outgoing: [Entity!]! @relationship(type: "LINK", direction: OUT, properties: "Link")
    claims: [Claim!]! @relationship(type: "ABOUT", direction: IN)
  }
  type Link @relationshipProperties {
    id: ID!
    predicate: String!
    score: Float
  }
  type Claim @node {
    id: ID!
    statement: String!
    level: String
    score: Float
    supportedBy: [Study!]! @relationship(type: "SUPPORTS", direction: IN)
  }
  type Study @node {
    id: ID!
    title: String
    year: Int
    design: String
  }
`;

export async function startNeo4jGraphql(db: Database): Promise<Target> {
  const schema = await new Neo4jGraphQL({ typeDefs: NEO4J_GRAPHQL_TYPEDEFS, driver: db.driver }).getSchema();
  const yoga = createYoga({ schema, logging: false, graphiql: false, context: { sessionConfig: { database: db.name } } });
  const { server, url } = await listen(yoga as unknown as RequestListener);
  return { name: "neo4jGraphql", url: `${url}/graphql`, close: closer(server) };
}
