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

/** Validates a `first` argument: 1..max, default when absent. */
export function firstArg(value: unknown, fallback = LIST_DEFAULT, max = LIST_MAX, name = "first"): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw clientError("BAD_USER_INPUT", `\`${name}\` must be a whole number from 1 to ${max}.`, {
      argument: name,
    });
  }
  return value;
}

/** A Cypher list literal of vocabulary words (never request text). */
export const cypherList = (words: readonly string[]) => `[${words.map((w) => `'${w}'`).join(", ")}]`;
