/**
 * KGX import (issue 16) against the test Neo4j: hand-written files after the KGX specification's
 * examples (TSV and JSON Lines, `|` lists, qualifiers, negation, publications, an unknown category
 * and predicate), a broken file per validation error, dry runs, re-imports, an import that fails
 * or dies half way, and chains over an imported KG merged with the article.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { toPlain } from "../src/db/database.js";
import { importBundle } from "../src/graph/import.js";
import { contributionsOf, type KgList, kgUnion } from "../src/graph/kg-parts.js";
import { refreshShortcutsInBatches } from "../src/graph/strongest-links.js";
import { refreshEvidence } from "../src/graph/write/derived.js";
import { ImportInProgress } from "../src/kgx/import-lock.js";
import {
  bothSettled,
  defaultKgName,
  importKgx,
  type KgxImportOptions,
  type KgxImportReport,
  KgxRefused,
} from "../src/kgx/importer.js";
import {
  clearGraph,
  expectStrongestLinksConsistent,
  gql,
  graphSnapshot,
  seedArticle,
  testDatabase,
  testLog,
  testServer,
} from "./helpers.js";

const db = testDatabase();
const FIXTURES = path.join(import.meta.dirname, "fixtures", "kgx");
const TSV = [path.join(FIXTURES, "spec-tsv", "nodes.tsv"), path.join(FIXTURES, "spec-tsv", "edges.tsv")];
const JSONL = [path.join(FIXTURES, "spec-jsonl")];
const broken = (...names: string[]) => names.map((n) => path.join(FIXTURES, "broken", n));
const opts = { actor: "test", name: "example-kg", log: testLog };

const written: string[] = [];
afterAll(async () => {
  for (const dir of written) fs.rmSync(dir, { recursive: true, force: true });
  await db.close();
});

/** KGX files written for one test, from their lines: the directory holding them (removed after). */
function writeKgx(name: string, files: Record<string, string[]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kgx-${name}-`));
  written.push(dir);
  for (const [file, lines] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), `${lines.join("\n")}\n`);
  return dir;
}

/** Imports with a failure injected after the `n`th committed batch of `phase`, which it must report. */
async function importFailingAt(
  paths: string[],
  options: Partial<KgxImportOptions>,
  phase: "nodes" | "edges" | "retract" | "denials",
  n: number,
): Promise<void> {
  let batches = 0;
  const error = await importKgx(db, paths, {
    ...opts,
    ...options,
    onBatch: (info) => {
      if (info.phase === phase && ++batches === n) throw new Error("injected failure");
    },
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((error as Error).message).toBe("injected failure");
}

/**
 * Imports one edge a batch while a curator writes: `curate` runs after the `curateAt`th committed
 * edge batch; with `failAt`, a failure is injected after that one, which the import must report.
 */
async function importWhileCurating(
  paths: string[],
  curateAt: number,
  curate: () => Promise<unknown>,
  failAt?: number,
): Promise<KgxImportReport | undefined> {
  let batches = 0;
  const running = importKgx(db, paths, {
    ...opts,
    batchSize: 1,
    onBatch: async (info) => {
      if (info.phase !== "edges") return;
      batches += 1;
      if (batches === curateAt) await curate();
      if (batches === failAt) throw new Error("injected failure");
    },
  });
  if (failAt === undefined) return running;
  const error = await running.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((error as Error).message).toBe("injected failure");
  return undefined;
}

/** A curator writes claim `id`, stated in the article, that `from` raises `to` (its one link, about `from`). */
const curateRaises = (id: string, from: string, to: string) =>
  importBundle(
    db,
    {
      entities: [],
      sources: [],
      studies: [],
      claims: [
        {
          id,
          statement: `Test: ${from} is said to raise ${to}.`,
          about: [from],
          links: [{ from, predicate: "INCREASES", to }],
          statedIn: [{ source: "source:mg-glycinate-gut-brain", locator: "test" }],
          evidence: [],
        },
      ],
    },
    { actor: "curator" },
  );

async function refused(paths: string[]): Promise<KgxImportReport> {
  const error = await importKgx(db, paths, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KgxRefused);
  return (error as KgxRefused).report;
}

async function rows(cypher: string, params: Record<string, unknown> = {}) {
  return (await db.read(cypher, params)).records.map((r) => toPlain(r.toObject()) as Record<string, unknown>);
}

/**
 * `rows` of a query returning a link's properties as `kg`, with `kg` replaced by the KG lists
 * named in `lists` (alias → list): each the union over the link's KG parts (kg-parts.ts keeps
 * them as JSON), null where none lists anything, as a property never written reads.
 */
async function rowsWithKgLists(cypher: string, lists: Record<string, KgList>, params: Record<string, unknown> = {}) {
  return (await rows(cypher, params)).map(({ kg, ...row }) => ({
    ...row,
    ...Object.fromEntries(
      Object.entries(lists).map(([alias, key]) => {
        const union = kg ? kgUnion(kg as Record<string, unknown>, key) : [];
        return [alias, union.length ? union : null];
      }),
    ),
  }));
}

/** The graph without what differs between two imports of the same content (import ids, times). */
async function normalSnapshot() {
  return (await graphSnapshot(db))
    .replace(/"(importId|createdAt|updatedAt|startedAt|finishedAt)":"[^"]*"/g, "")
    .replace(/"files":\[[^\]]*\]|"id":"kgx-[0-9a-f]+"/g, "");
}

describe("KGX import from files written after the specification's examples", { timeout: 600_000 }, () => {
  beforeEach(() => clearGraph(db));

  it("maps categories, predicates, qualifiers, negation, provenance and publications", async () => {
    const report = await importKgx(db, TSV, opts);
    expect(report.status).toBe("published");
    expect(report.rows).toEqual({ nodes: 5, edges: 6 });
    expect(report.entities).toEqual({ created: 5, updated: 0, unchanged: 0 });
    expect(report.links.created).toBe(5);
    expect(report.negatedLinks.created).toBe(1);
    expect(report.workRecords.created).toBe(3);
    expect(report.problems.map((p) => `${p.code} ${p.line} ${p.column}`).sort()).toEqual([
      "UNKNOWN_CATEGORY 2 category",
      "UNKNOWN_PREDICATE 5 predicate",
    ]);

    const entities = await rows(
      "MATCH (e:Entity) RETURN e.id AS id, e.kind AS kind, e.categories AS categories, e.synonyms AS synonyms ORDER BY id",
    );
    expect(entities).toContainEqual({
      id: "CHEBI:15365",
      kind: "SMALL_MOLECULE",
      categories: ["biolink:SmallMolecule", "biolink:MolecularEntity", "biolink:ChemicalEntity", "biolink:NamedThing"],
      synonyms: ["paracetamol", "APAP"],
    });
    // An unknown category keeps its CURIE, in the generic kind.
    expect(entities).toContainEqual({ id: "HGNC:11603", kind: "NAMED_THING", categories: ["biolink:Gene"], synonyms: [] });

    const links = await rowsWithKgLists(
      `MATCH (a)-[l:LINK]->(b) RETURN l.id AS id, l.predicate AS predicate, l.biolinkPredicate AS biolink,
         l.objectDirectionQualifier AS direction, l.objectAspectQualifier AS aspect, l.qualifiedPredicate AS qp,
         properties(l) AS kg, l.studyIds AS studies, l.kgSources AS sources,
         l.score AS score, l.level AS level, l.certainty AS certainty ORDER BY id`,
      {
        primary: "primaryKnowledgeSources",
        aggregators: "aggregatorKnowledgeSources",
        levels: "knowledgeLevels",
        agents: "agentTypes",
        publications: "publications",
      },
    );
    expect(links.find((l) => l.id === "link:CHEBI:15365:INCREASES:GO:0006915")).toMatchObject({
      biolink: "biolink:affects",
      direction: "increased",
      aspect: "activity_or_abundance",
      qp: "biolink:causes",
      primary: ["infores:monarchinitiative"],
      aggregators: ["infores:biolink-api"],
      levels: ["knowledge_assertion"],
      agents: ["manual_agent"],
      publications: ["PMID:12345678"],
      studies: ["study:pmid-12345678"],
      sources: ["source:kgx-example-kg"],
      // One publication of unknown design in the KG's voice (evidence rule, step 8).
      score: 0.1,
      level: "MECHANISTIC_OR_OPINION",
      certainty: "ASSERTED",
    });
    expect(links.find((l) => l.id === "link:CHEBI:15365:DECREASES:EXAMPLEKG:dysbiosis")).toMatchObject({
      score: 0,
      level: "NONE_CITED",
    });
    expect(links.find((l) => l.id === "link:HGNC:11603:CONTRIBUTES_TO:MONDO:0005002")).toMatchObject({
      score: 0.19,
      certainty: "HEDGED",
    });
    // A predicate we do not model is kept with its CURIE.
    expect(links.find((l) => l.id === "link:HGNC:11603:RELATED_TO:CHEBI:15365|biolink:physically_interacts_with")).toMatchObject({
      predicate: "RELATED_TO",
      biolink: "biolink:physically_interacts_with",
      certainty: "ASSOCIATIONAL",
    });
    // negated: true is never the positive statement.
    expect(links.some((l) => String(l.id).includes(":TREATS:"))).toBe(false);
    const negated = await rows("MATCH (a)-[n:NEGATED_LINK]->(b) RETURN a.id AS from, n.predicate AS predicate, b.id AS to");
    expect(negated).toEqual([{ from: "CHEBI:15365", predicate: "TREATS", to: "MONDO:0005002" }]);

    const works = await rows("MATCH (s:Study) RETURN s.id AS id, s.identifiers AS identifiers, s.design AS design ORDER BY id");
    expect(works).toContainEqual({ id: "study:pmid-26634245", identifiers: ["PMID:26634245"], design: "UNKNOWN" });
    await expectStrongestLinksConsistent(db);

    // Who wrote an imported link, and when: its import's record (the link keeps no audit strings
    // of its own), and no empty list is stored (readers take a missing list as empty).
    const written = await rows(
      `MATCH ()-[l:LINK]->() MATCH (i:KgxImport {id: l.importId})
       RETURN l.id AS id, l.createdAt AS createdAt, [k IN keys(l) WHERE l[k] = []] AS emptyLists,
         i.actor AS actor, i.status AS status, i.startedAt IS NOT NULL AS started ORDER BY id`,
    );
    expect(written).toHaveLength(5);
    for (const link of written) {
      expect(link).toMatchObject({ createdAt: null, emptyLists: [], actor: opts.actor, status: "published", started: true });
    }
  });

  it("reads a link written before KG parts were JSON (its lists as properties) as it was, and rewrites it on the KG's next release", async () => {
    await importKgx(db, TSV, opts);
    const ID = "link:CHEBI:15365:INCREASES:GO:0006915";
    const query = `{ entity(id: "CHEBI:15365") { outgoing(first: 20) { id evidence { score level } statedBy { source { id }
        biolinkPredicate qualifiers primaryKnowledgeSources aggregatorKnowledgeSources knowledgeLevels agentTypes publications
        studies { id } edgeIds } } } }`;
    const server = testServer(db);
    const read = async () => {
      const r = await gql(server, query);
      expect(r.errors).toBeUndefined();
      return r.data;
    };
    const asImported = await read();
    expect(JSON.stringify(asImported)).toContain('"primaryKnowledgeSources":["infores:monarchinitiative"]');
    const exported = async () => {
      const response = await server.fetch("http://localhost/export/graph?format=kgx-edges-tsv");
      expect(response.status).toBe(200);
      return response.text();
    };
    const exportedAsImported = await exported();
    expect(exportedAsImported).toContain("infores:monarchinitiative");
    // The same link as a store written before kept it: the part's lists as properties, no JSON.
    const [stored] = await rows(`MATCH ()-[l:LINK {id: $id}]->() RETURN properties(l) AS props`, { id: ID });
    const [part] = contributionsOf(stored?.props as Record<string, unknown>);
    await db.write((tx) =>
      tx.run("MATCH ()-[l:LINK {id: $id}]->() SET l += $lists, l.kgContributions = null", { id: ID, lists: part?.lists }),
    );
    expect(
      await rows("MATCH ()-[l:LINK {id: $id}]->() RETURN l.kgContributions AS json, l.kgxEdgeIds AS edges", { id: ID }),
    ).toEqual([{ json: null, edges: ["c7d632b4-6708-4296-9cfe-44bc586d32c8"] }]);
    expect(await read()).toEqual(asImported);
    expect(await exported()).toBe(exportedAsImported);
    // A release of the KG rewrites it as JSON: the lists of its own are gone, nothing else moved.
    await importKgx(db, TSV, { ...opts, replace: true });
    expect(
      await rows("MATCH ()-[l:LINK {id: $id}]->() RETURN size(l.kgContributions) AS parts, l.kgxEdgeIds AS edges", { id: ID }),
    ).toEqual([{ parts: 1, edges: null }]);
    expect(await read()).toEqual(asImported);
    expect(await exported()).toBe(exportedAsImported);
  });

  it("reads JSON Lines (a directory) to the same graph as TSV, and a re-import changes nothing", async () => {
    await importKgx(db, TSV, opts);
    const fromTsv = await normalSnapshot();
    await clearGraph(db);
    const first = await importKgx(db, JSONL, opts);
    expect(first.status).toBe("published");
    expect(await normalSnapshot()).toBe(fromTsv);

    const before = await graphSnapshot(db);
    const again = await importKgx(db, JSONL, opts);
    expect(again.status).toBe("unchanged");
    expect(again.importId).toBe(first.importId);
    expect(again.entities).toEqual({ created: 0, updated: 0, unchanged: 5 });
    expect(again.links).toEqual({ created: 0, updated: 0, unchanged: 5 });
    expect(await graphSnapshot(db)).toBe(before);
  });

  it("a dry run reports what would be created and writes nothing", async () => {
    const before = await graphSnapshot(db);
    const report = await importKgx(db, TSV, { ...opts, dryRun: true });
    expect(report.status).toBe("dry-run");
    expect(report.entities.created).toBe(5);
    expect(report.links.created).toBe(5);
    expect(await graphSnapshot(db)).toBe(before);
  });
});

describe("a knowledge graph's name, when none is given", { timeout: 600_000 }, () => {
  beforeEach(() => clearGraph(db));

  it("comes from its files, so two KGs' bare nodes.tsv in two directories are two sources", async () => {
    expect(defaultKgName("/data/monarch-kg_nodes.tsv.gz")).toBe("monarch-kg");
    expect(defaultKgName("/data/rtx-kg2.tar.gz")).toBe("rtx-kg2");
    expect(defaultKgName("/data/kg-hub/")).toBe("kg-hub");
    expect(defaultKgName("/data/robokop/nodes.jsonl")).toBe("robokop");
    const kg = (dir: string, edge: string) => {
      const at = path.join(writeKgx("named", {}), dir);
      fs.mkdirSync(at);
      fs.writeFileSync(path.join(at, "nodes.tsv"), "id\tcategory\tname\nKGN:a\tbiolink:Gene\ta\nKGN:b\tbiolink:Gene\tb\n");
      fs.writeFileSync(path.join(at, "edges.tsv"), `id\tsubject\tpredicate\tobject\n${edge}\tKGN:a\tbiolink:related_to\tKGN:b\n`);
      return [path.join(at, "nodes.tsv"), path.join(at, "edges.tsv")];
    };
    const { name: _name, ...unnamed } = opts;
    const first = await importKgx(db, kg("first-kg", "e1"), unnamed);
    const second = await importKgx(db, kg("second-kg", "e2"), unnamed);
    expect([first.source, second.source]).toEqual(["source:kgx-first-kg", "source:kgx-second-kg"]);
    expect(await rows("MATCH ()-[l:LINK]->() RETURN l.kgSources AS kgSources")).toEqual([
      { kgSources: ["source:kgx-first-kg", "source:kgx-second-kg"] },
    ]);
  });
});

describe("KGX validation: located errors, nothing written", { timeout: 600_000 }, () => {
  beforeEach(() => clearGraph(db));

  it.each([
    [["malformed_nodes.tsv"], ["MALFORMED_CURIE 3 id", "MALFORMED_CURIE 4 category"]],
    [["duplicate_nodes.tsv"], ["DUPLICATE_ID 4 id"]],
    [["ok_nodes.tsv", "missing-column_edges.tsv"], ["MISSING_COLUMN 1 predicate"]],
    [["ok_nodes.tsv", "unknown-node_edges.tsv"], ["UNKNOWN_NODE 3 object"]],
    [["ok_nodes.tsv", "short-row_edges.tsv"], ["BAD_ROW 2 undefined"]],
    [
      ["ok_nodes.tsv", "bad-json_edges.jsonl"],
      ["BAD_JSON 2 undefined", "BAD_VALUE 3 negated", "MISSING_COLUMN 4 predicate"],
    ],
  ])("%s", async (files, expected) => {
    const before = await graphSnapshot(db);
    const report = await refused(broken(...files));
    const errors = report.problems.filter((p) => p.severity === "error");
    expect(errors.map((p) => `${p.code} ${p.line} ${p.column}`)).toEqual(expected);
    for (const p of errors) expect(p.file).toContain(path.join("broken", ""));
    expect(await graphSnapshot(db)).toBe(before);
  });
});

describe("KGX import safety", { timeout: 600_000 }, () => {
  beforeEach(() => seedArticle(db));

  it("a failure half way leaves the graph exactly as it was (merged curated entity restored)", async () => {
    const before = await graphSnapshot(db);
    await importFailingAt(TSV, { batchSize: 2 }, "edges", 2);
    expect(await graphSnapshot(db)).toBe(before);
  });

  it("a link between new entities, stated again by a later batch, is looked up and written once", async () => {
    const HEADER = "id\tsubject\tpredicate\tobject\tnegated\tobject_direction_qualifier\tpublications";
    const files = writeKgx("twice", {
      "nodes.tsv": [
        "id\tcategory\tname",
        "KGT:a\tbiolink:SmallMolecule\ta",
        "KGT:b\tbiolink:Disease\tb",
        "KGT:c\tbiolink:Disease\tc",
      ],
      "edges.tsv": [
        HEADER,
        "t1\tKGT:a\tbiolink:affects\tKGT:b\t\tincreased\tPMID:1",
        "t2\tKGT:a\tbiolink:treats\tKGT:c\ttrue\t\t",
        "t3\tKGT:b\tbiolink:related_to\tKGT:c\t\t\t",
        "t4\tKGT:a\tbiolink:affects\tKGT:b\t\tincreased\tPMID:2",
        "t5\tKGT:a\tbiolink:treats\tKGT:c\ttrue\t\t",
      ],
    });
    // One edge a batch: t4 and t5 state what t1 and t2 did, three batches later.
    const report = await importKgx(db, [files], { ...opts, batchSize: 1 });
    // Each link counted once, as created.
    expect(report.links).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(report.negatedLinks).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(
      await rowsWithKgLists(
        `MATCH (a:Entity)-[l:LINK|NEGATED_LINK]->(b:Entity) WHERE a.id STARTS WITH 'KGT:'
         RETURN type(l) AS type, a.id AS from, b.id AS to, properties(l) AS kg ORDER BY type, from, to`,
        { edges: "kgxEdgeIds" },
      ),
    ).toEqual([
      { type: "LINK", from: "KGT:a", to: "KGT:b", edges: ["t1", "t4"] },
      { type: "LINK", from: "KGT:b", to: "KGT:c", edges: ["t3"] },
      { type: "NEGATED_LINK", from: "KGT:a", to: "KGT:c", edges: ["t2"] },
    ]);
  });

  it("a failure after two batches changed the same records restores them as they were first", async () => {
    const EDGE_HEADER = "id\tsubject\tpredicate\tobject\tobject_direction_qualifier\tprimary_knowledge_source\tpublications";
    const first = writeKgx("first", {
      "nodes.tsv": ["id\tcategory\tname", "KGA:a\tbiolink:SmallMolecule\ta", "KGA:b\tbiolink:Disease\tb"],
      "edges.tsv": [EDGE_HEADER, "x0\tKGA:a\tbiolink:affects\tKGA:b\tincreased\tinfores:zero\tPMID:100"],
    });
    expect((await importKgx(db, [first], opts)).links.created).toBe(1);
    // Two nodes name the curated dysbiosis by its MeSH xref, two edges state the link the first
    // import wrote: with one row a batch, each of the two is changed by two batches.
    const second = writeKgx("second", {
      "nodes.tsv": [
        "id\tcategory\tname\txref",
        "KGA:dys1\tbiolink:PhenotypicFeature\tdysbiosis one\tMESH:D064806",
        "KGA:dys2\tbiolink:PhenotypicFeature\tdysbiosis two\tMESH:D064806",
      ],
      "edges.tsv": [
        EDGE_HEADER,
        "x1\tKGA:a\tbiolink:affects\tKGA:b\tincreased\tinfores:one\tPMID:111",
        "x2\tKGA:a\tbiolink:affects\tKGA:b\tincreased\tinfores:two\tPMID:222",
        "x3\tKGA:dys1\tbiolink:affects\tKGA:b\tincreased\tinfores:one\t",
      ],
    });
    const before = await graphSnapshot(db);
    await importFailingAt([second], { batchSize: 1 }, "edges", 2);
    expect(await graphSnapshot(db)).toBe(before);
    // Run to the end: both records were changed twice by the one import (each counted once).
    const report = await importKgx(db, [second], { ...opts, batchSize: 1 });
    expect(report.links).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect(report.mergedByXref).toBe(2);
    expect(await rows("MATCH (e:Entity {id: 'dysbiosis'}) RETURN e.xrefs AS xrefs")).toEqual([
      { xrefs: ["MESH:D064806", "KGA:dys1", "KGA:dys2"] },
    ]);
    expect(
      await rowsWithKgLists("MATCH ()-[l:LINK {id: 'link:KGA:a:INCREASES:KGA:b'}]->() RETURN properties(l) AS kg", {
        pks: "primaryKnowledgeSources",
      }),
    ).toEqual([{ pks: ["infores:zero", "infores:one", "infores:two"] }]);
  });

  it("the same files again after the graph moved: what differs is written as a run of its own, which alone a failure takes back", async () => {
    const first = await importKgx(db, TSV, opts);
    const gone = "link:HGNC:11603:CONTRIBUTES_TO:MONDO:0005002";
    const linkProps = () => rows("MATCH ()-[l:LINK {id: $gone}]->() RETURN properties(l) AS p", { gone });
    const original = (await linkProps())[0]?.p;
    const linkIds = () => rows("MATCH ()-[l:LINK]->() WHERE l.importId IS NOT NULL RETURN l.id AS id ORDER BY id");
    const ids = await linkIds();
    expect(ids).toContainEqual({ id: gone });
    // The graph moves: someone deletes one of the imported links (and its shortcuts follow).
    await db.write((tx) => tx.run("MATCH ()-[l:LINK {id: $gone}]->() DELETE l", { gone }));
    await refreshShortcutsInBatches(db, ["HGNC:11603", "MONDO:0005002"]);
    const moved = await graphSnapshot(db);
    // Three edge batches find what differs (nothing written), the fourth is the write's first.
    await importFailingAt(TSV, { batchSize: 2 }, "edges", 4);
    // The first import's records, links and Source are all still there.
    expect(await graphSnapshot(db)).toBe(moved);
    const again = await importKgx(db, TSV, opts);
    expect(again).toMatchObject({ status: "published", importId: first.importId });
    expect(again.links).toEqual({ created: 1, updated: 0, unchanged: 4 });
    expect(await linkIds()).toEqual(ids);
    // Then the same files are unchanged, and the graph is the first import's but for the run's record.
    expect((await importKgx(db, TSV, opts)).status).toBe("unchanged");
    const runs = await rows("MATCH (i:KgxImport) RETURN i.id AS id, i.status AS status ORDER BY id");
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.status === "published" && String(r.id).startsWith(first.importId))).toBe(true);
    // The link the run wrote again is the first import's, but for the id of the run that wrote it.
    const recreated = (await linkProps())[0]?.p as Record<string, unknown>;
    expect(recreated.importId).toBe(runs.find((r) => r.id !== first.importId)?.id);
    expect({ ...recreated, importId: first.importId }).toEqual(original);
  });

  it("a batch's two transactions (work records, links) fail together only once both are over", async () => {
    // Taking an import back while the other transaction still writes would leave its records.
    let finished = false;
    let release!: () => void;
    const slow = new Promise<string>((resolve) => {
      release = () => {
        finished = true;
        resolve("links");
      };
    });
    const both = bothSettled(Promise.reject(new Error("work records failed")), slow);
    let settled = false;
    both
      .catch(() => {})
      .finally(() => {
        settled = true;
      });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // the failure waits for the links' transaction
    release();
    await expect(both).rejects.toThrow("work records failed");
    expect(finished).toBe(true);
  });

  it("an import whose process died is taken back by the next run, which then finishes", async () => {
    const before = await graphSnapshot(db);
    let batches = 0;
    // The first run stops for good after its second edge batch, then its connections drop, as a
    // killed process's would (which also frees the import lock its open transaction held).
    const dying = testDatabase();
    void importKgx(dying, TSV, {
      ...opts,
      batchSize: 2,
      onBatch: ({ phase }) => (phase === "edges" && ++batches === 2 ? new Promise<void>(() => {}) : undefined),
    });
    await expect.poll(() => batches, { timeout: 300_000 }).toBe(2);
    expect(await graphSnapshot(db)).not.toBe(before);
    await dying.close();
    const report = await importKgx(db, TSV, opts);
    expect(report.cleanedUp).toHaveLength(1);
    expect(report.status).toBe("published");
    expect(report.links.created).toBe(5);
    await expectStrongestLinksConsistent(db);
  });

  it("two imports at once do not interleave: the second gives up with IMPORT_IN_PROGRESS, writing nothing", async () => {
    let reachedBatch!: () => void;
    const inBatch = new Promise<void>((resolve) => {
      reachedBatch = resolve;
    });
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => {
      resume = resolve;
    });
    // The first import holds the lock, paused after its first node batch.
    const first = importKgx(db, TSV, {
      ...opts,
      batchSize: 2,
      onBatch: ({ phase, rows }) => {
        if (phase !== "nodes" || rows !== 2) return;
        reachedBatch();
        return resumed;
      },
    });
    await inBatch;
    const during = await graphSnapshot(db);
    const error = await importKgx(db, JSONL, { ...opts, lockWaitMs: 500 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportInProgress);
    expect((error as ImportInProgress).code).toBe("IMPORT_IN_PROGRESS");
    // It neither wrote nor took the running import back for a crashed one.
    expect(await graphSnapshot(db)).toBe(during);
    resume();
    expect((await first).status).toBe("published");
    expect((await importKgx(db, JSONL, opts)).cleanedUp).toEqual([]);
    await expectStrongestLinksConsistent(db);
  });

  it("merges an imported node into the curated entity sharing its xref; chains run through both", async () => {
    const report = await importKgx(db, TSV, opts);
    expect(report.mergedByXref).toBe(1);
    const dysbiosis = await rows("MATCH (e:Entity {id: 'dysbiosis'}) RETURN e.xrefs AS xrefs, e.kind AS kind");
    expect(dysbiosis).toEqual([{ xrefs: ["MESH:D064806", "EXAMPLEKG:dysbiosis"], kind: "PHENOTYPE" }]);
    expect(await rows("MATCH (e:Entity {id: 'EXAMPLEKG:dysbiosis'}) RETURN e.id AS id")).toEqual([]);
    await expectStrongestLinksConsistent(db);

    const server = testServer(db);
    const r = await gql(
      server,
      `{ mechanismChains(from: "CHEBI:15365", to: "mood-disorders", maxHops: 3, first: 5) {
          hops nodes { id } links { id predicate claims { id } statedBy { source { id } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.mechanismChains[0].nodes.map((n: { id: string }) => n.id)).toEqual([
      "CHEBI:15365",
      "dysbiosis",
      "mood-disorders",
    ]);
    // Who says so, link by link: the KG for the imported link, the article's claims for the curated one.
    const [imported, curatedLink] = r.data.mechanismChains[0].links;
    expect(imported).toMatchObject({ claims: [], statedBy: [{ source: { id: "source:kgx-example-kg" } }] });
    expect(curatedLink.claims.length).toBeGreaterThan(0);
    expect(curatedLink.statedBy).toEqual([]);
    const found = await gql(server, `{ search(query: "paracetamol", first: 5) { type label } }`);
    expect(found.errors).toBeUndefined();
    expect(found.data.search[0]).toMatchObject({ label: "acetaminophen" });
    const around = await gql(server, `{ neighborhood(id: "dysbiosis", hops: 1, first: 50) { nodes { id } } }`);
    expect(around.errors).toBeUndefined();
    expect(around.data.neighborhood.nodes.map((n: { id: string }) => n.id)).toEqual(
      expect.arrayContaining(["CHEBI:15365", "mood-disorders"]),
    );
    const ev = await gql(
      server,
      `{ entity(id: "HGNC:11603") { outgoing(first: 5) { predicate to { id } evidence { level score } } } }`,
    );
    expect(ev.errors).toBeUndefined();
    expect(ev.data.entity.outgoing).toContainEqual({
      predicate: "CONTRIBUTES_TO",
      to: { id: "MONDO:0005002" },
      evidence: { level: "MECHANISTIC_OR_OPINION", score: 0.19 },
    });
    const s = await gql(
      server,
      `{ entity(id: "CHEBI:15365") { id name kind namedBy { id } describedBy { id } outgoing(first: 5) { to { describedBy { id } } } } }`,
    );
    expect(s.errors).toBeUndefined();
    expect(s.data.entity).toMatchObject({
      id: "CHEBI:15365",
      name: "acetaminophen",
      kind: "SMALL_MOLECULE",
      namedBy: [{ id: "source:kgx-example-kg" }],
      describedBy: { id: "source:kgx-example-kg" },
    });
    // Nested: the imported apoptosis is the KG's, the curated dysbiosis (merged by xref) its curators'.
    const ends = s.data.entity.outgoing.map((l: { to: { describedBy: { id: string } | null } }) => l.to.describedBy?.id ?? null);
    expect(ends).toEqual(expect.arrayContaining(["source:kgx-example-kg", null]));
    // The curated entity the KG's node merged into is described by its curators; its curated links
    // are stated by no KG.
    const curated = await gql(
      server,
      `{ entity(id: "dysbiosis") { namedBy { id } describedBy { id } outgoing(first: 20) { claims { id } statedBy { source { id } } } } }`,
    );
    expect(curated.errors).toBeUndefined();
    expect(curated.data.entity).toMatchObject({ namedBy: [], describedBy: null });
    const asserted = curated.data.entity.outgoing.filter((l: { claims: unknown[] }) => l.claims.length > 0);
    expect(asserted.length).toBeGreaterThan(0);
    for (const link of asserted) expect(link.statedBy).toEqual([]);
  });
});

