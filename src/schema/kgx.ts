/**
 * `importKgx`: the curator mutation for small KGX files (the text of a nodes file and an edges
 * file, TSV or JSON Lines), through the same importer as `npm run import` (src/kgx/importer.ts):
 * checked first (every problem located in extensions.problems, nothing written), then staged,
 * published, or taken back. Large files belong to the command line.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { clientError } from "../errors.js";
import { ImportInProgress } from "../kgx/import-lock.js";
import { importKgx, type KgxImportReport, KgxRefused } from "../kgx/importer.js";
import type { KgxProblem } from "../kgx/reader.js";
import { requireWriter } from "../plugins/auth.js";
import { builder } from "./builder.js";

/** Largest nodes or edges text the mutation takes (characters); bigger files: `npm run import`. */
export const MAX_KGX_TEXT = 5_000_000;

const KgxFormatEnum = builder.enumType("KgxFormat", {
  description: "How a KGX file is written.",
  values: {
    TSV: { description: "Tab-separated, one header row; multi-valued cells joined with `|`." },
    JSONL: { description: "JSON Lines: one object per line; multi-valued values as arrays." },
  },
});

type Counts = KgxImportReport["entities"];
const KgxCountsRef = builder.objectRef<Counts>("KgxImportCounts").implement({
  description: "How many records the import created, changed and found as they were.",
  fields: (t) => ({
    created: t.exposeInt("created", { description: "New records." }),
    updated: t.exposeInt("updated", { description: "Records that changed." }),
    unchanged: t.exposeInt("unchanged", { description: "Records that were already so." }),
  }),
});

const KgxProblemRef = builder.objectRef<KgxProblem>("KgxProblem").implement({
  description: "A problem in the files, where it is: file, line, column, and what was expected.",
  fields: (t) => ({
    severity: t.exposeString("severity", { description: "error (nothing written) or warning (kept)." }),
    code: t.exposeString("code", { description: "e.g. MALFORMED_CURIE, UNKNOWN_NODE, UNKNOWN_PREDICATE." }),
    file: t.exposeString("file", { description: "nodes or edges." }),
    line: t.int({ nullable: true, resolve: (p) => p.line ?? null, description: "1-based line." }),
    column: t.string({ nullable: true, resolve: (p) => p.column ?? null, description: "The column (KGX slot name)." }),
    message: t.exposeString("message", { description: "What was expected and what was found." }),
  }),
});

const KgxImportReportRef = builder.objectRef<KgxImportReport>("KgxImportReport").implement({
  description: "What a KGX import created, changed and left as it was.",
  fields: (t) => ({
    importId: t.exposeString("importId", { description: "The import's id (the same files give the same id)." }),
    source: t.exposeString("source", { description: "The Source the knowledge graph is recorded as." }),
    status: t.exposeString("status", { description: "published, unchanged (already imported) or dry-run." }),
    dryRun: t.exposeBoolean("dryRun", { description: "True when nothing was written." }),
    entities: t.field({ type: KgxCountsRef, resolve: (p) => p.entities, description: "Entities." }),
    mergedByXref: t.exposeInt("mergedByXref", { description: "Nodes merged into a curated entity sharing an xref." }),
    links: t.field({ type: KgxCountsRef, resolve: (p) => p.links, description: "Mechanism links." }),
    negatedLinks: t.field({ type: KgxCountsRef, resolve: (p) => p.negatedLinks, description: "Negated statements." }),
    workRecords: t.field({ type: KgxCountsRef, resolve: (p) => p.workRecords, description: "Work records of publications." }),
    retractedLinks: t.int({
      resolve: (p) => p.retracted.updated + p.retracted.deleted,
      description:
        "With replace: links the knowledge graph stated before and this release no longer states (each loses the KG's part; one nothing else states or asserts is deleted).",
    }),
    deletedLinks: t.int({
      resolve: (p) => p.retracted.deleted,
      description: "Of retractedLinks, those deleted (nothing else stated or asserted them).",
    }),
    deletedEntities: t.int({
      resolve: (p) => p.retracted.entitiesDeleted,
      description:
        "With replace: entities the knowledge graph named and this release no longer names, deleted (no other KG names them and nothing else uses them; the others lose this KG and are kept).",
    }),
    deletedWorkRecords: t.int({
      nullable: true,
      resolve: (p) => p.retracted.workRecordsDeleted,
      description:
        "With replace: work records the import made for publications this release no longer lists, deleted (no link cites them and nothing else points at them); null in a dry run (not worked out).",
    }),
    warnings: t.exposeInt("warnings", { description: "Warnings (unknown categories, unmodelled predicates): kept." }),
    problems: t.field({ type: [KgxProblemRef], resolve: (p) => p.problems, description: "The warnings, located." }),
  }),
});

