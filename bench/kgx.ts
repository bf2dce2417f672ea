/**
 * `npm run bench:kgx [-- --sizes 100000 --full --bundle 100000 --floor 1000000 --repeat 3]` (also run by `npm run bench`)
 *
 * KGX import rate, side by side in one run on one Neo4j, for generated KGX files of each size
 * (edges; nodes = edges / 10; 30% of edges with publications, 2% negated, 5% unmodelled
 * predicates, 10% unknown categories):
 *
 * 1. floor: the same rows read from the same files and written by a bare batched
 *    `UNWIND ... MERGE` (no validation, no undo log, no derived data);
 * 2. the importer (`importKgx`): check pass, staged write, shortcuts, publish;
 * 3. the bundle loader of today (`importBundle`, one transaction): the same entities and links as
 *    a bundle (one claim per 20 links, the bundle format's most), for sizes up to --bundle (default 100,000; it holds the
 *    whole bundle in memory and one transaction).
 *
 * With --repeat N the importer and the floor alternate N times per size and the medians are
 * reported, with each pair's own ratio. --floor caps the sizes the floor runs for (the growth
 * row, 10M edges, is the importer alone: what a Monarch-sized graph costs). The database's
 * heap and page cache are in the results (NEO4J_EMBEDDED_HEAP / _PAGECACHE; 4g and 2g unless set).
 * Reports seconds, rows/s, the ratio to the floor, and the importing process's peak RSS. The
 * files are generated streamed (bench/.kgx/, deleted after). Results: bench/results/kgx-latest.json.
 */

import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { Database, int } from "../src/db/database.js";
import { type DatabaseTarget, provisionDatabase } from "../src/db/provision.js";
import { applyConstraints } from "../src/db/schema-setup.js";
import { importBundle } from "../src/graph/import.js";
import { importKgx } from "../src/kgx/importer.js";
import { type KgxProblem, listInputs, readRows } from "../src/kgx/reader.js";
import { createLogger } from "../src/logger.js";
import { ENTITY_KINDS, type EntityKind } from "../src/model/vocabulary.js";
import { clearInBatches, random } from "./generate.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000" },
    full: { type: "boolean", default: false },
    bundle: { type: "string", default: "100000" },
    // The floor runs for sizes up to this many edges (default: every size).
    floor: { type: "string", default: String(Number.MAX_SAFE_INTEGER) },
    // Importer and floor alternate this many times per size; the medians are reported (this
    // shared machine's speed moves from minute to minute, so one pair can mislead).
    repeat: { type: "string", default: "1" },
    out: { type: "string", default: path.join(PROJECT_ROOT, "bench", "results") },
  },
});
const sizes = values.sizes
  .split(",")
  .map(Number)
  .concat(values.full ? [1_000_000] : []);
const bundleMax = Number(values.bundle);
const floorMax = Number(values.floor);
const repeat = Math.max(1, Number(values.repeat) || 1);
const log = createLogger("kg-bench-kgx");
const DIR = path.join(PROJECT_ROOT, "bench", ".kgx");
const WARM_UP_EDGES = 5_000;

const KINDS = (Object.keys(ENTITY_KINDS) as EntityKind[]).filter((k) => k !== "NAMED_THING");
const PREDICATES: Array<[string, string]> = [
  ["biolink:affects", "increased"],
  ["biolink:affects", "decreased"],
  ["biolink:regulates", ""],
  ["biolink:contributes_to", ""],
  ["biolink:associated_with", ""],
  ["biolink:part_of", ""],
];

async function write(stream: fs.WriteStream, text: string) {
  if (!stream.write(text)) await once(stream, "drain");
}

