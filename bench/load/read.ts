/**
 * `--mode read` (the default): a bounded mixed read workload with autocannon, one of each job users
 * come for, with real seed ids. Target: no error of any kind (HTTP, GraphQL, network, timeout).
 */
import autocannon from "autocannon";
import { type ModeResult, progress, target } from "./common.js";

/** The mix: one of each job users come for, with real seed ids. */
export const READ_MIX = [
  `{ entity(id: "magnesium") { id name outgoing(first: 10) { predicate to { id name } evidence { score } claims { id } } claims(first: 5) { id statement } } }`,
  `{ claim(id: "claim:mg-supplementation-reduces-anxiety-depression") { statement evidenceSummary { level score } evidence { stance study { title journal year design } } } }`,
  `{ search(query: "gaba anxiety", first: 10) { type label score } }`,
  `{ mechanismChains(from: "magnesium-glycinate", to: "anxiety", maxHops: 4, first: 5) { hops score nodes { id } links { predicate } } }`,
  `{ neighborhood(id: "magnesium", hops: 2, first: 50) { nodes { id } edges { source target } } }`,
  `{ claims(first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { id evidenceSummary { score } } } }`,
  `{ evidenceGaps(first: 20) { id statement } }`,
  `{ stats { entities links claims studies evidenceGaps } }`,
];

export interface ReadOptions {
  url: URL;
  seconds: number;
  connections: number;
}

export async function runReadLoad({ url, seconds, connections }: ReadOptions): Promise<ModeResult> {
  let graphqlErrors = 0;
  let answered = 0;
  const stop = progress(() => `${answered} answered, ${graphqlErrors} with GraphQL errors`);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
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
            answered += 1;
            if (status === 200 && body.includes('"errors"')) graphqlErrors += 1;
          },
        })),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    process.once("SIGINT", () => instance.stop());
  }).finally(stop);
  // autocannon counts a timeout in `errors` as well as in `timeouts`: added once.
  const errors = result.errors + result.non2xx + graphqlErrors;
  return {
    figures: {
      url: url.toString(),
      seconds,
      connections,
      requests: result.requests.total,
      throughputPerSecond: result.requests.average,
      errors,
      networkErrors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      graphqlErrors,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    },
    targets: [target("errors", errors, 0, "requests")],
  };
}