builder.mutationField("importKgx", (t) =>
  t.field({
    type: KgxImportReportRef,
    args: {
      nodes: t.arg.string({ required: true, description: "The nodes file's text." }),
      edges: t.arg.string({ required: true, description: "The edges file's text." }),
      format: t.arg({ type: KgxFormatEnum, required: false, defaultValue: "TSV", description: "TSV (default) or JSONL." }),
      name: t.arg.string({ required: true, description: "The knowledge graph's name: its Source is source:kgx-<name>." }),
      dryRun: t.arg.boolean({ required: false, defaultValue: false, description: "Check and report without writing." }),
      replace: t.arg.boolean({
        required: false,
        defaultValue: false,
        description:
          "A new release of the knowledge graph `name`: its statements replace the KG's earlier ones (links it no longer states lose them). Default: statements are added.",
      }),
    },
    description:
      "Imports a small KGX graph (nodes and edges as text, at most 5,000,000 characters each; larger files: `npm run import`). Every problem is reported, located, in extensions.problems and nothing is written; otherwise the import is published, or taken back if it fails. Idempotent: the same files again change nothing.",
    resolve: async (_root, args, ctx) => {
      const actor = requireWriter(ctx);
      for (const which of ["nodes", "edges"] as const) {
        if (args[which].length > MAX_KGX_TEXT) {
          throw clientError("BAD_USER_INPUT", `\`${which}\` is longer than ${MAX_KGX_TEXT} characters: use \`npm run import\`.`, {
            argument: which,
          });
        }
      }
      if (args.replace && !args.name.trim()) {
        throw clientError("BAD_USER_INPUT", "`replace` needs the knowledge graph's `name`.", { argument: "name" });
      }
      const ext = args.format === "JSONL" ? "jsonl" : "tsv";
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kgx-"));
      try {
        const files = [path.join(dir, `nodes.${ext}`), path.join(dir, `edges.${ext}`)];
        await fs.writeFile(files[0] as string, args.nodes);
        await fs.writeFile(files[1] as string, args.edges);
        const report = await importKgx(ctx.db, files, {
          actor,
          name: args.name,
          dryRun: args.dryRun ?? false,
          replace: args.replace ?? false,
          log: ctx.log,
        });
        return { ...report, problems: report.problems.map((p) => ({ ...p, file: path.basename(p.file) })) };
      } catch (error) {
        if (error instanceof KgxRefused) {
          const problems = error.report.problems.map((p) => ({ ...p, file: path.basename(p.file) }));
          const first = problems.find((p) => p.severity === "error");
          throw clientError(
            "BAD_USER_INPUT",
            `The KGX files have ${error.report.errors} error(s); nothing was written.${first ? ` First: ${first.file}:${first.line ?? ""} ${first.column ?? ""} ${first.message}` : ""}`,
            { problems: problems.slice(0, 200), problemCount: error.report.errors + error.report.warnings },
          );
        }
        if (error instanceof ImportInProgress) {
          throw clientError(
            "IMPORT_IN_PROGRESS",
            "Another KGX import is running; nothing was written. Send this one again when it has finished.",
            {
              retriable: true,
            },
          );
        }
        throw error;
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  }),
);
