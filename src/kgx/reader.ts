/**
 * Streaming KGX reader: nodes and edges files as TSV or JSON Lines, optionally gzipped, given as
 * files, a directory, or a tarball (.tar, .tar.gz, .tgz). Rows are yielded one at a time with
 * their file and line, so a 10M-edge file never sits in memory; a SHA-256 of every byte read is
 * kept per file (the import's fingerprint).
 *
 * A file is a nodes file or an edges file by its name (`..._nodes.tsv`, `edges.jsonl.gz` ...).
 */
import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { PassThrough, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import tarStream from "tar-stream";
import { MULTI_VALUE_SEPARATOR, MULTI_VALUED } from "./format.js";

export type FileRole = "nodes" | "edges";
export type Format = "tsv" | "jsonl";

/** One input: a name for messages, its role and format, and how to open its (decompressed) bytes. */
export interface KgxInput {
  name: string;
  role: FileRole;
  format: Format;
  gzip: boolean;
  /** Opens the raw (possibly gzipped) bytes. */
  open: () => Readable;
}

/** A row as read: single values are strings, multi-valued columns string lists; absent: not set. */
export type KgxRecord = Record<string, string | string[] | boolean>;

export interface Row {
  file: string;
  line: number;
  record: KgxRecord;
}

/** A located problem in the files (file, line, column, what was expected). */
export interface KgxProblem {
  severity: "error" | "warning";
  code: string;
  file: string;
  line?: number;
  column?: string;
  message: string;
}

export const formatKgxProblem = (p: KgxProblem) =>
  `${p.file}${p.line ? `:${p.line}` : ""}${p.column ? ` [${p.column}]` : ""} ${p.severity}: ${p.message} (${p.code})`;

const NAME = /^(.*?)\.(tsv|jsonl|json)(\.gz)?$/i;

/** Role and format of a file name, or undefined when it is not a KGX nodes/edges file. */
export function classifyName(file: string): Pick<KgxInput, "role" | "format" | "gzip"> | undefined {
  const base = path.basename(file);
  const m = NAME.exec(base);
  if (!m) return undefined;
  const stem = String(m[1]).toLowerCase();
  const role: FileRole | undefined =
    /edges?$/.test(stem) || stem.includes("edge") ? "edges" : stem.includes("node") ? "nodes" : undefined;
  if (!role) return undefined;
  return { role, format: m[2]?.toLowerCase() === "tsv" ? "tsv" : "jsonl", gzip: Boolean(m[3]) };
}

const isTar = (file: string) => /\.(tar|tar\.gz|tgz)$/i.test(file);

/** Expands the paths given (files, directories, tarballs) into inputs, nodes first. */
export async function listInputs(paths: readonly string[]): Promise<{ inputs: KgxInput[]; problems: KgxProblem[] }> {
  const inputs: KgxInput[] = [];
  const problems: KgxProblem[] = [];
  const addFile = (file: string) => {
    const kind = classifyName(file);
    if (!kind) {
      problems.push({
        severity: "error",
        code: "UNKNOWN_FILE",
        file,
        message: "expected a KGX nodes or edges file: a name with 'nodes' or 'edges' ending in .tsv, .jsonl (optionally .gz)",
      });
      return;
    }
    inputs.push({ name: file, ...kind, open: () => fs.createReadStream(file) });
  };
  for (const p of paths) {
    const stat = await fs.promises.stat(p).catch(() => undefined);
    if (!stat) {
      problems.push({ severity: "error", code: "NOT_FOUND", file: p, message: "no such file or directory" });
    } else if (stat.isDirectory()) {
      const names = (await fs.promises.readdir(p)).sort();
      for (const n of names) {
        const full = path.join(p, n);
        if (classifyName(n)) addFile(full);
        else if (isTar(n)) inputs.push(...(await tarInputs(full)));
      }
    } else if (isTar(p)) {
      inputs.push(...(await tarInputs(p)));
    } else addFile(p);
  }
  if (!inputs.some((i) => i.role === "edges") && !problems.length) {
    problems.push({ severity: "warning", code: "NO_EDGES", file: paths.join(", "), message: "no edges file found" });
  }
  // Nodes before edges: edges are checked against the nodes read.
  inputs.sort((a, b) => (a.role === b.role ? 0 : a.role === "nodes" ? -1 : 1));
  return { inputs, problems };
}

/**
 * The KGX members of a tarball. Each member is streamed from the tarball when opened (the tarball
 * is read again per member: no member is held in memory or extracted to disk).
 */
async function tarInputs(file: string): Promise<KgxInput[]> {
  const members: string[] = [];
  await walkTar(file, async (name, stream) => {
    if (classifyName(name)) members.push(name);
    stream.resume();
  });
  return members.map((member) => {
    const kind = classifyName(member) as NonNullable<ReturnType<typeof classifyName>>;
    return {
      name: `${file}!${member}`,
      ...kind,
      open: () => {
        const out = new PassThrough();
        walkTar(file, async (name, stream) => {
          if (name === member) {
            stream.pipe(out);
            await new Promise((resolve) => stream.on("end", resolve));
          } else stream.resume();
        }).catch((e) => out.destroy(e as Error));
        return out;
      },
    };
  });
}

async function walkTar(file: string, onEntry: (name: string, stream: Readable) => Promise<void>): Promise<void> {
  const extract = tarStream.extract();
  let raw: Readable = fs.createReadStream(file);
  if (/\.(tar\.gz|tgz)$/i.test(file)) raw = raw.pipe(createGunzip());
  raw.pipe(extract);
  for await (const entry of extract) {
    if (entry.header.type === "file") await onEntry(entry.header.name, entry as unknown as Readable);
    else entry.resume();
  }
}

/** Splits a TSV cell: multi-valued columns by `|`, empty cells are absent. */
function cell(column: string, value: string): string | string[] | undefined {
  if (value === "") return undefined;
  if (MULTI_VALUED.has(column)) return value.split(MULTI_VALUE_SEPARATOR).filter((v) => v !== "");
  return value;
}

/** Normalises a JSON Lines value: multi-valued columns as lists, the rest as strings or booleans. */
function jsonValue(column: string, value: unknown): string | string[] | boolean | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (MULTI_VALUED.has(column)) {
    const list = Array.isArray(value) ? value : [value];
    return list.map(String).filter((v) => v !== "");
  }
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(String).join(MULTI_VALUE_SEPARATOR);
  return String(value);
}

