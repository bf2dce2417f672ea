/**
 * Runs the GraphiQL examples once, in process, right after start-up. A fresh process answers its
 * first requests slowly: Node and the JVM have compiled none of the code yet and Neo4j has planned
 * none of the queries, so the first chain example is far slower than on a warm process (the
 * figures measured are in the README, "Two commands"): without this, the first person to press ▶
 * waits for the warm-up.
 * On a graph without the article's entities some examples answer NOT_FOUND; that warms too.
 */
import { type DocumentNode, Kind, parse } from "graphql";
import { graphiqlExamples } from "./graphiql-examples.js";
import type { Logger } from "./logger.js";

interface Fetcher {
  fetch(url: string, init: RequestInit): Promise<Response> | Response;
}

export interface WarmUpResult {
  operation: string;
  status: number;
  ms: number;
  errors: string[];
}

function operationNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));
}

/** Sends every example operation once; outcomes are logged and returned, never thrown. */
export async function warmUp(server: Fetcher, log: Logger): Promise<WarmUpResult[]> {
  const started = performance.now();
  const query = graphiqlExamples().defaultQuery;
  const results: WarmUpResult[] = [];
  for (const operation of operationNames(parse(query))) {
    const begun = performance.now();
    try {
      const response = await server.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": `warm-up-${operation}` },
        body: JSON.stringify({ query, operationName: operation }),
      });
      const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      const errors = (body.errors ?? []).map((e) => e.extensions?.code ?? "UNKNOWN");
      results.push({ operation, status: response.status, ms: Math.round(performance.now() - begun), errors });
    } catch (error) {
      results.push({ operation, status: 0, ms: Math.round(performance.now() - begun), errors: [String(error)] });
    }
  }
  log.info({ ms: Math.round(performance.now() - started), operations: results }, "warmed up: GraphiQL examples run once");
  return results;
}
