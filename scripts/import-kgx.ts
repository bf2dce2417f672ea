/**
 * `npm run import -- <nodes.tsv> <edges.tsv> | <dir> | <kg.tar.gz> [--name NAME] [--replace] [--dry-run] [--batch N]`
 *
 * Imports KGX files (TSV or JSON Lines, optionally gzipped; a directory; a tarball) into the graph
 * (src/kgx/importer.ts): checked first with located problems, then staged in batches and
 * published, or taken back on failure. Progress (rows/s, ETA) and the summary are JSON logs.
 * --replace: the files are a new release of the KG NAME, whose statements replace its earlier ones.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { type DatabaseTarget, provisionDatabase } from "../src/db/provision.js";
import { applyConstraints } from "../src/db/schema-setup.js";
import { importKgx, KgxRefused } from "../src/kgx/importer.js";
import { formatKgxProblem } from "../src/kgx/reader.js";
import { createLogger } from "../src/logger.js";

const USAGE =
  "usage: npm run import -- <nodes file> <edges file> | <directory> | <tarball> [--name NAME] [--replace] [--dry-run] [--batch N]";
const config = loadConfig();
const log = createLogger("kg-import", config.LOG_LEVEL);
const say = (text: string) => process.stderr.write(`${text}\n`);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      "dry-run": { type: "boolean", default: false },
      replace: { type: "boolean", default: false },
      name: { type: "string" },
      batch: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help || !positionals.length) {
    say(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.replace && !values.name) {
    say("--replace needs --name: the knowledge graph whose earlier statements this release replaces");
    return 2;
  }
  let target: DatabaseTarget | undefined;
  let db: Database | undefined;
  try {
    target = await provisionDatabase(config, log);
    db = new Database(target, {
      queryTimeoutMs: config.KG_QUERY_TIMEOUT_MS,
      acquireTimeoutMs: Math.max(config.KG_DB_ACQUIRE_TIMEOUT_MS, 10_000),
    });
    await applyConstraints(db);
    const report = await importKgx(db, positionals, {
      actor: process.env.KG_ACTOR ?? "kgx-import",
      name: values.name,
      dryRun: values["dry-run"],
      replace: values.replace,
      batchSize: values.batch ? Number(values.batch) : undefined,
      log,
      timeoutMs: 600_000,
    });
    for (const p of report.problems) say(`  ${formatKgxProblem(p)}`);
    const row = (what: string, c: { created: number; updated: number; unchanged: number }) =>
      `${what.padEnd(14)}${String(c.created).padStart(10)}${String(c.updated).padStart(10)}${String(c.unchanged).padStart(11)}`;
    say(
      [
        `\n${report.dryRun ? "Dry run (nothing written)" : `Import ${report.status}`}: ${report.importId} as ${report.source}, ${report.rows.nodes} node rows and ${report.rows.edges} edge rows in ${report.elapsedMs} ms (${report.rowsPerSecond} rows/s, peak RSS ${report.peakRssMb} MB); ${report.warnings} warning(s).`,
        `${"".padEnd(14)}${"created".padStart(10)}${"updated".padStart(10)}${"unchanged".padStart(11)}`,
        row("entities", report.entities),
        row("links", report.links),
        row("negated links", report.negatedLinks),
        row("work records", report.workRecords),
        values.replace
          ? `No longer stated by this release: ${report.retracted.updated} link(s) kept for what else states or asserts them, ${report.retracted.deleted} deleted; no longer named: ${report.retracted.entitiesDeleted} entit(ies) deleted, ${report.retracted.entitiesKept} kept (still named or used); work records no longer cited: ${report.retracted.workRecordsDeleted ?? "not worked out in a dry run"} deleted.`
          : "",
        report.cleanedUp.length ? `Took back interrupted import(s) first: ${report.cleanedUp.join(", ")}` : "",
      ].join("\n"),
    );
    return 0;
  } catch (error) {
    if (error instanceof KgxRefused) {
      say(`\n${error.report.errors} error(s), ${error.report.warnings} warning(s); nothing was written:`);
      for (const p of error.report.problems) say(`  ${formatKgxProblem(p)}`);
      return 1;
    }
    throw error;
  } finally {
    await db?.close();
    await target?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log.error({ err: error }, "kgx import failed; the graph is as it was");
    say(`import failed: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  },
);
