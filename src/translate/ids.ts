/** Id checks done before any Cypher is built: malformed ids are BAD_USER_INPUT, not a miss. */
import { clientError } from "../errors.js";
import { ID_PATTERNS, MAX_ID_LENGTH } from "../model/vocabulary.js";

export type IdKind = keyof typeof ID_PATTERNS;

export const LABELS: Record<IdKind, "Entity" | "Claim" | "Study" | "Source"> = {
  entity: "Entity",
  claim: "Claim",
  study: "Study",
  source: "Source",
};

const EXAMPLES: Record<IdKind, string> = {
  entity: "vagus-nerve",
  claim: "claim:magnesium-raises-gaba",
  study: "study:nutrients-2017-meta-analysis",
  source: "source:mg-glycinate-gut-brain",
};

export function checkId(kind: IdKind, id: string, argument = "id"): string {
  if (id.length > MAX_ID_LENGTH || !ID_PATTERNS[kind].test(id)) {
    throw clientError(
      "BAD_USER_INPUT",
      `\`${argument}\` is not a valid ${kind} id: expected a lower-case slug like "${EXAMPLES[kind]}"${kind === "entity" ? ' or a CURIE like "CHEBI:15365"' : ""} of at most ${MAX_ID_LENGTH} characters.`,
      { argument },
    );
  }
  return id;
}

/** The kind of any node id, from its prefix. */
export function kindOfId(id: string, argument = "id"): IdKind {
  const prefix = id.slice(0, id.indexOf(":") + 1);
  const kind: IdKind = prefix === "claim:" ? "claim" : prefix === "study:" ? "study" : prefix === "source:" ? "source" : "entity";
  checkId(kind, id, argument);
  return kind;
}
