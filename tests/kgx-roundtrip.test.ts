/**
 * KGX round trips (issue 16) against the test Neo4j: the article's whole-graph KGX export (TSV and
 * JSON Lines), imported into an empty database and exported again, gives the same bytes, and
 * imported into a graph that already holds the article merges into it; a hand-written external KG
 * (qualifiers, negation, publications, an unknown category and predicate) comes back out with its
 * own predicates, qualifiers, sources and publications; gzipped files and a .tar.gz archive
 * (written here with zlib and node-tar, not by our exporter) read as the plain files do.
 *
 * Test files run one at a time (vitest.config.ts): each clears the one test database it shares.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPlain } from "../src/db/database.js";
import { importKgx } from "../src/kgx/importer.js";
import { clearGraph, gql, graphSnapshot, seedArticle, testDatabase, testLog, testServer } from "./helpers.js";

const db = testDatabase();
const server = testServer(db);
const FIXTURES = path.join(import.meta.dirname, "fixtures", "kgx");
const SPEC_TSV = [path.join(FIXTURES, "spec-tsv", "nodes.tsv"), path.join(FIXTURES, "spec-tsv", "edges.tsv")];
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kgx-roundtrip-"));
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await db.close();
});

interface Files {
  nodesTsv: string;
  edgesTsv: string;
  nodesJsonl: string;
  edgesJsonl: string;
}

/** The whole graph's four KGX files, as the /export/graph downloads give them. */
async function exportGraph(): Promise<Files> {
  const get = async (format: string) => {
    const r = await server.fetch(`http://localhost/export/graph?format=${format}`);
    expect(r.status, format).toBe(200);
    return r.text();
  };
  return {
    nodesTsv: await get("kgx-nodes-tsv"),
    edgesTsv: await get("kgx-edges-tsv"),
    nodesJsonl: await get("kgx-nodes-jsonl"),
    edgesJsonl: await get("kgx-edges-jsonl"),
  };
}

/** Writes files into a fresh subdirectory of the test's temporary directory; returns their paths. */
function write(sub: string, files: Record<string, string | Buffer>): string[] {
  const at = path.join(dir, sub);
  fs.mkdirSync(at, { recursive: true });
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(at, name);
    fs.writeFileSync(file, content);
    return file;
  });
}

const importFiles = (paths: string[], name = "gut-brain-kg") => importKgx(db, paths, { actor: "test", name, log: testLog });

async function count(cypher: string): Promise<number> {
  return Number(toPlain((await db.read(cypher)).records[0]?.get("n")));
}

/** TSV rows as objects keyed by the header. */
function tsvRows(text: string): Array<Record<string, string>> {
  const [head, ...lines] = text.trimEnd().split("\n");
  const header = String(head).split("\t");
  return lines.map((line) => Object.fromEntries(line.split("\t").map((cell, i) => [header[i], cell])));
}

