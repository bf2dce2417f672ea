/**
 * Writes under concurrency: `tsx bench/load/writes.ts [--url http://127.0.0.1:4000/graphql]
 * [--token secret] [--writers 20] [--seconds 60]` against a running server (loopback only).
 *
 * Each writer first upserts an entity and a study of its own, then, until time is up, cycles
 * through upsertEntity (a new entity, and its own entity renamed), upsertStudy (a new study) and
 * createClaim (a new claim about two of the article's hub entities and the writer's entity,
 * stated in the article's one source, asserting a link from the writer's entity to a hub). So
 * every claim writes relationships to shared hubs and to the one source. Afterwards every
 * acknowledged write is read back through the API: each must be there exactly once (a claim's
 * hubs, statement and link once each, the link naming the claim once). One JSON line reports
 * requests, internal errors, other errors by code, lost and duplicated writes and the write
 * latency; the exit code is 1 on any internal error, lost or duplicated write.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createLogger, type Logger } from "../../src/logger.js";

export interface WriteLoadOptions {
  /** The GraphQL endpoint; only loopback addresses are accepted. */
  url: string;
  /** A bearer token allowed to write (KG_API_TOKENS). */
  token: string;
  /** Concurrent writers, 1..100. */
  writers: number;
  /** How long the writers write, 1..600 seconds (set-up and read-back come on top). */
  seconds: number;
  log: Logger;
}

export interface WriteLoadSummary {
  url: string;
  writers: number;
  seconds: number;
  setupRequests: number;
  requests: number;
  acknowledged: number;
  writesPerSecond: number;
  internalErrors: number;
  /** Other errors by `extensions.code` (HTTP_<status> or NETWORK when there was no GraphQL answer). */
  errorsByCode: Record<string, number>;
  lost: number;
  duplicated: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** The first few lost or duplicated writes, for a look. */
  problems: string[];
}

/** Hubs of the article's graph (many claims are about them) and its one source. */
const HUBS = ["gaba", "anxiety", "magnesium", "serotonin", "vagus-nerve", "gut-microbiome", "inflammation", "cortisol"];
const SOURCE = "source:mg-glycinate-gut-brain";
const PREDICATES = ["ASSOCIATED_WITH", "CONTRIBUTES_TO", "INCREASES"];

const UPSERT_ENTITY = "mutation($input: EntityInput!) { upsertEntity(input: $input) { id } }";
const UPSERT_STUDY = "mutation($input: StudyInput!) { upsertStudy(input: $input) { id } }";
const CREATE_CLAIM = "mutation($input: ClaimInput!) { createClaim(input: $input) { id } }";

type Ack =
  | { kind: "entity"; id: string; name: string }
  | { kind: "study"; id: string; title: string }
  | { kind: "claim"; id: string; about: string[]; locator: string; link: string };

