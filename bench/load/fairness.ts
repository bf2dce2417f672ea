/**
 * `--mode fairness`: do cheap requests stay fast while the heaviest requests the limits allow run
 * back to back? N connections each send, one after another, the costliest operation the server
 * accepts (aliased 6-hop chain searches, and aliased deep neighbourhoods, as many aliases as fit
 * under its cost limit, found by asking it at the start), between random entities so no answer
 * comes from the traversal cache. Meanwhile other connections send a trivial `{ __typename }`
 * and a small entity lookup, alternately, at a steady rate (open loop: each on a free connection). Latency of a trivial request counts
 * from the moment it was due, so a queue behind heavy work shows. BUSY is a refusal, not an
 * error. Target: trivial p99 < 100 ms, and every trivial request answered.
 */
import {
  type Answer,
  connections,
  graphql,
  type ModeResult,
  note,
  percentiles,
  progress,
  random,
  sleep,
  tally,
  target,
} from "./common.js";

export interface FairnessOptions {
  url: URL;
  seconds: number;
  /** Connections sending heavy requests. */
  heavyConnections: number;
  /** Trivial requests a second, on their own connection. */
  rate: number;
  /** Target for the trivial requests' p99, ms. */
  p99Ms: number;
}

/** The trivial requests' p99 target, ms. */
export const TRIVIAL_P99_MS = 100;

type Shape = (ids: () => string, aliases: number) => string;

/** Aliased chain searches at the hop and page limits. */
const chains: Shape = (id, aliases) =>
  `{ ${Array.from(
    { length: aliases },
    (_, i) =>
      `c${i}: mechanismChains(from: "${id()}", to: "${id()}", maxHops: 6, first: 5) { hops score nodes { id } links { predicate } }`,
  ).join(" ")} }`;

/** Aliased 3-hop neighbourhoods of 100 nodes. */
const neighbourhoods: Shape = (id, aliases) =>
  `{ ${Array.from(
    { length: aliases },
    (_, i) =>
      `n${i}: neighborhood(id: "${id()}", hops: 3, first: 100) { nodes { id label kind distance } edges { source target predicate } }`,
  ).join(" ")} }`;

/** The most aliases of `shape` the server accepts (not QUERY_TOO_COSTLY nor TOO_MANY_ALIASES), or 0. */
async function mostAliases(url: URL, shape: Shape, id: () => string): Promise<number> {
  const agent = connections(1);
  try {
    for (let aliases = 15; aliases >= 1; aliases--) {
      const answer = await graphql(agent, url, shape(id, aliases));
      if (answer.code === "QUERY_TOO_COSTLY" || answer.code === "TOO_MANY_ALIASES") continue;
      // Anything but an answer, a refusal for load or a timeout means the shape itself is wrong.
      if (answer.code && !["BUSY", "TIMEOUT"].includes(answer.code)) {
        throw new Error(`the server refuses the heavy request shape with ${answer.code}`);
      }
      return aliases;
    }
    return 0;
  } finally {
    agent.destroy();
  }
}

/** A server says ready once it has warmed up after start (src/main.ts): measure it warm. */
async function untilReady(url: URL | string, maxMs = 600_000) {
  const readyUrl = new URL("/ready", url);
  const until = performance.now() + maxMs;
  for (let said = false; ; said = true) {
    const status = await fetch(readyUrl).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (performance.now() > until) throw new Error(`${readyUrl} did not answer 200 within ${maxMs / 1000} s`);
    if (!said) note(`waiting for ${readyUrl} (the server warms up after start)`);
    await sleep(500);
  }
}

