/**
 * What is wrong with a bundle, in one shape a person can act on (file, entry, field, message,
 * code): the problem type, its stable codes, zod issues in readable words, and the structural
 * bounds checked before any parsing (nesting depth and size), so that no input can overflow the
 * stack of the validator or of the messages that quote it.
 */
import type { z } from "zod";

export interface Problem {
  /** The file (or "bundle" for an API call) the problem is in. */
  file: string;
  /** The record, e.g. `claims[3] (claim:foo)`; `(file)` for the file as a whole. */
  entry: string;
  /** The field inside the entry, e.g. `links[0].to`; "" for the entry as a whole. */
  field: string;
  message: string;
  /** A stable code: zod's issue code (invalid_type, unrecognized_keys, ...) or one of ours. */
  code: string;
  /** 1-based line, for syntax errors. */
  line?: number;
}

export const PROBLEM_CODES = {
  syntax: "SYNTAX_ERROR",
  read: "READ_ERROR",
  noFiles: "NO_FILES",
  duplicateId: "DUPLICATE_ID",
  duplicateEvidence: "DUPLICATE_EVIDENCE",
  dangling: "DANGLING_REFERENCE",
  selfReference: "SELF_REFERENCE",
  bearsOnUnknownLink: "BEARS_ON_UNKNOWN_LINK",
  inferenceWithoutReason: "INFERENCE_WITHOUT_REASON",
  tooDeep: "TOO_DEEP",
  tooLarge: "TOO_LARGE",
} as const;

/** Nesting deeper than this is no bundle: its deepest field is 5 levels down. */
export const MAX_BUNDLE_DEPTH = 32;
/** Values (objects, arrays, scalars) one bundle may hold in all. */
export const MAX_BUNDLE_VALUES = 2_000_000;

/**
 * Walks `data` without recursion; reports the first place nested deeper than MAX_BUNDLE_DEPTH, or
 * that the whole holds more than MAX_BUNDLE_VALUES values. Nothing else looks at it before this.
 */
export function structureProblems(file: string, data: unknown): Problem[] {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: data, path: [] }];
  let values = 0;
  while (stack.length) {
    const { value, path } = stack.pop() as { value: unknown; path: PropertyKey[] };
    if (++values > MAX_BUNDLE_VALUES) {
      return [
        { file, entry: "(bundle)", field: "", message: `more than ${MAX_BUNDLE_VALUES} values`, code: PROBLEM_CODES.tooLarge },
      ];
    }
    if (typeof value !== "object" || value === null) continue;
    if (path.length >= MAX_BUNDLE_DEPTH) {
      const [kind, index, ...rest] = path;
      const entry = typeof kind === "string" && typeof index === "number" ? `${kind}[${index}]` : "(bundle)";
      const field = pathText(entry === "(bundle)" ? path.slice(0, 8) : rest.slice(0, 8));
      return [
        {
          file,
          entry,
          field: `${field}...`,
          message: `nested deeper than ${MAX_BUNDLE_DEPTH} levels`,
          code: PROBLEM_CODES.tooDeep,
        },
      ];
    }
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
  return [];
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function entryLabel(kind: string, index: number, raw: unknown): string {
  const id = isRecord(raw) && typeof raw.id === "string" ? ` (${raw.id})` : "";
  return `${kind}[${index}]${id}`;
}

const shown = (value: unknown): string => {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** A readable message for a zod issue, naming the value that was given where it helps. */
function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? `required field is missing (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${shown(issue.input)}`;
    case "invalid_value":
      return `${shown(issue.input)} is not allowed; expected one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_format":
      return `${shown(issue.input)}: ${issue.message}`;
    default:
      return issue.message;
  }
}

/** Maps one zod issue of a (partial) bundle to Problems: one per unknown key. */
export function issueToProblems(file: string, data: unknown, issue: z.core.$ZodIssue): Problem[] {
  const [kind, index, ...rest] = issue.path;
  let entry = "(bundle)";
  let fieldPath: readonly PropertyKey[] = issue.path;
  if (typeof kind === "string" && typeof index === "number") {
    const raw = isRecord(data) && Array.isArray(data[kind]) ? (data[kind] as unknown[])[index] : undefined;
    entry = entryLabel(kind, index, raw);
    fieldPath = rest;
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      file,
      entry,
      field: pathText([...fieldPath, key]),
      message: `unknown field "${key}"`,
      code: issue.code,
    }));
  }
  return [{ file, entry, field: pathText(fieldPath), message: issueMessage(issue), code: issue.code }];
}