interface Outcome {
  ok: boolean;
  code?: string;
  ms: number;
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

export async function runWriteLoad(options: WriteLoadOptions): Promise<WriteLoadSummary> {
  const url = new URL(options.url);
  if (!LOOPBACK.includes(url.hostname)) throw new Error(`the write load only targets loopback, not ${url.hostname}`);
  const writers = Math.max(1, Math.min(100, Math.floor(options.writers)));
  const seconds = Math.max(1, Math.min(600, options.seconds));
  const run = Date.now().toString(36);
  const errorsByCode: Record<string, number> = {};
  const latencies: number[] = [];
  let requests = 0;
  let setupRequests = 0;

  const post = async (query: string, variables: Record<string, unknown>): Promise<Outcome & { data?: unknown }> => {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          authorization: `Bearer ${options.token}`,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(120_000),
      });
      const ms = performance.now() - started;
      const body = (await response.json().catch(() => null)) as {
        data?: unknown;
        errors?: Array<{ extensions?: { code?: string } }>;
      } | null;
      if (body?.errors?.length) return { ok: false, code: String(body.errors[0]?.extensions?.code ?? "NO_CODE"), ms };
      if (!response.ok || !body) return { ok: false, code: `HTTP_${response.status}`, ms };
      return { ok: true, ms, data: body.data };
    } catch {
      return { ok: false, code: "NETWORK", ms: performance.now() - started };
    }
  };
  const write = async (query: string, input: Record<string, unknown>, measured: boolean) => {
    const outcome = await post(query, { input });
    if (measured) {
      requests += 1;
      latencies.push(outcome.ms);
    } else setupRequests += 1;
    if (!outcome.ok) errorsByCode[outcome.code ?? "NO_CODE"] = (errorsByCode[outcome.code ?? "NO_CODE"] ?? 0) + 1;
    return outcome.ok;
  };

  const acks: Ack[] = [];
  const own = (w: number) => `load-${run}-w${w}`;
  // Set-up: each writer's own entity and study, all writers at once (these are measured apart).
  const ready = await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const entity = { id: own(w), name: `Load writer ${w}`, kind: "PHENOTYPE" };
      const study = { id: `study:${own(w)}`, title: `Load study ${w}`, design: "RCT" };
      for (let attempt = 0; attempt < 5; attempt++) {
        if ((await write(UPSERT_ENTITY, entity, false)) && (await write(UPSERT_STUDY, study, false))) return true;
      }
      return false;
    }),
  );
  options.log.info({ writers, ready: ready.filter(Boolean).length }, "write load: set-up done");

  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      if (!ready[w]) return;
      for (let n = 0; Date.now() < deadline; n++) {
        const hub = (k: number) => HUBS[(w + n + k) % HUBS.length] as string;
        switch (n % 4) {
          case 0: {
            const id = `${own(w)}-e${n}`;
            const name = `Load entity ${w}.${n}`;
            if (await write(UPSERT_ENTITY, { id, name, kind: "PHYSIOLOGICAL_PROCESS" }, true))
              acks.push({ kind: "entity", id, name });
            break;
          }
          case 1: {
            const name = `Load writer ${w} (rename ${n})`;
            if (await write(UPSERT_ENTITY, { id: own(w), name, kind: "PHENOTYPE" }, true)) {
              acks.push({ kind: "entity", id: own(w), name });
            }
            break;
          }
          case 2: {
            const id = `study:${own(w)}-s${n}`;
            const title = `Load study ${w}.${n}`;
            if (await write(UPSERT_STUDY, { id, title, design: "COHORT", year: 2024 }, true))
              acks.push({ kind: "study", id, title });
            break;
          }
          default: {
            const id = `claim:${own(w)}-c${n}`;
            const about = [hub(0), hub(3), own(w)];
            const locator = `load ${run} writer ${w} claim ${n}`;
            const predicate = PREDICATES[n % PREDICATES.length] as string;
            const input = {
              id,
              statement: `Load claim ${w}.${n}.`,
              about,
              links: [{ from: own(w), predicate, to: hub(0) }],
              statedIn: [{ source: SOURCE, locator }],
            };
            if (await write(CREATE_CLAIM, input, true)) {
              acks.push({ kind: "claim", id, about, locator, link: `link:${own(w)}:${predicate}:${hub(0)}` });
            }
          }
        }
      }
    }),
  );
  const elapsed = seconds;

  // Read-back: the last acknowledged name of each entity; every study and claim once, whole.
  const problems: string[] = [];
  let lost = 0;
  let duplicated = 0;
  const lastName = new Map<string, string>();
  for (const a of acks) if (a.kind === "entity") lastName.set(a.id, a.name);
  const checks: Array<() => Promise<void>> = [];
  for (const [id, name] of lastName) {
    checks.push(async () => {
      const r = await post("query($id: ID!) { entity(id: $id) { id name } }", { id });
      const found = (r.data as { entity?: { name: string } | null } | undefined)?.entity;
      if (!found || found.name !== name) {
        lost += 1;
        problems.push(`entity ${id}: ${found ? `name "${found.name}", last acknowledged "${name}"` : "missing"}`);
      }
    });
  }
  for (const a of acks) {
    if (a.kind === "study") {
      checks.push(async () => {
        const r = await post("query($id: ID!) { study(id: $id) { id title } }", { id: a.id });
        const found = (r.data as { study?: { title: string } | null } | undefined)?.study;
        if (found?.title !== a.title) {
          lost += 1;
          problems.push(`study ${a.id}: missing`);
        }
      });
    }
    if (a.kind === "claim") {
      checks.push(async () => {
        const r = await post(
          "query($id: ID!) { claim(id: $id) { id about { id } statedIn { locator source { id } } links { id claims { id } } } }",
          { id: a.id },
        );
        const c = (
          r.data as
            | {
                claim?: {
                  about: Array<{ id: string }>;
                  statedIn: Array<{ locator: string; source: { id: string } }>;
                  links: Array<{ id: string; claims: Array<{ id: string }> }>;
                } | null;
              }
            | undefined
        )?.claim;
        if (!c) {
          lost += 1;
          problems.push(`claim ${a.id}: missing`);
          return;
        }
        const expectOnce = (what: string, ids: string[], wanted: string) => {
          const n = ids.filter((x) => x === wanted).length;
          if (n === 0) lost += 1;
          if (n > 1) duplicated += 1;
          if (n !== 1) problems.push(`claim ${a.id}: ${what} ${wanted} ${n} times`);
        };
        for (const hub of a.about)
          expectOnce(
            "about",
            c.about.map((e) => e.id),
            hub,
          );
        expectOnce(
          "statedIn",
          c.statedIn.map((s) => `${s.source.id}|${s.locator}`),
          `${SOURCE}|${a.locator}`,
        );
        expectOnce(
          "link",
          c.links.map((l) => l.id),
          a.link,
        );
        const link = c.links.find((l) => l.id === a.link);
        if (link)
          expectOnce(
            `claim on ${a.link}:`,
            link.claims.map((x) => x.id),
            a.id,
          );
      });
    }
  }
  // A few at a time: the read-back is not part of the measurement.
  for (let i = 0; i < checks.length; i += 8) await Promise.all(checks.slice(i, i + 8).map((check) => check()));

  const sorted = [...latencies].sort((x, y) => x - y);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
  const { INTERNAL_SERVER_ERROR: internalErrors = 0, ...others } = errorsByCode;
  return {
    url: url.toString(),
    writers,
    seconds,
    setupRequests,
    requests,
    acknowledged: acks.length,
    writesPerSecond: Math.round((acks.length / elapsed) * 10) / 10,
    internalErrors,
    errorsByCode: others,
    lost,
    duplicated,
    latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) },
    problems: problems.slice(0, 20),
  };
}

/** True when the summary shows no internal error and no lost or duplicated write. */
export const writeLoadPassed = (s: WriteLoadSummary) => s.internalErrors === 0 && s.lost === 0 && s.duplicated === 0;

async function main() {
  const log = createLogger("kg-load-writes");
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: "http://127.0.0.1:4000/graphql" },
      token: { type: "string", default: process.env.KG_LOAD_TOKEN ?? "secret" },
      writers: { type: "string", default: "20" },
      seconds: { type: "string", default: "60" },
    },
  });
  try {
    const summary = await runWriteLoad({
      url: values.url,
      token: values.token,
      writers: Number(values.writers),
      seconds: Number(values.seconds),
      log,
    });
    log.info(summary, "write load finished");
    process.exit(writeLoadPassed(summary) ? 0 : 1);
  } catch (error) {
    log.error({ err: error }, "write load failed");
    process.exit(2);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
