/**
 * Importing bundles: read files (YAML/JSON), validate everything, check references against the
 * database, and write in ONE transaction — all or nothing. Shared by `npm run seed`, the seed on
 * start-up and the GraphQL `importBundle` / upsert mutations.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { GraphQLError } from "graphql";
import YAML from "yaml";
import type { Database } from "../db/database.js";
import { clientError } from "../errors.js";
import type { Logger } from "../logger.js";
import {
  checkReferences,
  fetchKnownIdsTx,
  PROBLEM_CODES,
  type Problem,
  type ValidationResult,
  validateBundle,
} from "./bundle-validation.js";
import { type WriteOptions, type WriteReport, writeBundle } from "./bundle-writer.js";

export type { Problem, ValidationResult } from "./bundle-validation.js";
export { refreshEvidence } from "./bundle-writer.js";

export const BUNDLE_EXTENSIONS = [".yaml", ".yml", ".json"];

export interface ImportOptions {
  /** Who writes (createdBy/updatedBy). */
  actor: string;
  /** Validate and compute the report inside a transaction that is rolled back. */
  dryRun?: boolean;
  log?: Logger;
  /** The name an in-memory bundle gets in problems (default "bundle"). */
  file?: string;
  /** Transaction timeout for the write (default: the database's). */
  timeoutMs?: number;
  /** ISO timestamp for createdAt/updatedAt (default: now). */
  now?: string;
  onStep?: WriteOptions["onStep"];
  /**
   * Completes the validated bundle inside the write transaction once its records are locked and
   * before any of them is read (writeBundle's `prepare`): e.g. createClaim keeps the evidence the
   * claim has, read under the claim's lock so that no concurrent evidence edit slips in between.
   */
  prepare?: WriteOptions["prepare"];
}

export type ImportReport = WriteReport & { dryRun: boolean; elapsedMs: number };

/* ---------------------------------------------------------------- problems as errors */

/** How many problems travel in a GraphQL error's extensions (all of them stay on the error object). */
const MAX_PROBLEMS_IN_ERROR = 200;
const ALL_PROBLEMS = Symbol("allProblems");

export function formatProblem(p: Problem): string {
  const where = [p.entry, p.field].filter(Boolean).join(" ");
  return `${p.file}${p.line ? `:${p.line}` : ""}  ${where}: ${p.message} [${p.code}]`;
}

/** BAD_USER_INPUT listing the problems in `extensions.problems`; nothing has been written. */
export function bundleProblemsError(problems: Problem[]): GraphQLError {
  const first = problems[0];
  const error = clientError(
    "BAD_USER_INPUT",
    `The bundle has ${problems.length} problem(s); nothing was written.${first ? ` First: ${formatProblem(first)}` : ""}`,
    { problems: problems.slice(0, MAX_PROBLEMS_IN_ERROR), problemCount: problems.length },
  );
  Object.defineProperty(error, ALL_PROBLEMS, { value: problems, enumerable: false });
  return error;
}

/** The problems a bundle import was refused for, or undefined for any other error. */
export function problemsOf(error: unknown): Problem[] | undefined {
  if (error && typeof error === "object" && ALL_PROBLEMS in error) return (error as Record<symbol, Problem[]>)[ALL_PROBLEMS];
  return undefined;
}

/** Thrown inside the transaction to roll a dry run back; a GraphQLError so Database.write passes it through. */
class DryRunRollback extends GraphQLError {
  constructor(readonly report: WriteReport) {
    super("dry run: rolled back");
  }
}

/* ---------------------------------------------------------------- files */

async function listFiles(target: string): Promise<{ files: string[]; problems: Problem[] }> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(target);
  } catch (error) {
    const message = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (error as Error).message;
    return { files: [], problems: [{ file: target, entry: "(file)", field: "", message, code: PROBLEM_CODES.read }] };
  }
  if (!stat.isDirectory()) return { files: [target], problems: [] };
  const names = (await fs.readdir(target, { withFileTypes: true }))
    .filter((d) => d.isFile() && BUNDLE_EXTENSIONS.includes(path.extname(d.name).toLowerCase()))
    .map((d) => d.name)
    .sort();
  if (!names.length) {
    return {
      files: [],
      problems: [
        {
          file: target,
          entry: "(folder)",
          field: "",
          message: `no ${BUNDLE_EXTENSIONS.join("/")} files in this folder`,
          code: PROBLEM_CODES.noFiles,
        },
      ],
    };
  }
  return { files: names.map((n) => path.join(target, n)), problems: [] };
}

