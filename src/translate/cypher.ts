/**
 * What every translate function shares: the builder that keeps request values out of the Cypher
 * text (they travel as parameters $p0, $p1, ...; only names it makes are spliced in), and the
 * check of `first`-style arguments.
 */
import { clientError } from "../errors.js";

export const LIST_DEFAULT = 20;
export const LIST_MAX = 100;

export class CypherBuilder {
  readonly params: Record<string, unknown> = {};
  private nextParam = 0;
  private nextVar = 0;

  param(value: unknown): string {
    const name = `p${this.nextParam++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  variable(prefix: string): string {
    return `${prefix}${this.nextVar++}`;
  }
}

/**
 * The one range check of whole-number arguments (first, hops, years ...): `fallback` when absent,
 * else BAD_USER_INPUT naming the argument and its range. Arguments are checked here, while the
 * request is translated, not by a schema-level validation plugin: a nested field's arguments
 * (`outgoing(first:)`) are consumed by the translation into the request's one Cypher query, before
 * any resolver of that field runs.
 */
export function intArg(
  value: unknown,
  range: { name: string; min: number; max: number; unit?: string },
  fallback?: number,
): number {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw clientError(
      "BAD_USER_INPUT",
      `\`${range.name}\` must be ${range.unit ?? "a whole number"} from ${range.min} to ${range.max}.`,
      {
        argument: range.name,
      },
    );
  }
  return value;
}

/** A `first` argument: 1..max, default when absent. */
export const firstArg = (value: unknown, fallback = LIST_DEFAULT, max = LIST_MAX, name = "first"): number =>
  intArg(value, { name, min: 1, max }, fallback);

/** A Cypher list literal of vocabulary words (never request text). */
export const cypherList = (words: readonly string[]) => `[${words.map((w) => `'${w}'`).join(", ")}]`;