describe("our own KGX export, imported and exported again", { timeout: 900_000 }, () => {
  let original: Files;

  beforeAll(async () => {
    await seedArticle(db);
    original = await exportGraph();
  });

  it("TSV into an empty database: the same slugs, link ids and kinds, and the same files byte for byte", async () => {
    const paths = write("own-tsv", { "nodes.tsv": original.nodesTsv, "edges.tsv": original.edgesTsv });
    await clearGraph(db);
    const report = await importFiles(paths);
    expect(report.status).toBe("published");
    expect(report.errors).toBe(0);
    // Every row of our own export maps without a guess: no unknown category or predicate.
    expect(report.problems).toEqual([]);
    expect(report.mergedByXref).toBe(0);

    // Kinds Biolink cannot tell apart come back from the kind column; predicates Biolink maps
    // alike (biolink:affects) come back from the link id.
    const kinds = await db.read(
      "MATCH (e:Entity) WHERE e.id IN ['gut-brain-axis', 'magnesium-glycinate'] RETURN e.id AS id, e.kind AS kind ORDER BY id",
    );
    expect(kinds.records.map((r) => [r.get("id"), r.get("kind")])).toEqual([
      ["gut-brain-axis", "BODY_SYSTEM"],
      ["magnesium-glycinate", "INTERVENTION"],
    ]);
    const link = await db.read(
      "MATCH (:Entity {id: 'gi-tract'})-[l:LINK]->(:Entity {id: 'central-nervous-system'}) RETURN l.id AS id, l.predicate AS predicate",
    );
    expect(link.records.map((r) => [r.get("id"), r.get("predicate")])).toEqual([
      ["link:gi-tract:COMMUNICATES_WITH:central-nervous-system", "COMMUNICATES_WITH"],
    ]);

    const again = await exportGraph();
    expect(again.nodesTsv).toBe(original.nodesTsv);
    expect(again.edgesTsv).toBe(original.edgesTsv);
    expect(again.nodesJsonl).toBe(original.nodesJsonl);
    expect(again.edgesJsonl).toBe(original.edgesJsonl);
  });

  it("JSON Lines into an empty database: the same files byte for byte", async () => {
    const paths = write("own-jsonl", { "nodes.jsonl": original.nodesJsonl, "edges.jsonl": original.edgesJsonl });
    await clearGraph(db);
    const report = await importFiles(paths);
    expect(report.status).toBe("published");
    expect(report.problems).toEqual([]);
    expect(await exportGraph()).toEqual(original);
  });

  it("into a graph that already holds the article: merged into it, nothing duplicated, the same files", async () => {
    await seedArticle(db);
    const entities = await count("MATCH (e:Entity) RETURN count(e) AS n");
    const links = await count("MATCH ()-[l:LINK]->() RETURN count(l) AS n");
    const paths = write("own-merge", { "nodes.tsv": original.nodesTsv, "edges.tsv": original.edgesTsv });
    const report = await importFiles(paths);
    expect(report.status).toBe("published");
    expect(report.entities.created).toBe(0);
    expect(report.links.created).toBe(0);
    expect(await count("MATCH (e:Entity) RETURN count(e) AS n")).toBe(entities);
    expect(await count("MATCH ()-[l:LINK]->() RETURN count(l) AS n")).toBe(links);
    // The curated links keep their claims' evidence and gain the import's provenance.
    const merged = await db.read(
      "MATCH ()-[l:LINK {id: 'link:magnesium:DECREASES:anxiety'}]->() RETURN l.level AS level, l.kgSources AS sources, size(l.claimIds) > 0 AS claimed",
    );
    expect(toPlain(merged.records[0]?.toObject())).toMatchObject({
      level: "SYSTEMATIC_REVIEW",
      sources: ["source:kgx-gut-brain-kg"],
      claimed: true,
    });
    expect(await exportGraph()).toEqual(original);
  });
});

