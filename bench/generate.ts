/**
 * A deterministic synthetic graph in the shape of the article's: entity kinds in its proportions,
 * mechanism links with a skewed (power-law-like) degree so a few hubs carry thousands of links,
 * claims asserting links (every link has at least one), studies of every design supporting or
 * contradicting claims, and about a third of the claims left as evidence gaps. Cached evidence
 * on claims and links is computed with the real evidence rule, so the graph is what the writers
 * would have produced.
 *
 * `npm run generate -- --links 100000 [--seed 42] [--clear]` loads it straight into NEO4J_URI or
 * the benchmark's embedded Neo4j (`.neo4j/bench`, port 7689, left running; `npm run db:stop` does
 * not touch it: stop it with its pid in `.neo4j/bench/launcher.pid`), in batched UNWIND writes,
 * with progress and rate. `generateGraph` (~80 lines) builds the graph's parts in order (entities,
 * links, studies, claims with their evidence), each depending on the ones before.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { Database, int } from "../src/db/database.js";
import { driverCause } from "../src/errors.js";
import { ensureStrongestLinks } from "../src/graph/strongest-links.js";
import type { Logger } from "../src/logger.js";
import { type EvidenceEdge, summarizeEvidence } from "../src/model/evidence-rule.js";
import {
  type EntityKind,
  linkId,
  PREDICATE_NAMES,
  type Predicate,
  STUDY_DESIGN_NAMES,
  type StudyDesign,
} from "../src/model/vocabulary.js";

/** Kinds weighted roughly as in the article's seed data. */
const KIND_WEIGHTS: Array<[EntityKind, number]> = [
  ["PHENOTYPE", 9],
  ["SMALL_MOLECULE", 8],
  ["PHYSIOLOGICAL_PROCESS", 8],
  ["DISEASE", 5],
  ["ANATOMICAL_STRUCTURE", 5],
  ["BIOLOGICAL_PROCESS", 4],
  ["INTERVENTION", 4],
  ["CHEMICAL_ENTITY", 3],
  ["FOOD", 3],
  ["BEHAVIOR", 3],
  ["PROTEIN", 1],
  ["MICROBIAL_COMMUNITY", 1],
  ["BODY_SYSTEM", 1],
];
/** Mechanism predicates are the common ones; structural ones are rarer. */
const PREDICATE_WEIGHTS: Array<[Predicate, number]> = PREDICATE_NAMES.map((p) => [
  p,
  ["INCREASES", "DECREASES", "REGULATES"].includes(p)
    ? 10
    : ["PRODUCES", "CONTRIBUTES_TO", "ASSOCIATED_WITH"].includes(p)
      ? 4
      : 1,
]);

/** The claim the benchmark asks for the studies of (bench/mix.ts): never an evidence gap. */
export const STUDIED_CLAIM = "claim:c1";