/** Writes nodes.tsv and edges.tsv for `edges` edges, streamed. */
async function generateKgx(edges: number, seed = 7): Promise<string> {
  const dir = path.join(DIR, String(edges));
  fs.mkdirSync(dir, { recursive: true });
  const rand = random(seed);
  const nodeCount = Math.max(10, Math.round(edges / 10));
  const nodes = fs.createWriteStream(path.join(dir, "nodes.tsv"));
  await write(nodes, "id\tcategory\tname\tdescription\txref\tsynonym\tprovided_by\n");
  for (let i = 0; i < nodeCount; i++) {
    const kind = KINDS[i % KINDS.length] as EntityKind;
    const category = rand() < 0.1 ? "biolink:Gene" : `${ENTITY_KINDS[kind].biolink}|biolink:NamedThing`;
    await write(nodes, `BENCH:n${i}\t${category}\tnode ${i}\t\t\tsyn-${i}\tinfores:bench\n`);
  }
  nodes.end();
  await once(nodes, "finish");
  const out = fs.createWriteStream(path.join(dir, "edges.tsv"));
  await write(
    out,
    "id\tsubject\tpredicate\tobject\tnegated\tobject_direction_qualifier\tprimary_knowledge_source\tknowledge_level\tagent_type\tpublications\n",
  );
  const seen = new Set<string>();
  let written = 0;
  while (written < edges) {
    // Hubs: a tenth of the edges start at one of 100 nodes.
    const s = rand() < 0.1 ? Math.floor(rand() * 100) : Math.floor(rand() * nodeCount);
    const o = Math.floor(rand() * nodeCount);
    if (s === o) continue;
    const [predicate, direction] =
      rand() < 0.05 ? ["biolink:interacts_with", ""] : (PREDICATES[Math.floor(rand() * PREDICATES.length)] as [string, string]);
    const key = `${s} ${predicate}${direction} ${o}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const negated = rand() < 0.02 ? "true" : "";
    const pubs = rand() < 0.3 ? `PMID:${1_000_000 + Math.floor(rand() * edges)}` : "";
    await write(
      out,
      `e${written}\tBENCH:n${s}\t${predicate}\tBENCH:n${o}\t${negated}\t${direction}\tinfores:bench\tknowledge_assertion\tmanual_agent\t${pubs}\n`,
    );
    written += 1;
  }
  out.end();
  await once(out, "finish");
  return dir;
}

/**
 * The floor: the same rows, read from the same files, written by a bare batched UNWIND MERGE in
 * transactions of the importer's size, MERGE backed by the id constraints: each node with its
 * columns, each edge as a LINK with its columns (what the row says; no validation, no mapping,
 * no undo log, no work records, no derived data).
 */
async function floor(db: Database, dir: string): Promise<void> {
  const { inputs } = await listInputs([dir]);
  const problems: KgxProblem[] = [];
  for (const input of inputs) {
    let batch: Array<Record<string, unknown>> = [];
    const flush = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      await db.write(
        (tx) =>
          input.role === "nodes"
            ? tx.run("UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n += r.props", { rows })
            : tx.run(
                `UNWIND $rows AS r MATCH (a:Entity {id: r.subject}), (b:Entity {id: r.object})
                 MERGE (a)-[l:LINK {id: r.id}]->(b) SET l += r.props`,
                { rows },
              ),
        undefined,
        600_000,
      );
    };
    for await (const row of readRows(input, [], problems)) {
      const r = row.record;
      const { subject, object, ...props } = r;
      batch.push(
        input.role === "nodes"
          ? { id: r.id, props }
          : { id: `link:${subject}:${r.predicate}:${r.object_direction_qualifier ?? ""}:${object}`, subject, object, props },
      );
      if (batch.length >= 10_000) await flush();
    }
    await flush();
  }
}

/** Today's bundle loader on the same rows (one claim per 20 links, the bundle format's most). */
async function bundleLoader(db: Database, dir: string): Promise<void> {
  const { inputs } = await listInputs([dir]);
  const problems: KgxProblem[] = [];
  const entities: unknown[] = [];
  const links: Array<{ from: string; predicate: string; to: string }> = [];
  for (const input of inputs) {
    for await (const row of readRows(input, [], problems)) {
      const r = row.record;
      if (input.role === "nodes") {
        const id = `n-${String(r.id).slice("BENCH:n".length)}`;
        entities.push({ id, name: String(r.name), kind: "CHEMICAL_ENTITY", synonyms: [], xrefs: [] });
      } else if (r.negated !== "true") {
        const p = String(r.predicate);
        const predicate =
          p === "biolink:affects"
            ? r.object_direction_qualifier === "increased"
              ? "INCREASES"
              : "DECREASES"
            : p === "biolink:regulates"
              ? "REGULATES"
              : "ASSOCIATED_WITH";
        links.push({ from: `n-${String(r.subject).slice(7)}`, predicate, to: `n-${String(r.object).slice(7)}` });
      }
    }
  }
  const claims = [];
  for (let i = 0; i < links.length; i += 20) {
    const chunk = links.slice(i, i + 20);
    claims.push({
      id: `claim:b${i}`,
      statement: `bench claim ${i}`,
      about: [chunk[0]?.from],
      links: chunk,
      statedIn: [{ source: "source:bench", locator: "bench" }],
      evidence: [],
    });
  }
  await importBundle(
    db,
    { entities, sources: [{ id: "source:bench", title: "bench", kind: "bench" }], studies: [], claims },
    { actor: "bench", timeoutMs: 3_600_000 },
  );
}

async function timed(label: string, work: () => Promise<unknown>) {
  const loadBefore = os.loadavg()[0] as number;
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const loadAverage = [loadBefore, os.loadavg()[0] as number].map((l) => Math.round(l * 10) / 10);
  log.info({ label, seconds, loadAverage }, "measured");
  return {
    seconds: Math.round(seconds * 10) / 10,
    peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
    loadAverage,
  };
}

/** The run with the median seconds (the lower middle one of an even count). */
function median<T extends { seconds: number }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

let neo4jMemory: { heap: string; pagecache: string } | undefined;

async function main() {
  const config = loadConfig({
    ...process.env,
    NEO4J_EMBEDDED_HEAP: process.env.NEO4J_EMBEDDED_HEAP ?? "4g",
    NEO4J_EMBEDDED_PAGECACHE: process.env.NEO4J_EMBEDDED_PAGECACHE ?? "2g",
  });
  neo4jMemory = { heap: config.NEO4J_EMBEDDED_HEAP, pagecache: config.NEO4J_EMBEDDED_PAGECACHE };
  const target: DatabaseTarget = await provisionDatabase(config, log, {
    embeddedHome: path.join(PROJECT_ROOT, ".neo4j", "bench"),
    embeddedPort: Number(process.env.NEO4J_BENCH_PORT ?? 7689),
  });
  const db = new Database(target, { queryTimeoutMs: 3_600_000, acquireTimeoutMs: 10_000 });
  const results: Array<Record<string, unknown>> = [];
  try {
    await applyConstraints(db);
    // Unrecorded: every target once on a small graph, so none is measured on a cold JVM (the
    // first measured used to pay for Neo4j's query planning and JIT compilation).
    const warmUp = await generateKgx(WARM_UP_EDGES, 11);
    for (const work of [
      () => importKgx(db, [warmUp], { actor: "bench", name: "warm-up", log, timeoutMs: 3_600_000 }),
      () => floor(db, warmUp),
      () => bundleLoader(db, warmUp),
    ]) {
      await clearInBatches(db, log);
      await work();
    }
    fs.rmSync(warmUp, { recursive: true, force: true });
    for (const edges of sizes) {
      const dir = await generateKgx(edges);
      const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
      const rows = edges + Math.max(10, Math.round(edges / 10));
      let phaseMs: Record<string, number> = {};
      let counts: unknown;
      const importerRuns: Array<Awaited<ReturnType<typeof timed>>> = [];
      const floorRuns: Array<Awaited<ReturnType<typeof timed>>> = [];
      const withFloor = edges <= floorMax;
      for (let run = 1; run <= repeat; run++) {
        await clearInBatches(db, log);
        importerRuns.push(
          await timed(`import ${edges} (run ${run} of ${repeat})`, async () => {
            phaseMs = (await importKgx(db, [dir], { actor: "bench", name: "bench", log, timeoutMs: 3_600_000 })).phaseMs;
          }),
        );
        counts = (await db.read("MATCH ()-[l:LINK]->() RETURN count(l) AS n")).records[0]?.get("n");
        if (!withFloor) continue;
        await clearInBatches(db, log);
        floorRuns.push(await timed(`floor ${edges} (run ${run} of ${repeat})`, () => floor(db, dir)));
      }
      const imported = median(importerRuns);
      const floorRun = withFloor ? median(floorRuns) : null;
      let bundle: { seconds: number; peakRssMb: number } | null = null;
      if (edges <= bundleMax) {
        await clearInBatches(db, log);
        bundle = await timed(`bundle ${edges}`, () => bundleLoader(db, dir));
      }
      // The last size's graph is left in the bench's own store (the next run clears it first):
      // clearing tens of millions of relationships would add many minutes to a finished run.
      if (edges !== sizes.at(-1)) await clearInBatches(db, log);
      const row = {
        edges,
        rows,
        fileMb: Math.round(bytes / 2 ** 20),
        linksWritten: Number(counts ?? int(0)),
        runs: repeat,
        importer: { ...imported, rowsPerSecond: Math.round(rows / imported.seconds) },
        floor: floorRun ? { ...floorRun, rowsPerSecond: Math.round(rows / floorRun.seconds) } : "not run (above --floor)",
        bundleLoader: bundle ? { ...bundle, rowsPerSecond: Math.round(rows / bundle.seconds) } : "not run (above --bundle)",
        importerOverFloor: floorRun ? Math.round((imported.seconds / floorRun.seconds) * 100) / 100 : null,
        // Each pair's own ratio (importer run k over floor run k), and every run's seconds.
        pairRatios: withFloor
          ? importerRuns.map((r, k) => Math.round((r.seconds / (floorRuns[k]?.seconds ?? 1)) * 100) / 100)
          : [],
        importerSeconds: importerRuns.map((r) => r.seconds),
        floorSeconds: floorRuns.map((r) => r.seconds),
        importerPhasesMs: phaseMs,
      };
      log.info(row, "kgx import bench");
      results.push(row);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await db.close();
    await target.stop();
  }
  fs.mkdirSync(values.out, { recursive: true });
  fs.writeFileSync(
    path.join(values.out, "kgx-latest.json"),
    `${JSON.stringify({ when: new Date().toISOString(), cores: os.cpus().length, neo4jMemory, results }, null, 2)}\n`,
  );
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
  log.error({ err: error }, "kgx bench failed");
  process.exitCode = 1;
});