describe("an external KG's KGX file, imported and exported", { timeout: 900_000 }, () => {
  it("keeps each edge's predicate, qualifiers, sources, publications and negation, each node's categories", async () => {
    await clearGraph(db);
    const report = await importFiles(SPEC_TSV, "example-kg");
    expect(report.status).toBe("published");
    const exported = await exportGraph();

    const given = tsvRows(fs.readFileSync(SPEC_TSV[1] as string, "utf8"));
    const out = tsvRows(exported.edgesTsv);
    expect(out).toHaveLength(given.length);
    const key = (r: Record<string, string>) => `${r.subject} ${r.predicate} ${r.object} ${r.negated === "true"}`;
    const byKey = new Map(out.map((r) => [key(r), r]));
    const list = (v: string | undefined) => (v ? v.split("|").sort() : []);
    for (const g of given) {
      const e = byKey.get(key(g));
      expect(e, key(g)).toBeDefined();
      for (const column of [
        "qualified_predicate",
        "object_aspect_qualifier",
        "object_direction_qualifier",
        "primary_knowledge_source",
        "knowledge_level",
        "agent_type",
      ]) {
        expect(e?.[column] ?? "", `${key(g)} ${column}`).toBe(g[column] ?? "");
      }
      expect(list(e?.aggregator_knowledge_source), key(g)).toEqual(list(g.aggregator_knowledge_source));
      expect(list(e?.publications), key(g)).toEqual(list(g.publications));
    }
    // The negated edge is a row with negated true (JSON Lines: a boolean), never a positive statement.
    const negated = out.filter((r) => r.negated === "true");
    expect(negated.map((r) => `${r.subject} ${r.predicate} ${r.object}`)).toEqual(["CHEBI:15365 biolink:treats MONDO:0005002"]);
    expect(exported.edgesJsonl).toContain('"negated":true');

    const nodes = new Map(tsvRows(exported.nodesTsv).map((r) => [r.id, r]));
    for (const g of tsvRows(fs.readFileSync(SPEC_TSV[0] as string, "utf8"))) {
      expect(nodes.get(g.id), g.id).toMatchObject({
        category: g.category,
        name: g.name,
        xref: g.xref,
        synonym: g.synonym,
        provided_by: g.provided_by,
      });
    }
    expect(nodes.get("HGNC:11603")?.gbkg_kind).toBe("NAMED_THING");

    // The export imports back to the same files (the first export is a fixed point).
    const paths = write("external-again", { "nodes.tsv": exported.nodesTsv, "edges.tsv": exported.edgesTsv });
    await clearGraph(db);
    expect((await importFiles(paths, "example-kg")).status).toBe("published");
    expect(await exportGraph()).toEqual(exported);
  });

  it("answers an imported entity's most specific own Biolink category, in GraphQL and in the exports", async () => {
    await clearGraph(db);
    await importFiles(SPEC_TSV, "example-kg");
    const r = await gql(
      server,
      `{ gene: entity(id: "HGNC:11603") { kind biolinkCategory } apap: entity(id: "CHEBI:15365") { kind biolinkCategory }
         neighborhood(id: "HGNC:11603", hops: 1) { nodes { id biolinkCategory } cytoscape } }`,
    );
    expect(r.errors).toBeUndefined();
    // A generic (NAMED_THING) entity says the category its graph gave, not NamedThing.
    expect(r.data.gene).toEqual({ kind: "NAMED_THING", biolinkCategory: "biolink:Gene" });
    expect(r.data.apap).toEqual({ kind: "SMALL_MOLECULE", biolinkCategory: "biolink:SmallMolecule" });
    const nodes = new Map(
      r.data.neighborhood.nodes.map((n: { id: string; biolinkCategory: string }) => [n.id, n.biolinkCategory]),
    );
    expect(nodes.get("HGNC:11603")).toBe("biolink:Gene");
    const cy = r.data.neighborhood.cytoscape.elements.nodes.find((n: { data: { id: string } }) => n.data.id === "HGNC:11603");
    expect(cy.data.biolinkCategory).toBe("biolink:Gene");
  });
});

describe("compressed KGX inputs", { timeout: 900_000 }, () => {
  /** The graph without what differs between two imports of the same content (import ids, times, file names). */
  async function normalSnapshot() {
    return (await graphSnapshot(db))
      .replace(/"(importId|createdAt|updatedAt|startedAt|finishedAt)":"[^"]*"/g, "")
      .replace(/"files":\[[^\]]*\]|"id":"kgx-[0-9a-f]+"/g, "");
  }

  it("reads .tsv.gz, .jsonl.gz and a .tar.gz archive to the same graph as the plain files", async () => {
    await clearGraph(db);
    await importFiles(SPEC_TSV, "example-kg");
    const plain = await normalSnapshot();
    const text = (sub: string, name: string) => fs.readFileSync(path.join(FIXTURES, sub, name));

    const tsvGz = write("gz-tsv", {
      "nodes.tsv.gz": gzipSync(text("spec-tsv", "nodes.tsv")),
      "edges.tsv.gz": gzipSync(text("spec-tsv", "edges.tsv")),
    });
    const jsonlGz = write("gz-jsonl", {
      "nodes.jsonl.gz": gzipSync(text("spec-jsonl", "nodes.jsonl")),
      "edges.jsonl.gz": gzipSync(text("spec-jsonl", "edges.jsonl")),
    });
    // A KGX archive as other tools write one: members in a folder, and a file that is no KGX file.
    const staged = path.join(dir, "tar-staging");
    write(path.join("tar-staging", "kg"), {
      "nodes.tsv": text("spec-tsv", "nodes.tsv"),
      "edges.tsv": text("spec-tsv", "edges.tsv"),
      "README.md": "not a KGX file\n",
    });
    const archive = path.join(dir, "example-kg.tar.gz");
    await createTar({ gzip: true, file: archive, cwd: staged }, ["kg"]);

    for (const paths of [tsvGz, jsonlGz, [archive]]) {
      await clearGraph(db);
      const report = await importFiles(paths, "example-kg");
      expect(report.status, paths.join(", ")).toBe("published");
      expect(report.rows, paths.join(", ")).toEqual({ nodes: 5, edges: 6 });
      expect(await normalSnapshot(), paths.join(", ")).toBe(plain);
    }
  });
});