export async function runFairnessLoad(options: FairnessOptions): Promise<ModeResult> {
  const { url, seconds, heavyConnections, rate } = options;
  await untilReady(url);
  const setup = connections(1);
  const listed = await graphql(setup, url, "{ entities(first: 100) { nodes { id } } }");
  setup.destroy();
  const ids: string[] = listed.data?.entities?.nodes?.map((n: { id: string }) => n.id) ?? [];
  if (ids.length < 2) throw new Error(`the server at ${url} lists fewer than 2 entities (${listed.code ?? "no error"})`);
  const pick = random(7);
  const id = () => ids[Math.floor(pick() * ids.length)] as string;

  const shapes: Array<{ name: string; shape: Shape; aliases: number }> = [];
  for (const [name, shape] of [
    ["chains", chains],
    ["neighbourhoods", neighbourhoods],
  ] as const) {
    const aliases = await mostAliases(url, shape, id);
    if (aliases > 0) shapes.push({ name, shape, aliases });
  }
  if (shapes.length === 0) throw new Error("the server refuses even one heavy search as too costly");
  note(`heavy requests: ${shapes.map((s) => `${s.aliases} aliased ${s.name}`).join(", ")}; ${ids.length} entities`);

  const heavy: Array<Answer & { shape: string }> = [];
  const trivial: Array<Answer & { kind: string; atSecond: number }> = [];
  const until = performance.now() + seconds * 1000;
  const stop = progress(() => {
    const t = percentiles(trivial.map((a) => a.ms));
    return `heavy ${heavy.length} answered (${JSON.stringify(tally(heavy.map((a) => a.code ?? "OK")))}); trivial ${t.count}, p99 ${t.p99} ms, max ${t.max} ms`;
  });

  const heavyAgent = connections(heavyConnections);
  const heavyLoop = async (n: number) => {
    for (let i = n; performance.now() < until; i++) {
      const { name, shape, aliases } = shapes[i % shapes.length] as (typeof shapes)[number];
      const answer = await graphql(heavyAgent, url, shape(id, aliases));
      heavy.push({ ...answer, shape: name });
      // A refused or failed request is retried after a pause, as a client would, not in a hot loop.
      if (answer.code) await sleep(100);
    }
  };

  // Enough connections that a trivial request never queues in this client behind the one before
  // it (that would measure the client); each still counts from when it was due.
  const trivialAgent = connections(Math.min(64, Math.max(4, rate)));
  const trivialLoop = async () => {
    const pending: Array<Promise<void>> = [];
    const began = performance.now();
    for (let i = 0; ; i++) {
      const due = began + (i * 1000) / rate;
      if (due >= until) break;
      await sleep(Math.max(0, due - performance.now()));
      const kind = i % 2 === 0 ? "typename" : "entity";
      const query = kind === "typename" ? "{ __typename }" : `{ entity(id: "${id()}") { id name kind } }`;
      pending.push(
        graphql(trivialAgent, url, query).then((answer) => {
          // Counted from when it was due: waiting behind a busy connection is latency too.
          trivial.push({ ...answer, ms: answer.ended - due, kind, atSecond: (due - began) / 1000 });
        }),
      );
    }
    await Promise.all(pending);
  };

  try {
    await Promise.all([...Array.from({ length: heavyConnections }, (_, n) => heavyLoop(n)), trivialLoop()]);
  } finally {
    stop();
    heavyAgent.destroy();
    trivialAgent.destroy();
  }

  const trivialLatency = percentiles(trivial.map((a) => a.ms));
  const trivialFailed = trivial.filter((a) => a.code).length;
  const outcomes = tally(heavy.map((a) => a.code ?? "OK"));
  const refused = outcomes.BUSY ?? 0;
  const heavyErrors = heavy.length - (outcomes.OK ?? 0) - refused;
  return {
    figures: {
      url: url.toString(),
      seconds,
      heavyConnections,
      heavyShapes: Object.fromEntries(shapes.map((s) => [s.name, { aliases: s.aliases }])),
      heavy: {
        answered: heavy.length,
        outcomes,
        completed: outcomes.OK ?? 0,
        refusedBusy: refused,
        errors: heavyErrors,
        completedLatencyMs: percentiles(heavy.filter((a) => !a.code).map((a) => a.ms)),
      },
      trivial: {
        ratePerSecond: rate,
        sent: trivial.length,
        failed: trivialFailed,
        outcomes: tally(trivial.map((a) => a.code ?? "OK")),
        latencyMs: trivialLatency,
        byKind: Object.fromEntries(
          ["typename", "entity"].map((kind) => [kind, percentiles(trivial.filter((a) => a.kind === kind).map((a) => a.ms))]),
        ),
        // When in the run the slowest ones were due: a cold start shows as slow answers early on.
        slowest: [...trivial]
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 8)
          .map((a) => ({ atSecond: Math.round(a.atSecond * 10) / 10, kind: a.kind, ms: Math.round(a.ms) })),
      },
    },
    targets: [
      target("trivial p99", trivialLatency.p99, options.p99Ms, "ms"),
      target("trivial requests failed", trivialFailed, 0, "requests"),
    ],
  };
}