/** mulberry32: small, fast and deterministic. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(rand: () => number, table: Array<[T, number]>): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [value, w] of table) {
    x -= w;
    if (x <= 0) return value;
  }
  return (table.at(-1) as [T, number])[0];
}

export interface GeneratedGraph {
  entities: Array<{ id: string; name: string; kind: EntityKind; searchText: string }>;
  links: Array<{
    id: string;
    from: string;
    to: string;
    predicate: Predicate;
    claimIds: string[];
    level: string;
    supporting: number;
    contradicting: number;
    score: number;
  }>;
  claims: Array<{
    id: string;
    statement: string;
    linkIds: string[];
    about: string[];
    level: string;
    supporting: number;
    contradicting: number;
    score: number;
  }>;
  studies: Array<{ id: string; title: string; design: StudyDesign; year: number }>;
  evidence: Array<{ study: string; claim: string; stance: "SUPPORTS" | "CONTRADICTS" }>;
}

export function generateGraph(linkCount: number, seed = 42): GeneratedGraph {
  const rand = random(seed);
  const entityCount = Math.max(50, Math.round(linkCount / 12));
  // u^3 puts most endpoints on low indices: entity 0 carries a few percent of all links.
  const skewed = () => Math.floor(entityCount * rand() ** 3);
  const entities = Array.from({ length: entityCount }, (_, i) => ({
    id: `e${i}`,
    name: `Entity ${i}`,
    kind: weighted(rand, KIND_WEIGHTS),
    searchText: `synthetic entity ${i}`,
  }));

  const links: GeneratedGraph["links"] = [];
  const seen = new Set<string>();
  while (links.length < linkCount) {
    const from = skewed();
    const to = rand() < 0.5 ? skewed() : Math.floor(rand() * entityCount);
    if (from === to) continue;
    const predicate = weighted(rand, PREDICATE_WEIGHTS);
    const id = linkId(`e${from}`, predicate, `e${to}`);
    if (seen.has(id)) continue;
    seen.add(id);
    links.push({
      id,
      from: `e${from}`,
      to: `e${to}`,
      predicate,
      claimIds: [],
      level: "NONE_CITED",
      supporting: 0,
      contradicting: 0,
      score: 0,
    });
  }

  const studyCount = Math.max(10, Math.round(linkCount / 20));
  const studies = Array.from({ length: studyCount }, (_, i) => ({
    id: `study:s${i}`,
    title: `Synthetic study ${i} of ${weighted(rand, KIND_WEIGHTS).toLowerCase().replace(/_/g, " ")}`,
    design: STUDY_DESIGN_NAMES[Math.floor(rand() * STUDY_DESIGN_NAMES.length)] as StudyDesign,
    year: 1990 + Math.floor(rand() * 36),
  }));
  const designOf = new Map(studies.map((s) => [s.id, s.design]));

  // Each claim asserts two consecutive links (one for the last when the count is odd).
  const claims: GeneratedGraph["claims"] = [];
  const evidence: GeneratedGraph["evidence"] = [];
  const stancesOfLink = new Map<string, Map<string, EvidenceEdge>>();
  for (let i = 0; i < links.length; i += 2) {
    const asserted = links.slice(i, i + 2);
    const id = `claim:c${i / 2}`;
    const stances: EvidenceEdge[] = [];
    // About a third are evidence gaps; never the claim whose studies the benchmark reads.
    const gap = rand() < 0.33 && id !== STUDIED_CLAIM;
    const studyCountForClaim = gap ? 0 : 1 + Math.floor(rand() * 3);
    const used = new Set<string>();
    for (let k = 0; k < studyCountForClaim; k++) {
      const study = `study:s${Math.floor(rand() * studyCount)}`;
      if (used.has(study)) continue;
      used.add(study);
      const stance = rand() < 0.9 ? "SUPPORTS" : "CONTRADICTS";
      evidence.push({ study, claim: id, stance });
      // Synthetic studies are unchecked works of their own, cited by the source (the rule's plain case).
      stances.push({ study, work: study, design: designOf.get(study) as StudyDesign, stance });
    }
    for (const link of asserted) {
      link.claimIds.push(id);
      const byStudy = stancesOfLink.get(link.id) ?? new Map();
      for (const [k, study] of [...used].entries()) byStudy.set(study, stances[k] as EvidenceEdge);
      stancesOfLink.set(link.id, byStudy);
    }
    claims.push({
      id,
      statement: `Synthetic claim ${i / 2}: ${asserted.map((l) => `${l.from} ${l.predicate.toLowerCase()} ${l.to}`).join("; ")}`,
      linkIds: asserted.map((l) => l.id),
      about: [...new Set(asserted.flatMap((l) => [l.from, l.to]))],
      ...summarizeEvidence(stances),
    });
  }
  for (const link of links) Object.assign(link, summarizeEvidence([...(stancesOfLink.get(link.id)?.values() ?? [])]));
  return { entities, links, claims, studies, evidence };
}

const BATCH = 10_000;

async function inBatches<T>(db: Database, log: Logger, label: string, rows: T[], cypher: string): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) {
    await db.write((tx) => tx.run(cypher, { rows: rows.slice(i, i + BATCH) }), undefined, 600_000);
    const done = Math.min(i + BATCH, rows.length);
    if (done === rows.length || (i / BATCH) % 10 === 0) {
      const seconds = (performance.now() - started) / 1000;
      log.info({ kind: label, done, total: rows.length, perSecond: Math.round(done / seconds) }, "loading");
    }
  }
}

/** Writes a generated graph into an empty database. */
export async function loadGenerated(db: Database, graph: GeneratedGraph, log: Logger): Promise<void> {
  const toInt = <T extends { year?: number }>(rows: T[]) => rows.map((r) => ({ ...r, year: int(r.year ?? 0) }));
  await inBatches(
    db,
    log,
    "entities",
    graph.entities,
    "UNWIND $rows AS r CREATE (:Entity {id: r.id, name: r.name, kind: r.kind, synonyms: [], xrefs: [], searchText: r.searchText})",
  );
  await inBatches(
    db,
    log,
    "studies",
    toInt(graph.studies),
    "UNWIND $rows AS r CREATE (:Study {id: r.id, title: r.title, design: r.design, year: r.year, identifiers: []})",
  );
  await inBatches(
    db,
    log,
    "links",
    graph.links.map((l) => ({ ...l, supporting: int(l.supporting), contradicting: int(l.contradicting) })),
    `UNWIND $rows AS r MATCH (a:Entity {id: r.from}) MATCH (b:Entity {id: r.to})
     CREATE (a)-[:LINK {id: r.id, predicate: r.predicate, claimIds: r.claimIds, level: r.level, supporting: r.supporting, contradicting: r.contradicting, score: r.score}]->(b)`,
  );
  await inBatches(
    db,
    log,
    "claims",
    graph.claims.map((c) => ({ ...c, supporting: int(c.supporting), contradicting: int(c.contradicting) })),
    `UNWIND $rows AS r CREATE (c:Claim {id: r.id, statement: r.statement, linkIds: r.linkIds, level: r.level, supporting: r.supporting, contradicting: r.contradicting, score: r.score})
     WITH c, r UNWIND r.about AS about MATCH (e:Entity {id: about}) CREATE (c)-[:ABOUT]->(e)`,
  );
  for (const stance of ["SUPPORTS", "CONTRADICTS"] as const) {
    await inBatches(
      db,
      log,
      `evidence ${stance}`,
      graph.evidence.filter((e) => e.stance === stance),
      `UNWIND $rows AS r MATCH (s:Study {id: r.study}) MATCH (c:Claim {id: r.claim}) CREATE (s)-[:${stance}]->(c)`,
    );
  }
  // The derived shortcuts the writers keep for chain searches, built for the whole graph at once.
  await ensureStrongestLinks(db, log);
}