/** Parses one file's text: JSON for .json, YAML otherwise. Syntax errors become problems with a line. */
export function parseBundleText(
  file: string,
  text: string,
): { parts: Array<{ file: string; data: unknown }>; problems: Problem[] } {
  if (path.extname(file).toLowerCase() === ".json") {
    try {
      return { parts: [{ file, data: JSON.parse(text) }], problems: [] };
    } catch (error) {
      const message = (error as Error).message;
      const position = /position (\d+)/.exec(message)?.[1];
      const line = position === undefined ? undefined : text.slice(0, Number(position)).split("\n").length;
      return {
        parts: [],
        problems: [
          { file, entry: "(file)", field: "", message: `JSON syntax error: ${message}`, code: PROBLEM_CODES.syntax, line },
        ],
      };
    }
  }
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [];
  const problems: Problem[] = [];
  for (const doc of list) {
    for (const error of doc.errors) {
      const line = error.linePos?.[0]?.line;
      const col = error.linePos?.[0]?.col;
      const first = error.message.split("\n")[0] ?? error.message;
      problems.push({
        file,
        entry: "(file)",
        field: "",
        message: `YAML syntax error${line ? ` at line ${line}${col ? `, column ${col}` : ""}` : ""}: ${first.replace(/ at line \d+, column \d+:?$/, "")}`,
        code: PROBLEM_CODES.syntax,
        line,
      });
    }
  }
  if (problems.length) return { parts: [], problems };
  if (list.length <= 1) return { parts: [{ file, data: list[0]?.toJS() ?? {} }], problems };
  return { parts: list.map((doc, i) => ({ file: `${file} (document ${i + 1})`, data: doc.toJS() })), problems };
}

/**
 * Reads bundle files and folders (a folder: every .yaml/.yml/.json in it, sorted by name) and
 * validates them together. References are checked against the files alone: a reference to a
 * record that exists only in the database is reported as DANGLING_REFERENCE here and resolved by
 * `importValidated`, which checks references against the database inside its transaction.
 */
export async function loadBundleFiles(paths: readonly string[]): Promise<ValidationResult> {
  const problems: Problem[] = [];
  const files: string[] = [];
  for (const target of paths) {
    const listed = await listFiles(target);
    files.push(...listed.files);
    problems.push(...listed.problems);
  }
  const parts: Array<{ file: string; data: unknown }> = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      problems.push({ file, entry: "(file)", field: "", message: (error as Error).message, code: PROBLEM_CODES.read });
      continue;
    }
    const parsed = parseBundleText(file, text);
    parts.push(...parsed.parts);
    problems.push(...parsed.problems);
  }
  const result = validateBundle(parts);
  return { ...result, problems: [...problems, ...result.problems], files };
}

/** True when every problem may still be resolved by records that already exist in the database. */
export function onlyReferenceProblems(problems: readonly Problem[]): boolean {
  return problems.every((p) => p.code === PROBLEM_CODES.dangling);
}

/* ---------------------------------------------------------------- import */

/**
 * Validates `input` (a bundle as plain data) and imports it: see `importValidated`.
 * Throws BAD_USER_INPUT (extensions.problems) when anything is wrong; nothing is written then.
 */
export async function importBundle(db: Database, input: unknown, opts: ImportOptions): Promise<ImportReport> {
  return importValidated(db, validateBundle([{ file: opts.file ?? "bundle", data: input }]), opts);
}

/**
 * Imports an already validated bundle in ONE write transaction: references are re-checked
 * against the database inside it (a reference may name a record that exists only there), then
 * the bundle is written; a dry run computes the same report and rolls back.
 */
export async function importValidated(db: Database, validation: ValidationResult, opts: ImportOptions): Promise<ImportReport> {
  if (!onlyReferenceProblems(validation.problems)) throw bundleProblemsError(validation.problems);
  const started = Date.now();
  const { bundle } = validation;
  const dryRun = opts.dryRun ?? false;
  opts.log?.debug(
    {
      entities: bundle.entities.length,
      sources: bundle.sources.length,
      studies: bundle.studies.length,
      claims: bundle.claims.length,
      dryRun,
    },
    "importing bundle",
  );
  let report: WriteReport;
  try {
    report = await db.write(
      async (tx) => {
        const known = await fetchKnownIdsTx(tx, bundle);
        const problems = checkReferences({ ...validation, bundle }, known);
        if (problems.length) throw bundleProblemsError(problems);
        const written = await writeBundle(tx, bundle, {
          actor: opts.actor,
          now: opts.now,
          onStep: opts.onStep,
          prepare: opts.prepare,
        });
        if (dryRun) throw new DryRunRollback(written);
        return written;
      },
      undefined,
      opts.timeoutMs,
    );
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
    report = error.report;
  }
  return { ...report, dryRun, elapsedMs: Date.now() - started };
}
