/**
 * `npm run load [-- --url http://127.0.0.1:4000/graphql --seconds 20 --connections 10]`:
 * a bounded mixed read workload against a running server, on loopback only. Reports requests,
 * errors (HTTP and GraphQL) and latency percentiles as one JSON line, and exits 1 on any error.
 */
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createLogger } from "../src/logger.js";

const log = createLogger("kg-load");
const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:4000/graphql" },
    seconds: { type: "string", default: "20" },
    connections: { type: "string", default: "10" },
  },
});
const url = new URL(values.url);
if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
  log.error({ host: url.hostname }, "the load script only targets this machine's loopback address");
  process.exit(2);
}
const seconds = Math.min(Number(values.seconds), 300);
const connections = Math.min(Number(values.connections), 100);

/** The mix: one of each job users come for, with real seed ids. */
const READ_MIX = [
  `{ entity(id: "magnesium") { id name outgoing(first: 10) { predicate to { id name } evidence { score } claims { id } } claims(first: 5) { id statement } } }`,
  `{ claim(id: "claim:mg-supplementation-reduces-anxiety-depression") { statement evidenceSummary { level score } evidence { stance study { title journal year design } } } }`,
  `{ search(query: "gaba anxiety", first: 10) { type label score } }`,
  `{ mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 5) { hops score nodes { id } links { predicate } } }`,
  `{ neighborhood(id: "magnesium", hops: 2, first: 50) { nodes { id } edges { source target } } }`,
  `{ claims(first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { id evidenceSummary { score } } } }`,
  `{ evidenceGaps(first: 20) { id statement } }`,
  `{ stats { entities links claims studies evidenceGaps } }`,
];

let graphqlErrors = 0;
const instance = autocannon(
  {
    url: url.toString(),
    connections,
    duration: seconds,
    requests: READ_MIX.map((query) => ({
      method: "POST" as const,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
      onResponse: (status: number, body: string) => {
        if (status === 200 && body.includes('"errors"')) graphqlErrors += 1;
      },
    })),
  },
  (error, result) => {
    if (error) {
      log.error({ err: error }, "load run failed");
      process.exit(1);
    }
    const summary = {
      url: url.toString(),
      seconds,
      connections,
      requests: result.requests.total,
      throughputPerSecond: result.requests.average,
      errors: result.errors + result.timeouts + result.non2xx + graphqlErrors,
      non2xx: result.non2xx,
      graphqlErrors,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    };
    log.info(summary, "load run finished");
    process.exit(summary.errors === 0 ? 0 : 1);
  },
);
autocannon.track(instance, { renderProgressBar: process.stderr.isTTY ?? false });