const HELP = `Usage: npm run generate -- [--links N] [--seed S] [--clear]

Loads a deterministic synthetic graph (power-law degrees, the article's kind mix) into the
benchmark's own Neo4j: NEO4J_URI when set, else the embedded one in .neo4j/bench on port
NEO4J_BENCH_PORT (7689), which is left running (stop it with the pid in .neo4j/bench/launcher.pid).

  --links N   mechanism links to generate (default 100000; 1 to 10000000)
  --seed S    random seed: the same seed gives the same graph (default 42)
  --clear     delete everything in that database first
  --help      this text
`;

/** A whole number in [min, max], or exit 2 naming the option. */
function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}, not "${text}"\n\n${HELP}`);
    process.exit(2);
  }
  return value;
}

async function main() {
  let values: { links: string; seed: string; clear: boolean; help: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        links: { type: "string", default: "100000" },
        seed: { type: "string", default: "42" },
        clear: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(HELP);
    return;
  }
  const links = wholeNumber("links", values.links, 1, 10_000_000);
  const seed = wholeNumber("seed", values.seed, 0, 2 ** 32 - 1);
  const { loadConfig, PROJECT_ROOT } = await import("../src/config.js");
  const { provisionDatabase } = await import("../src/db/provision.js");
  const { applyConstraints } = await import("../src/db/schema-setup.js");
  const { createLogger } = await import("../src/logger.js");
  const config = loadConfig();
  const log = createLogger("kg-generate", config.LOG_LEVEL);
  // The benchmark's own store, never the development graph (unless NEO4J_URI names a server).
  const target = await provisionDatabase(config, log, {
    detached: true,
    embeddedHome: path.join(PROJECT_ROOT, ".neo4j", "bench"),
    embeddedPort: Number(process.env.NEO4J_BENCH_PORT ?? 7689),
  });
  const db = new Database(target, { queryTimeoutMs: 600_000, acquireTimeoutMs: 10_000 });
  try {
    await applyConstraints(db);
    if (values.clear) await clearInBatches(db, log);
    const started = performance.now();
    const graph = generateGraph(links, seed);
    log.info(
      { entities: graph.entities.length, links: graph.links.length, claims: graph.claims.length, studies: graph.studies.length },
      "generated",
    );
    await loadGenerated(db, graph, log);
    const seconds = (performance.now() - started) / 1000;
    log.info({ seconds: Math.round(seconds), linksPerSecond: Math.round(graph.links.length / seconds) }, "loaded");
  } finally {
    await db.close();
  }
}

/** Deletes everything in batches (relationships first, so hubs do not blow one transaction). */
export async function clearInBatches(db: Database, log: Logger): Promise<void> {
  for (const [what, cypher] of [
    ["relationships", "MATCH ()-[r]->() WITH r LIMIT 50000 DELETE r RETURN count(*) AS deleted"],
    ["nodes", "MATCH (n) WITH n LIMIT 50000 DETACH DELETE n RETURN count(*) AS deleted"],
  ] as const) {
    for (;;) {
      const result = await db.write((tx) => tx.run(cypher), undefined, 600_000);
      const deleted = result.records[0]?.get("deleted").toNumber() ?? 0;
      if (deleted === 0) break;
      log.info({ what, deleted }, "clearing");
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(driverCause(error) ?? error);
    process.exit(1);
  });
}