describe("a link both a curated claim and an imported KG state", { timeout: 600_000 }, () => {
  beforeEach(() => seedArticle(db));

  it("outlives the claim: when no claim asserts it any more, it keeps the KG's statement and evidence", async () => {
    await importKgx(db, TSV, opts);
    // The KG states acetaminophen raises apoptosis, citing one publication; another KG denies it,
    // citing another (evidence rule step 9: it counts against the link while no claim asserts it).
    const nodes = fs.readFileSync(TSV[0] as string, "utf8").split("\n");
    const denier = writeKgx("denier", {
      "nodes.tsv": nodes.filter((line) => /^(id|CHEBI:15365|GO:0006915)\t/.test(line)),
      "edges.tsv": [
        "id\tsubject\tpredicate\tobject\tnegated\tobject_aspect_qualifier\tobject_direction_qualifier\tpublications",
        "d1\tCHEBI:15365\tbiolink:affects\tGO:0006915\ttrue\tactivity_or_abundance\tincreased\tPMID:7",
      ],
    });
    await importKgx(db, [denier], { ...opts, name: "denier" });
    const { id, predicate } = (
      await rows(
        "MATCH (:Entity {id: 'CHEBI:15365'})-[l:LINK]->(:Entity {id: 'GO:0006915'}) RETURN l.id AS id, l.predicate AS predicate",
      )
    )[0] as { id: string; predicate: string };
    const linkRow = () =>
      rowsWithKgLists(
        `MATCH ()-[l:LINK {id: $id}]->() RETURN l.claimIds AS claimIds, l.kgSources AS kgSources, properties(l) AS kg,
           [l.level, l.supporting, l.score, l.certainty] AS evidence`,
        { publications: "publications" },
        { id },
      );
    const [imported] = await linkRow();
    expect(imported).toMatchObject({ claimIds: null, kgSources: ["source:kgx-example-kg"], publications: ["PMID:12345678"] });
    expect(imported?.evidence).toEqual(["MECHANISTIC_OR_OPINION", 1, 0.09, "ASSERTED"]);
    const claim = (links: Array<{ from: string; predicate: string; to: string }>, claimId = "claim:kg-overlap") => ({
      entities: [],
      sources: [],
      studies: [],
      claims: [
        {
          id: claimId,
          statement: "Acetaminophen is said to bring on apoptosis.",
          about: ["CHEBI:15365"],
          links,
          statedIn: [{ source: "source:mg-glycinate-gut-brain", locator: "test" }],
          qualifiers: { certainty: "HEDGED" },
          evidence: [],
        },
      ],
    });
    await importBundle(db, claim([{ from: "CHEBI:15365", predicate, to: "GO:0006915" }]), { actor: "test" });
    // Asserted by a claim, the link carries the claim's evidence (none cited), not the KG's.
    const [claimed] = await linkRow();
    expect(claimed).toMatchObject({ claimIds: ["claim:kg-overlap"], kgSources: ["source:kgx-example-kg"] });
    expect(claimed?.evidence).not.toEqual(imported?.evidence);
    // The claim now asserts another link: the KG still states this one, and its evidence is back.
    await importBundle(db, claim([{ from: "dysbiosis", predicate: "CONTRIBUTES_TO", to: "mood-disorders" }]), { actor: "test" });
    expect(await linkRow()).toEqual([imported]);
    await expectStrongestLinksConsistent(db);
    // A link only claims assert still goes with its last claim.
    const other = "link:dysbiosis:CONTRIBUTES_TO:mood-disorders";
    await importBundle(db, claim([]), { actor: "test" });
    expect(await rows("MATCH ()-[l:LINK {id: $other}]->() RETURN l.claimIds AS c", { other })).toEqual([
      { c: ["claim:dysbiosis-contributes-mood-disorders"] },
    ]);
    const lonely = "link:CHEBI:15365:INCREASES:dysbiosis";
    const lonelyLink = () => rows("MATCH ()-[l:LINK {id: $lonely}]->() RETURN l.id AS id", { lonely });
    await importBundle(db, claim([{ from: "CHEBI:15365", predicate: "INCREASES", to: "dysbiosis" }], "claim:lonely"), {
      actor: "test",
    });
    expect(await lonelyLink()).toEqual([{ id: lonely }]);
    await importBundle(db, claim([], "claim:lonely"), { actor: "test" });
    expect(await lonelyLink()).toEqual([]);
  });
});