/**
 * Streams the rows of one input. `hash` receives every raw byte; `problems` collects format
 * errors (a bad JSON line, a row with the wrong number of cells, a missing header column).
 */
export async function* readRows(
  input: KgxInput,
  required: readonly string[],
  problems: KgxProblem[],
  hash?: Hash,
): AsyncGenerator<Row> {
  let raw = input.open();
  if (hash) raw.on("data", (chunk: Buffer) => hash.update(chunk));
  if (input.gzip) raw = raw.pipe(createGunzip());
  const lines = readline.createInterface({ input: raw, crlfDelay: Number.POSITIVE_INFINITY });
  let header: string[] | undefined;
  let n = 0;
  for await (const text of lines) {
    n += 1;
    if (input.format === "tsv") {
      if (!header) {
        header = text.split("\t").map((h) => h.trim());
        for (const col of required) {
          if (!header.includes(col)) {
            problems.push({
              severity: "error",
              code: "MISSING_COLUMN",
              file: input.name,
              line: 1,
              column: col,
              message: `the header has no \`${col}\` column (a KGX ${input.role} file needs ${required.join(", ")})`,
            });
          }
        }
        if (required.some((c) => !header?.includes(c))) return;
        continue;
      }
      if (text === "") continue;
      const cells = text.split("\t");
      if (cells.length !== header.length) {
        problems.push({
          severity: "error",
          code: "BAD_ROW",
          file: input.name,
          line: n,
          message: `expected ${header.length} tab-separated cells (as in the header), found ${cells.length}`,
        });
        continue;
      }
      const record: KgxRecord = {};
      header.forEach((col, i) => {
        const v = cell(col, cells[i] as string);
        if (v !== undefined) record[col] = v;
      });
      yield { file: input.name, line: n, record };
    } else {
      if (text.trim() === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        problems.push({
          severity: "error",
          code: "BAD_JSON",
          file: input.name,
          line: n,
          message: `expected one JSON object per line: ${(e as Error).message}`,
        });
        continue;
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        problems.push({ severity: "error", code: "BAD_JSON", file: input.name, line: n, message: "expected a JSON object" });
        continue;
      }
      const record: KgxRecord = {};
      for (const [col, value] of Object.entries(parsed)) {
        const v = jsonValue(col, value);
        if (v !== undefined) record[col] = v;
      }
      const missing = required.filter((c) => record[c] === undefined);
      if (missing.length) {
        for (const col of missing) {
          problems.push({
            severity: "error",
            code: "MISSING_COLUMN",
            file: input.name,
            line: n,
            column: col,
            message: `the object has no \`${col}\` (a KGX ${input.role} row needs ${required.join(", ")})`,
          });
        }
        continue;
      }
      yield { file: input.name, line: n, record };
    }
  }
}

export const newHash = () => createHash("sha256");
