/**
 * `npm run seed [-- <file-or-folder>... [--dry-run]]`: validates bundle files (default seed/data)
 * and writes them in ONE transaction. Any problem: every one is logged and summarised, exit 1,
 * nothing written. The database: NEO4J_URI, else Docker, else the embedded launcher (stopped
 * again at the end when this command started it). `main` (~80 lines) is the command's steps in
 * order: arguments, validation, database, write, report.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { Database } from "../src/db/database.js";
import { type DatabaseTarget, provisionDatabase } from "../src/db/provision.js";
import { applyConstraints } from "../src/db/schema-setup.js";
import type { Counts } from "../src/graph/bundle-writer.js";
import {
  formatProblem,
  type ImportReport,
  importValidated,
  loadBundleFiles,
  onlyReferenceProblems,
  type Problem,
  problemsOf,
} from "../src/graph/import.js";
import { createLogger } from "../src/logger.js";

const USAGE = "usage: npm run seed -- [file-or-folder ...] [--dry-run]   (default: seed/data)";
const WRITE_TIMEOUT_MS = 300_000;

const config = loadConfig();
const log = createLogger("kg-seed", config.LOG_LEVEL);
const say = (text: string) => process.stderr.write(`${text}\n`);

function reportProblems(problems: readonly Problem[]): void {
  for (const problem of problems) log.error({ problem }, "bundle problem");
  say(`\n${problems.length} problem(s); nothing was written:`);
  for (const problem of problems) say(`  ${formatProblem(problem)}`);
}

function summary(report: ImportReport): string {
  const kinds = Object.keys(report.created) as Array<keyof Counts>;
  const columns = ["created", "updated", "unchanged", "removed"] as const;
  const lines = [`${"".padEnd(10)}${columns.map((c) => c.padStart(11)).join("")}`];
  for (const kind of kinds) lines.push(`${kind.padEnd(10)}${columns.map((c) => String(report[c][kind]).padStart(11)).join("")}`);
  return lines.join("\n");
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { "dry-run": { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    allowPositionals: true,
  });
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const dryRun = values["dry-run"] ?? false;
  const paths = positionals.length ? positionals : [path.relative(process.cwd(), path.join(PROJECT_ROOT, "seed", "data")) || "."];
  const started = Date.now();

  log.info({ paths }, "reading bundle files");
  const validation = await loadBundleFiles(paths);
  log.info({ files: validation.files }, `validating ${validation.files?.length ?? 0} files`);
  // References to records that exist only in the database are checked once it is there.
  if (!onlyReferenceProblems(validation.problems)) {
    reportProblems(validation.problems);
    return 1;
  }
  const { bundle } = validation;
  log.info(
    {
      entities: bundle.entities.length,
      sources: bundle.sources.length,
      studies: bundle.studies.length,
      claims: bundle.claims.length,
    },
    validation.problems.length
      ? `bundle is well-formed; ${validation.problems.length} reference(s) to check against the database`
      : "bundle is valid",
  );

  let target: DatabaseTarget | undefined;
  let db: Database | undefined;
  try {
    target = await provisionDatabase(config, log);
    db = new Database(target, {
      queryTimeoutMs: config.KG_QUERY_TIMEOUT_MS,
      acquireTimeoutMs: Math.max(config.KG_DB_ACQUIRE_TIMEOUT_MS, 10_000),
    });
    // Schema only (idempotent), also for a dry run: the import's lookups use these indexes.
    const n = await applyConstraints(db);
    log.info({ statements: n }, "constraints and indexes applied");
    let report: ImportReport;
    try {
      report = await importValidated(db, validation, {
        actor: process.env.KG_ACTOR ?? "seed",
        dryRun,
        log,
        timeoutMs: WRITE_TIMEOUT_MS,
        onStep: (step) => log.info({ step }, `${dryRun ? "dry run: " : ""}writing ${step}`),
      });
    } catch (error) {
      const problems = problemsOf(error);
      if (!problems) throw error;
      reportProblems(problems);
      return 1;
    }
    const ms = Date.now() - started;
    log.info(
      {
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        removed: report.removed,
        dryRun,
        ms,
        writeMs: report.elapsedMs,
      },
      dryRun ? "dry run complete: nothing was written" : "seed complete",
    );
    say(
      `\n${dryRun ? "Dry run (rolled back; nothing written)" : "Seeded"} in ${ms} ms from ${validation.files?.length ?? 0} file(s):`,
    );
    say(summary(report));
    return 0;
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
    const original = (error as { originalError?: unknown }).originalError ?? error;
    log.error({ err: original }, "seed failed; nothing was written");
    say(`seed failed: ${(original as Error).message ?? String(original)}`);
    process.exitCode = 1;
  },
);