describe("curated work beside an import", { timeout: 600_000 }, () => {
  beforeEach(() => seedArticle(db));

  it("an imported entity a curator writes is the curator's: a later release of its KG leaves it", async () => {
    const release = (name: string) =>
      writeKgx("adopted", {
        "nodes.tsv": [
          "id\tcategory\tname\tdescription",
          `KGC:x\tbiolink:SmallMolecule\t${name}\tfrom the KG`,
          "KGC:y\tbiolink:SmallMolecule\ty\t",
        ],
        "edges.tsv": ["id\tsubject\tpredicate\tobject", "x1\tKGC:x\tbiolink:related_to\tKGC:y"],
      });
    await importKgx(db, [release("x one")], opts);
    const curated = { id: "KGC:x", name: "X, as a curator names it", kind: "SMALL_MOLECULE" };
    const report = await importBundle(db, { entities: [curated], sources: [], studies: [], claims: [] }, { actor: "curator" });
    expect(report.updated.entities).toBe(1);
    const entity = () => rows("MATCH (e:Entity {id: 'KGC:x'}) RETURN e.name AS name, e.kgxHash AS hash, e.updatedBy AS by");
    expect(await entity()).toEqual([{ name: curated.name, hash: null, by: "curator" }]);
    // Who says what it is: its curators now, no longer the KG.
    const who = await gql(testServer(db), `{ entity(id: "KGC:x") { namedBy { id } describedBy { id } } }`);
    expect(who.data.entity).toEqual({ namedBy: [], describedBy: null });
    // The KG's next release names it otherwise: the curator's name stays (the other node changes).
    const next = await importKgx(db, [release("x two")], opts);
    expect(next.entities).toMatchObject({ updated: 0 });
    expect(await entity()).toEqual([{ name: curated.name, hash: null, by: "curator" }]);
    // Written again as it is, the curated entity is unchanged.
    const again = await importBundle(db, { entities: [curated], sources: [], studies: [], claims: [] }, { actor: "curator" });
    expect(again.unchanged.entities).toBe(1);
  });

  it("a curator's edit, made while an import that changed the entity runs, outlives the import's failure", async () => {
    // The KG's node merges into the curated dysbiosis by its MeSH xref (the import adds its id to
    // the xrefs); while its edges are written, a curator rewrites dysbiosis; then the import fails.
    const kg = writeKgx("edited", {
      "nodes.tsv": [
        "id\tcategory\tname\txref",
        "KGD:dys\tbiolink:PhenotypicFeature\tDysbiosis\tMESH:D064806",
        "KGD:m\tbiolink:SmallMolecule\tm\t",
      ],
      "edges.tsv": [
        "id\tsubject\tpredicate\tobject",
        "d1\tKGD:m\tbiolink:related_to\tKGD:dys",
        "d2\tKGD:dys\tbiolink:related_to\tKGD:m",
      ],
    });
    const entity = () => rows("MATCH (e:Entity {id: 'dysbiosis'}) RETURN e.description AS description, e.xrefs AS xrefs");
    const edited = {
      id: "dysbiosis",
      name: "Dysbiosis",
      kind: "PHENOTYPE",
      description: "Test: a curator's new wording, written while an import runs.",
      xrefs: ["MESH:D064806"],
    };
    const curate = async () => {
      expect((await entity())[0]?.xrefs).toEqual(["MESH:D064806", "KGD:dys"]);
      await importBundle(db, { entities: [edited], sources: [], studies: [], claims: [] }, { actor: "curator" });
    };
    await importWhileCurating([kg], 1, curate, 2);
    expect(await entity()).toEqual([{ description: edited.description, xrefs: edited.xrefs }]);
    expect(await rows("MATCH (u:KgxUndo) RETURN count(u) AS n")).toEqual([{ n: 0 }]);
    expect(await rows("MATCH (e:Entity) WHERE e.id STARTS WITH 'KGD:' RETURN e.id AS id")).toEqual([]);
  });

  it("an entity the first, failed import of a KG created, kept for a curator's claim, still says which KG described it", async () => {
    const kg = writeKgx("first-fails", {
      "nodes.tsv": [
        "id\tcategory\tname\tdescription",
        "KGF:a\tbiolink:SmallMolecule\ta\tThe KG's own wording.",
        "KGF:b\tbiolink:Disease\tb\t",
      ],
      "edges.tsv": [
        "id\tsubject\tpredicate\tobject\tobject_direction_qualifier",
        "f1\tKGF:a\tbiolink:affects\tKGF:b\tincreased",
        "f2\tKGF:b\tbiolink:affects\tKGF:a\tdecreased",
      ],
    });
    await importWhileCurating([kg], 1, () => curateRaises("claim:about-kgf", "KGF:a", "KGF:b"), 2);
    // The import is gone, its Source is not: the entities the claim keeps hold the KG's words.
    expect(await rows("MATCH (i:KgxImport) RETURN i.id AS id")).toEqual([]);
    expect(await rows("MATCH (s:Source {id: 'source:kgx-example-kg'}) RETURN s.importId AS importId")).toEqual([
      { importId: null },
    ]);
    const r = await gql(
      testServer(db),
      `{ entity(id: "KGF:a") { description namedBy { id } describedBy { id } outgoing { id claims { id } statedBy { source { id } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.entity).toEqual({
      description: "The KG's own wording.",
      namedBy: [{ id: "source:kgx-example-kg" }],
      describedBy: { id: "source:kgx-example-kg" },
      // The link is the claim's alone: the failed import's statement of it was taken back.
      outgoing: [{ id: "link:KGF:a:INCREASES:KGF:b", claims: [{ id: "claim:about-kgf" }], statedBy: [] }],
    });
    // The import, run again, goes through; its Source is the one kept.
    expect((await importKgx(db, [kg], opts)).status).toBe("published");
    expect(await rows("MATCH (s:Source {id: 'source:kgx-example-kg'}) RETURN count(s) AS n")).toEqual([{ n: 1 }]);
  });

  it("a claim's link between entities the import created, written while it runs, is the import's link too", async () => {
    // The import creates c and d; before its batch stating c→d, a curator asserts c→d. The import
    // took c→d for new (an end is new), so its CREATE meets the curator's link: the batch is
    // written again, looking its links up, and the KG's statement joins the claim's link.
    const kg = writeKgx("collide", {
      "nodes.tsv": ["id\tcategory\tname", "KGK:c\tbiolink:Gene\tc", "KGK:d\tbiolink:Gene\td", "KGK:e\tbiolink:Gene\te"],
      "edges.tsv": [
        "id\tsubject\tpredicate\tobject\tobject_direction_qualifier\tpublications",
        "k1\tKGK:e\tbiolink:affects\tKGK:d\tincreased\t",
        "k2\tKGK:c\tbiolink:affects\tKGK:d\tincreased\tPMID:333",
      ],
    });
    const report = await importWhileCurating([kg], 1, () => curateRaises("claim:collide", "KGK:c", "KGK:d"));
    expect(report?.status).toBe("published");
    expect(report?.links).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect(
      await rowsWithKgLists(
        `MATCH ()-[l:LINK {id: 'link:KGK:c:INCREASES:KGK:d'}]->() RETURN l.claimIds AS claimIds, l.kgSources AS kgSources,
           properties(l) AS kg, l.createdBy AS createdBy`,
        { publications: "publications" },
      ),
    ).toEqual([
      { claimIds: ["claim:collide"], kgSources: ["source:kgx-example-kg"], publications: ["PMID:333"], createdBy: "curator" },
    ]);
    await expectStrongestLinksConsistent(db);
  });

  it("is never taken back with the import when it fails", async () => {
    const HEADER = "id\tsubject\tpredicate\tobject\tobject_direction_qualifier\tprimary_knowledge_source\tpublications";
    const NODES = ["id\tcategory\tname", "KGC:a\tbiolink:SmallMolecule\ta", "KGC:b\tbiolink:Disease\tb"];
    const first = writeKgx("curated-first", {
      "nodes.tsv": NODES,
      "edges.tsv": [HEADER, "c0\tKGC:a\tbiolink:affects\tKGC:b\tincreased\tinfores:zero\tPMID:100"],
    });
    const firstImport = (await importKgx(db, [first], opts)).importId;
    const AB = "link:KGC:a:INCREASES:KGC:b";
    const CD = "link:KGC:c:INCREASES:KGC:d";
    const link = (id: string) =>
      rowsWithKgLists(
        `MATCH ()-[l:LINK {id: $id}]->() RETURN l.claimIds AS claimIds, l.kgSources AS kgSources, properties(l) AS kg,
           l.importId AS importId, l.createdBy AS createdBy`,
        { publications: "publications", pks: "primaryKnowledgeSources" },
        { id },
      );
    const [abBefore] = await link(AB);
    // The failing import extends a->b, creates c, d, c->d and the work record of PMID:222.
    const second = writeKgx("curated-second", {
      "nodes.tsv": [...NODES, "KGC:c\tbiolink:Gene\tc", "KGC:d\tbiolink:Gene\td", "KGC:e\tbiolink:Gene\te"],
      "edges.tsv": [
        HEADER,
        "c1\tKGC:a\tbiolink:affects\tKGC:b\tincreased\tinfores:one\tPMID:111",
        "c2\tKGC:c\tbiolink:affects\tKGC:d\tincreased\tinfores:one\tPMID:222",
        "c3\tKGC:e\tbiolink:affects\tKGC:b\tdecreased\tinfores:one\t",
      ],
    });
    // While it runs, a curator writes a claim about what it created: asserting its new link and
    // the link it extended, about its new entity, citing its new work record.
    const claim = {
      id: "claim:during-import",
      statement: "Test: c is said to raise d, and a to raise b.",
      about: ["KGC:c"],
      links: [
        { from: "KGC:c", predicate: "INCREASES", to: "KGC:d" },
        { from: "KGC:a", predicate: "INCREASES", to: "KGC:b" },
      ],
      statedIn: [{ source: "source:mg-glycinate-gut-brain", locator: "test" }],
      evidence: [{ study: "study:pmid-222", stance: "SUPPORTS" }],
    };
    await importWhileCurating(
      [second],
      2,
      () => importBundle(db, { entities: [], sources: [], studies: [], claims: [claim] }, { actor: "curator" }),
      3,
    );

    // The claim, its links, what it is about and the work it cites are all there.
    expect(
      await rows(
        `MATCH (c:Claim {id: 'claim:during-import'})
         RETURN c.linkIds AS linkIds, [(c)-[:ABOUT]->(e) | e.id] AS about, [(s:Study)-[:SUPPORTS]->(c) | s.id] AS cites`,
      ),
    ).toEqual([{ linkIds: [CD, AB], about: ["KGC:c"], cites: ["study:pmid-222"] }]);
    // The link the import created is the claim's alone, no part of the failed KG statement left.
    expect(await link(CD)).toEqual([
      { claimIds: ["claim:during-import"], kgSources: null, publications: null, pks: null, importId: null, createdBy: "curator" },
    ]);
    // The link it extended is as the first import left it, but for the claim asserting it now.
    expect(await link(AB)).toEqual([{ ...abBefore, claimIds: ["claim:during-import"] }]);
    // Nothing else of the failed import: only the first import's records carry an import id.
    expect(
      await rows(
        `MATCH (n) WHERE n.importId IS NOT NULL RETURN DISTINCT n.importId AS id
         UNION MATCH ()-[l]->() WHERE l.importId IS NOT NULL RETURN DISTINCT l.importId AS id`,
      ),
    ).toEqual([{ id: firstImport }]);
    expect(await rows("MATCH (e:Entity) WHERE e.id STARTS WITH 'KGC:' RETURN e.id AS id ORDER BY id")).toEqual(
      ["KGC:a", "KGC:b", "KGC:c", "KGC:d"].map((id) => ({ id })),
    );
    expect(await rows("MATCH (u:KgxUndo) RETURN count(u) AS n")).toEqual([{ n: 0 }]);
    // The links' cached evidence is the claim's: working it out again changes nothing.
    const again = await db.write((tx) => refreshEvidence(tx, { linkIds: [AB, CD] }));
    expect(again).toEqual({ claims: 0, links: 0 });
    await expectStrongestLinksConsistent(db);
    // The import, run again, goes through and states both links beside the claim.
    await importKgx(db, [second], opts);
    expect((await link(CD))[0]).toMatchObject({ claimIds: ["claim:during-import"], publications: ["PMID:222"] });
  });
});

describe("a new release of a knowledge graph (replace)", { timeout: 600_000 }, () => {
  beforeEach(() => clearGraph(db));
  const HEADER =
    "id\tsubject\tpredicate\tobject\tnegated\tobject_direction_qualifier\tprimary_knowledge_source\tknowledge_level\tpublications";
  const NODES = [
    "id\tcategory\tname",
    "KGR:a\tbiolink:SmallMolecule\ta",
    "KGR:b\tbiolink:Disease\tb",
    "KGR:c\tbiolink:Gene\tc",
    "KGR:d\tbiolink:PhenotypicFeature\td",
  ];
  const edge = (id: string, s: string, p: string, o: string, pubs = "", negated = "", direction = "") =>
    `${id}\t${s}\t${p}\t${o}\t${negated}\t${direction}\tinfores:rel\tknowledge_assertion\t${pubs}`;
  const release1 = () =>
    writeKgx("release1", {
      "nodes.tsv": NODES,
      "edges.tsv": [
        HEADER,
        edge("r1", "KGR:a", "biolink:affects", "KGR:b", "PMID:1|PMID:2", "", "increased"),
        edge("r2", "KGR:a", "biolink:affects", "KGR:c", "PMID:3", "", "increased"),
        edge("r3", "KGR:c", "biolink:treats", "KGR:b", "", "true"),
        edge("r4", "KGR:b", "biolink:related_to", "KGR:d"),
      ],
    });
  // The next release: r1 cites one publication fewer, r2 and r3 are gone, r5 is new.
  const release2 = () =>
    writeKgx("release2", {
      "nodes.tsv": NODES,
      "edges.tsv": [
        HEADER,
        edge("r1", "KGR:a", "biolink:affects", "KGR:b", "PMID:1", "", "increased"),
        edge("r4", "KGR:b", "biolink:related_to", "KGR:d"),
        // a→b again, with another publication: read in a later batch, added to the first's.
        edge("r1b", "KGR:a", "biolink:affects", "KGR:b", "PMID:4", "", "increased"),
        edge("r5", "KGR:a", "biolink:affects", "KGR:d", "", "", "decreased"),
      ],
    });
  // Another KG states a→c too (and names a and c only).
  const other = () =>
    writeKgx("other", {
      "nodes.tsv": [NODES[0] as string, NODES[1] as string, NODES[3] as string],
      "edges.tsv": [HEADER, edge("o1", "KGR:a", "biolink:affects", "KGR:c", "PMID:9", "", "increased")],
    });
  const link = async (id: string) =>
    (
      await rowsWithKgLists(
        `OPTIONAL MATCH ()-[l {id: $id}]->() RETURN l.kgSources AS sources, properties(l) AS kg,
           l.studyIds AS studyIds, l.supporting AS supporting, size(coalesce(l.kgContributions, [])) AS parts`,
        { publications: "publications" },
        { id },
      )
    )[0];
  const AB = "link:KGR:a:INCREASES:KGR:b";
  const AC = "link:KGR:a:INCREASES:KGR:c";
  const NOT_CB = "not-link:KGR:c:TREATS:KGR:b";

  async function twoKgs() {
    await importKgx(db, [release1()], { ...opts, name: "rel-kg" });
    await importKgx(db, [other()], { ...opts, name: "other-kg" });
    expect(await link(AC)).toEqual({
      sources: ["source:kgx-rel-kg", "source:kgx-other-kg"],
      publications: ["PMID:3", "PMID:9"],
      studyIds: ["study:pmid-3", "study:pmid-9"],
      supporting: 2,
      // Each KG's part apart.
      parts: 2,
    });
    expect((await link(NOT_CB))?.sources).toEqual(["source:kgx-rel-kg"]);
  }

  it("replaces what the KG states: fewer publications, links it no longer states lose its part or go", async () => {
    await twoKgs();
    // One row a batch: a→b's first batch replaces the KG's part, its second adds to it.
    const report = await importKgx(db, [release2()], { ...opts, name: "rel-kg", replace: true, batchSize: 1 });
    expect(report.status).toBe("published");
    expect(report.links).toEqual({ created: 1, updated: 1, unchanged: 1 });
    // PMID:2 (dropped from a→b) and PMID:3 (a→c's rel-kg part) are cited by no link any more.
    expect(report.retracted).toEqual({ updated: 1, deleted: 1, entitiesDeleted: 0, entitiesKept: 0, workRecordsDeleted: 2 });
    const works = () => rows("MATCH (s:Study) RETURN s.id AS id ORDER BY id");
    expect(await works()).toEqual(["study:pmid-1", "study:pmid-4", "study:pmid-9"].map((id) => ({ id })));
    expect(await link(AB)).toMatchObject({
      publications: ["PMID:1", "PMID:4"],
      studyIds: ["study:pmid-1", "study:pmid-4"],
      supporting: 2,
      parts: 1,
    });
    // The other KG's statement of a→c stays, alone: its publication, its evidence.
    expect(await link(AC)).toEqual({
      sources: ["source:kgx-other-kg"],
      publications: ["PMID:9"],
      studyIds: ["study:pmid-9"],
      supporting: 1,
      parts: 1,
    });
    expect(await link(NOT_CB)).toEqual({ sources: null, publications: null, studyIds: null, supporting: null, parts: 0 });
    await expectStrongestLinksConsistent(db);

    // The same release again: met link for link as a run of its own, and nothing changes.
    // (The graph but for import records and the marks and ids they leave.)
    const facts = async () =>
      (await graphSnapshot(db))
        .replace(/\{"labels":\["KgxImport"\],"props":\{[^}]*\}\},?/g, "")
        .replace(/"(lastImportId|importId)":"[^"]*",?/g, "");
    const before = await facts();
    const again = await importKgx(db, [release2()], { ...opts, name: "rel-kg", replace: true });
    expect(again).toMatchObject({ status: "published", importId: report.importId, retracted: { updated: 0, deleted: 0 } });
    expect(again.links).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await facts()).toBe(before);
    expect(await rows("MATCH (i:KgxImport) WHERE i.id STARTS WITH $id RETURN count(i) AS n", { id: report.importId })).toEqual([
      { n: 2 },
    ]);

    // An empty release takes the KG's every statement back; the other KG's stays.
    const empty = writeKgx("empty", { "nodes.tsv": ["id\tcategory"], "edges.tsv": [HEADER] });
    const emptied = await importKgx(db, [empty], { ...opts, name: "rel-kg", replace: true });
    // Its entities go too, but a and c, which the other KG's a→c still uses.
    expect(emptied.retracted).toEqual({ updated: 0, deleted: 3, entitiesDeleted: 2, entitiesKept: 2, workRecordsDeleted: 2 });
    expect(await works()).toEqual([{ id: "study:pmid-9" }]);
    expect(await rows("MATCH (e:Entity) RETURN e.id AS id ORDER BY id")).toEqual([{ id: "KGR:a" }, { id: "KGR:c" }]);
    expect(await rows("MATCH ()-[l]->() WHERE 'source:kgx-rel-kg' IN l.kgSources RETURN l.id AS id")).toEqual([]);
    expect((await link(AC))?.sources).toEqual(["source:kgx-other-kg"]);
    await expectStrongestLinksConsistent(db);
  });

  it("a dry run of a release reports what it would retract, and writes nothing", async () => {
    await twoKgs();
    const before = await graphSnapshot(db);
    const dry = await importKgx(db, [release2()], { ...opts, name: "rel-kg", replace: true, dryRun: true });
    expect(dry.status).toBe("dry-run");
    expect(dry.retracted).toEqual({ updated: 1, deleted: 1, entitiesDeleted: 0, entitiesKept: 0, workRecordsDeleted: null });
    expect(dry.links.created).toBe(1);
    expect(await graphSnapshot(db)).toBe(before);
  });

  it("a release needs the KG's name", async () => {
    await expect(importKgx(db, [release2()], { actor: "test", replace: true })).rejects.toThrow("--replace needs");
  });

  it("without replace, a second set of files under the same name adds to what the KG states", async () => {
    await twoKgs();
    const report = await importKgx(db, [release2()], { ...opts, name: "rel-kg" });
    expect(report.retracted).toEqual({ updated: 0, deleted: 0, entitiesDeleted: 0, entitiesKept: 0, workRecordsDeleted: 0 });
    expect((await link(AB))?.publications).toEqual(["PMID:1", "PMID:2", "PMID:4"]);
    expect((await link(NOT_CB))?.sources).toEqual(["source:kgx-rel-kg"]);
  });

  it("a release no longer naming an entity deletes it, unless something still uses it; a failure makes it again", async () => {
    await twoKgs();
    // The release names a and b only, and states a→b only: c stays (the other KG's a→c uses it),
    // d goes (b→d, its one link, goes with the release).
    const smaller = () =>
      writeKgx("smaller", {
        "nodes.tsv": NODES.slice(0, 3),
        "edges.tsv": [HEADER, edge("r1", "KGR:a", "biolink:affects", "KGR:b", "PMID:1|PMID:2", "", "increased")],
      });
    const expected = { updated: 1, deleted: 2, entitiesDeleted: 1, entitiesKept: 1, workRecordsDeleted: null as number | null };
    const before = await graphSnapshot(db);
    const dry = await importKgx(db, [smaller()], { ...opts, name: "rel-kg", replace: true, dryRun: true });
    expect(dry.retracted).toEqual(expected);
    expect(await graphSnapshot(db)).toBe(before);
    expected.workRecordsDeleted = 1; // PMID:3, a→c's rel-kg part
    // Links' batch, negated links' batch, then the entities' (d deleted): then the failure.
    await importFailingAt([smaller()], { name: "rel-kg", replace: true }, "retract", 3);
    expect(await graphSnapshot(db)).toBe(before);
    const report = await importKgx(db, [smaller()], { ...opts, name: "rel-kg", replace: true });
    expect(report.retracted).toEqual(expected);
    expect(await rows("MATCH (e:Entity) RETURN e.id AS id ORDER BY id")).toEqual(
      ["KGR:a", "KGR:b", "KGR:c"].map((id) => ({ id })),
    );
    await expectStrongestLinksConsistent(db);
  });

  it("an entity two KGs name stays while either names it: a release takes its KG off, and a failure puts it back", async () => {
    await importKgx(db, [release1()], { ...opts, name: "rel-kg" });
    // A second KG names the same four entities and states nothing: b with a name of its own.
    const namer = writeKgx("namer", {
      "nodes.tsv": [...NODES.slice(0, 2), "KGR:b\tbiolink:Disease\tb, as the namer names it", ...NODES.slice(3)],
      "edges.tsv": [HEADER],
    });
    const named = await importKgx(db, [namer], { ...opts, name: "namer" });
    expect(named.entities).toEqual({ created: 0, updated: 4, unchanged: 0 });
    const entities = () =>
      rows("MATCH (e:Entity) RETURN e.id AS id, e.name AS name, e.kgSource AS kgSource, e.kgSources AS kgSources ORDER BY id");
    const both = ["source:kgx-rel-kg", "source:kgx-namer"];
    expect(await entities()).toEqual([
      { id: "KGR:a", name: "a", kgSource: "source:kgx-rel-kg", kgSources: both },
      { id: "KGR:b", name: "b, as the namer names it", kgSource: "source:kgx-namer", kgSources: both },
      { id: "KGR:c", name: "c", kgSource: "source:kgx-rel-kg", kgSources: both },
      { id: "KGR:d", name: "d", kgSource: "source:kgx-rel-kg", kgSources: both },
    ]);
    // Named again: nothing changes.
    expect((await importKgx(db, [namer], { ...opts, name: "namer" })).entities).toEqual({ created: 0, updated: 0, unchanged: 4 });

    // rel-kg's empty release: its links go; its entities stay, the namer's alone.
    const empty = () => writeKgx("empty", { "nodes.tsv": ["id\tcategory"], "edges.tsv": [HEADER] });
    const expected = { updated: 0, deleted: 4, entitiesDeleted: 0, entitiesKept: 4, workRecordsDeleted: 3 };
    const dry = await importKgx(db, [empty()], { ...opts, name: "rel-kg", replace: true, dryRun: true });
    expect(dry.retracted).toEqual({ ...expected, workRecordsDeleted: null });
    const before = await graphSnapshot(db);
    // The links' batch, the negated links', the entities', the work records' (PMID:1 to 3 deleted):
    // then the failure.
    await importFailingAt([empty()], { name: "rel-kg", replace: true }, "retract", 4);
    expect(await graphSnapshot(db)).toBe(before);
    const emptied = await importKgx(db, [empty()], { ...opts, name: "rel-kg", replace: true });
    expect(emptied.retracted).toEqual(expected);
    expect((await entities()).map((e) => [e.id, e.kgSources])).toEqual(
      ["KGR:a", "KGR:b", "KGR:c", "KGR:d"].map((id) => [id, ["source:kgx-namer"]]),
    );
    await expectStrongestLinksConsistent(db);
    // The namer's empty release: nothing names or uses them any more.
    const gone = await importKgx(db, [empty()], { ...opts, name: "namer", replace: true });
    expect(gone.retracted).toEqual({ updated: 0, deleted: 0, entitiesDeleted: 4, entitiesKept: 0, workRecordsDeleted: 0 });
    expect(await entities()).toEqual([]);
  });

  it("the API says who says so: each KG's statement of a link, the KGs that deny it, those that name an entity", async () => {
    await twoKgs();
    // A third KG states that a does not increase c.
    const denier = writeKgx("denier", {
      "nodes.tsv": [NODES[0] as string, NODES[1] as string, NODES[3] as string],
      "edges.tsv": [HEADER, edge("d1", "KGR:a", "biolink:affects", "KGR:c", "PMID:7", "true", "increased")],
    });
    // Its import fails once the denial is counted against a→c: a→c is as it was.
    const before = await graphSnapshot(db);
    await importFailingAt([denier], { name: "denier" }, "denials", 1);
    expect(await graphSnapshot(db)).toBe(before);
    await importKgx(db, [denier], { ...opts, name: "denier" });
    const r = await gql(
      testServer(db),
      `{ entity(id: "KGR:c") { namedBy { id } describedBy { id }
          denials { id from { id } predicate to { id } deniedBy { source { id } negated publications } }
          incoming { id claims { id } evidence { supporting contradicting score }
            statedBy { source { id } negated biolinkPredicate qualifiers primaryKnowledgeSources knowledgeLevels agentTypes
              publications studies { id design } edgeIds }
            mine: statedBy { pubs: publications works: studies { id } }
            deniedBy { source { id } negated publications studies { id } edgeIds } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.extensions?.cypherQueries).toBe(1);
    const c = r.data.entity;
    expect(c.namedBy).toEqual(["source:kgx-denier", "source:kgx-other-kg", "source:kgx-rel-kg"].map((id) => ({ id })));
    expect(c.describedBy).toEqual({ id: "source:kgx-rel-kg" });
    // Both denials touching c: a→c (which two KGs state) and c→b (which nobody states).
    expect(c.denials).toEqual([
      {
        id: `not-${AC}`,
        from: { id: "KGR:a" },
        predicate: "INCREASES",
        to: { id: "KGR:c" },
        deniedBy: [{ source: { id: "source:kgx-denier" }, negated: true, publications: ["PMID:7"] }],
      },
      {
        id: NOT_CB,
        from: { id: "KGR:c" },
        predicate: "TREATS",
        to: { id: "KGR:b" },
        deniedBy: [{ source: { id: "source:kgx-rel-kg" }, negated: true, publications: [] }],
      },
    ]);
    const ac = c.incoming.find((l: { id: string }) => l.id === AC);
    const statement = (kg: string, pmid: string, edgeId: string) => ({
      source: { id: `source:kgx-${kg}` },
      negated: false,
      biolinkPredicate: "biolink:affects",
      qualifiers: { objectDirectionQualifier: "increased" },
      primaryKnowledgeSources: ["infores:rel"],
      knowledgeLevels: ["knowledge_assertion"],
      agentTypes: [],
      publications: [`PMID:${pmid}`],
      studies: [{ id: `study:pmid-${pmid}`, design: "UNKNOWN" }],
      edgeIds: [edgeId],
    });
    // Each KG its own part: its publications and works, not the union the link's evidence counts.
    // Evidence rule step 9: the denier's publication counts against a→c (0.19 × (1 - 0.1)).
    expect(ac).toEqual({
      id: AC,
      claims: [],
      evidence: { supporting: 2, contradicting: 1, score: 0.171 },
      statedBy: [statement("other-kg", "9", "o1"), statement("rel-kg", "3", "r2")],
      mine: [
        { pubs: ["PMID:9"], works: [{ id: "study:pmid-9" }] },
        { pubs: ["PMID:3"], works: [{ id: "study:pmid-3" }] },
      ],
      deniedBy: [
        {
          source: { id: "source:kgx-denier" },
          negated: true,
          publications: ["PMID:7"],
          studies: [{ id: "study:pmid-7" }],
          edgeIds: ["d1"],
        },
      ],
    });
    const contradictions = await gql(
      testServer(db),
      "{ contradictions(first: 20) { kind links { id deniedBy { source { id } } } } }",
    );
    expect(contradictions.errors).toBeUndefined();
    expect(contradictions.data.contradictions).toEqual([
      { kind: "DENIED_BY_KNOWLEDGE_GRAPH", links: [{ id: AC, deniedBy: [{ source: { id: "source:kgx-denier" } }] }] },
    ]);
    await expectStrongestLinksConsistent(db);

    // The denier's empty release takes the denial back, and a→c's evidence is the two KGs' again.
    const empty = writeKgx("empty", { "nodes.tsv": ["id\tcategory"], "edges.tsv": [HEADER] });
    await importKgx(db, [empty], { ...opts, name: "denier", replace: true });
    expect(
      await rows("MATCH ()-[l:LINK {id: $id}]->() RETURN l.supporting AS s, l.contradicting AS c, l.score AS score", { id: AC }),
    ).toEqual([{ s: 2, c: 0, score: 0.19 }]);
    await expectStrongestLinksConsistent(db);
  });

  it("a release that fails while retracting is taken back: deleted links made again, parts restored", async () => {
    await twoKgs();
    const before = await graphSnapshot(db);
    // The links' batch, then the negated links' (deleting c→b): then the failure.
    await importFailingAt([release2()], { name: "rel-kg", replace: true }, "retract", 2);
    expect(await graphSnapshot(db)).toBe(before);
  });
});

describe("importKgx mutation (small files, curators only)", { timeout: 600_000 }, () => {
  beforeEach(() => clearGraph(db));
  const SECRET = "kgx-test-secret-0123456789abcdef";
  const server = () => testServer(db, { KG_API_TOKENS: `carol:${SECRET}` });
  const AUTH = { authorization: `Bearer ${SECRET}` };
  const IMPORT = `mutation($n: String!, $e: String!, $f: KgxFormat, $dry: Boolean) {
    importKgx(nodes: $n, edges: $e, format: $f, name: "example-kg", dryRun: $dry) {
      status dryRun entities { created unchanged } links { created } negatedLinks { created } warnings problems { code line column }
    } }`;
  const text = (dir: string, file: string) => fs.readFileSync(path.join(FIXTURES, dir, file), "utf8");

  it("imports JSON Lines text, reports warnings located, and refuses broken files with located problems", async () => {
    const s = server();
    const vars = { n: text("spec-jsonl", "nodes.jsonl"), e: text("spec-jsonl", "edges.jsonl"), f: "JSONL" };
    const refused = await gql(s, IMPORT, vars);
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const dry = await gql(s, IMPORT, { ...vars, dry: true }, AUTH);
    expect(dry.errors).toBeUndefined();
    expect(dry.data.importKgx).toMatchObject({ status: "dry-run", entities: { created: 5 } });
    const r = await gql(s, IMPORT, vars, AUTH);
    expect(r.errors).toBeUndefined();
    expect(r.data.importKgx).toMatchObject({
      status: "published",
      links: { created: 5 },
      negatedLinks: { created: 1 },
      warnings: 2,
    });
    const again = await gql(s, IMPORT, vars, AUTH);
    expect(again.data.importKgx).toMatchObject({ status: "unchanged", entities: { created: 0, unchanged: 5 } });

    // While another import holds the lock (after the mutation's 10 s wait): a stable code, nothing written.
    let resume!: () => void;
    let paused!: () => void;
    const isPaused = new Promise<void>((resolve) => {
      paused = resolve;
    });
    const holder = importKgx(db, TSV, {
      ...opts,
      name: "other-kg",
      onBatch: ({ phase }) => {
        if (phase !== "nodes") return;
        paused();
        return new Promise<void>((resolve) => {
          resume = resolve;
        });
      },
    });
    await isPaused;
    const held = await graphSnapshot(db);
    const busy = await gql(s, IMPORT, vars, AUTH);
    expect(busy.errors?.[0]?.extensions?.code).toBe("IMPORT_IN_PROGRESS");
    expect(busy.errors?.[0]?.message).not.toMatch(/MATCH|neo4j|\n\s+at /i);
    expect(await graphSnapshot(db)).toBe(held);
    resume();
    await holder;

    const before = await graphSnapshot(db);
    const bad = await gql(s, IMPORT, { n: text("broken", "malformed_nodes.tsv"), e: "subject\tpredicate\tobject\n" }, AUTH);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const problems = bad.errors?.[0]?.extensions?.problems as Array<{ code: string; file: string; line: number }>;
    expect(problems[0]).toMatchObject({ code: "MALFORMED_CURIE", file: "nodes.tsv", line: 3 });
    expect(await graphSnapshot(db)).toBe(before);

    // The same edges from another KG (other-kg, above) are its statements too.
    expect(await rows("MATCH ()-[l:NEGATED_LINK]->() RETURN l.kgSources AS sources")).toEqual([
      { sources: ["source:kgx-example-kg", "source:kgx-other-kg"] },
    ]);
    // A new release with one edge fewer (the negated one): example-kg's part of it is retracted,
    // other-kg's stays.
    const RELEASE = `mutation($n: String!, $e: String!) {
      importKgx(nodes: $n, edges: $e, format: JSONL, name: "example-kg", replace: true) { status retractedLinks deletedLinks deletedEntities deletedWorkRecords } }`;
    const edges = vars.e
      .split("\n")
      .filter((line) => line && !line.includes('"negated": true') && !line.includes('"negated":true'));
    expect(edges).toHaveLength(5);
    const release = await gql(s, RELEASE, { n: vars.n, e: `${edges.join("\n")}\n` }, AUTH);
    expect(release.errors).toBeUndefined();
    // Every node is named again: no entity goes; the negated edge's publication is still cited.
    expect(release.data.importKgx).toEqual({
      status: "published",
      retractedLinks: 1,
      deletedLinks: 0,
      deletedEntities: 0,
      deletedWorkRecords: 0,
    });
    expect(await rows("MATCH ()-[l:NEGATED_LINK]->() RETURN l.kgSources AS sources")).toEqual([
      { sources: ["source:kgx-other-kg"] },
    ]);
  });
});
