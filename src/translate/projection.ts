/**
 * Turns a selection tree into one Cypher map projection, with a COLLECT subquery per nested
 * list, so that a whole GraphQL request is answered by a single Cypher round trip.
 *
 * Values from the request only ever travel as parameters ($p0, $p1, ...). Everything spliced
 * into the Cypher text comes from this file: variable names it makes, response keys (GraphQL
 * names, backtick-quoted) and the expressions below.
 *
 * Over 300 lines on purpose: TYPES is one table with an entry per GraphQL object type, so that
 * every projected field and relation is found in one place.
 */

import { int } from "../db/database.js";
import { KG_PART_PROPS } from "../graph/kg-parts.js";
import { negatedLinkIdCypher } from "../kgx/mapping.js";
import { DEFINITIONAL_PREDICATES, EVIDENCE_TYPES } from "../model/vocabulary.js";
import { type CypherBuilder, cypherList, firstArg } from "./cypher.js";
import type { FieldSelection } from "./selection.js";
import { strongestLinkList } from "./strongest.js";

/** Lists the contract gives no `first` argument still end somewhere. */
const UNPAGED_CAP = 200;

type Expression = (v: string) => string;

/** A list: the subquery body binding `child` from `parent`, and what follows its RETURN. */
type Subquery = (
  parent: string,
  child: string,
  args: Record<string, unknown>,
  q: CypherBuilder,
) => { body: string; tail?: string };

type Relation =
  | { target: string; build: Subquery }
  | {
      target: string;
      /** One value computed from `parent` (an end node, a map entry): no subquery needed. */
      one: Expression;
      /** The TypeSpec to project it with, where it is not the GraphQL type's own (default: target). */
      spec?: string;
    };

interface TypeSpec {
  fields: Record<string, Expression>;
  relations: Record<string, Relation>;
  /** Projected whatever is asked, for resolvers that work fields out in Node (keys start with __). */
  hidden?: Record<string, Expression>;
}

/**
 * Value objects stored as properties of their owner (a claim's or a link's evidence summary, a
 * claim's qualifiers) are projected from the owner itself, like any related object, so that their
 * fields too are keyed by response key (aliases).
 */
const sameNode: Expression = (v) => v;

const prop =
  (name: string): Expression =>
  (v) =>
    `${v}.${name}`;
const list =
  (name: string): Expression =>
  (v) =>
    `coalesce(${v}.${name}, [])`;

const DEFINITIONAL = cypherList(DEFINITIONAL_PREDICATES);
/** Worst first: the verdict a claim's check summary names when its works disagree. */
const VERDICTS_WORST_FIRST = ["CONTRADICTED", "OVERSTATED", "UNVERIFIED", "NOT_ADDRESSED", "CONSISTENT"];

/** A list of maps from parallel list properties of `v` (a property cannot hold maps). */
const zipped = (v: string, c: string, lists: Record<string, string>, extra = "") => {
  const first = Object.values(lists)[0] as string;
  const entries = Object.entries(lists).map(([key, prop]) => `${key}: ${v}.${prop}[zipIndex]`);
  return `UNWIND range(0, size(coalesce(${v}.${first}, [])) - 1) AS zipIndex WITH {${entries.join(", ")}, ord: zipIndex} AS ${c}${extra}`;
};

/**
 * What imported knowledge graphs state of a link, one per KG: the child is a map {link, source,
 * negated}; the KG's part is picked out of the link's properties in Node (graph/kg-parts.ts: a
 * part may be JSON). The parent is the link itself, or with `negation`, the link whose
 * NEGATED_LINK is read (the graphs denying it).
 */
function kgStatements(negated: boolean, negation = false): Subquery {
  return (p, c, _args, q) => {
    const [sourceId, source] = [q.variable("kgSourceId"), q.variable("kgSource")];
    const l = negation ? q.variable("kgNegation") : p;
    const find = negation
      ? `MATCH ()-[${l}:NEGATED_LINK {id: ${negatedLinkIdCypher(`${p}.id`)}}]->() USING INDEX SEEK ${l}:NEGATED_LINK(id) `
      : "";
    return {
      body: `${find}UNWIND coalesce(${l}.kgSources, []) AS ${sourceId}
        MATCH (${source}:Source {id: ${sourceId}}) WITH {link: ${l}, source: ${source}, negated: ${negated}} AS ${c}`,
      tail: `ORDER BY ${c}.source.id LIMIT ${UNPAGED_CAP}`,
    };
  };
}

/**
 * The Sources of the imported knowledge graphs that name an imported entity (`kgSources`); none
 * for a curated one, or one a curator has written since (it no longer has a content hash).
 */
const entitySources: Subquery = (p, c, _args, q) => {
  const sourceId = q.variable("kgSourceId");
  return {
    body: `UNWIND CASE WHEN ${p}.kgxHash IS NULL THEN [] ELSE coalesce(${p}.kgSources, [${p}.kgSource]) END AS ${sourceId}
      MATCH (${c}:Source {id: ${sourceId}})`,
    tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
  };
};

/**
 * An entity's links, strongest first (score, then id): up to FANOUT of them, unfiltered, from the
 * strongest-link shortcuts (strongest.ts), which hold exactly that order.
 */
function strongestLinks(direction: "OUT" | "IN"): Subquery {
  return (p, c, args, q) =>
    strongestLinkList(p, c, direction, firstArg(args.first), args.predicates as string[] | null | undefined, q);
}

export const TYPES: Record<string, TypeSpec> = {
  Entity: {
    fields: {
      id: prop("id"),
      name: prop("name"),
      kind: prop("kind"),
      synonyms: list("synonyms"),
      description: prop("description"),
      xrefs: list("xrefs"),
      // Mapped to the Biolink CURIE by the field's resolver: an imported entity's own categories, else its kind's.
      biolinkCategory: (v) => `{kind: ${v}.kind, categories: ${v}.categories}`,
      createdAt: prop("createdAt"),
      updatedAt: prop("updatedAt"),
      degree: (v) => `COUNT { (${v})-[:LINK]-() }`,
    },
    relations: {
      outgoing: { target: "MechanismLink", build: strongestLinks("OUT") },
      incoming: { target: "MechanismLink", build: strongestLinks("IN") },
      claims: {
        target: "Claim",
        build: (p, c, args, q) => ({
          body: `MATCH (${c}:Claim)-[:ABOUT]->(${p})`,
          tail: `ORDER BY ${c}.score DESC, ${c}.id LIMIT ${q.param(int(firstArg(args.first)))}`,
        }),
      },
      namedBy: { target: "Source", build: entitySources },
      // Imported and not written by a curator since (a curated write removes the content hash).
      describedBy: {
        target: "Source",
        one: (p) =>
          `CASE WHEN ${p}.kgxHash IS NULL THEN null ELSE head(COLLECT { MATCH (describer:Source {id: ${p}.kgSource}) RETURN describer }) END`,
      },
      denials: {
        target: "NegatedLink",
        build: (p, c) => ({ body: `MATCH (${p})-[${c}:NEGATED_LINK]-()`, tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}` }),
      },
    },
  },
  NegatedLink: {
    fields: { id: prop("id"), predicate: prop("predicate") },
    relations: {
      from: { target: "Entity", one: (p) => `startNode(${p})` },
      to: { target: "Entity", one: (p) => `endNode(${p})` },
      deniedBy: { target: "KnowledgeGraphStatement", build: kgStatements(true) },
    },
  },
  MechanismLink: {
    fields: {
      id: prop("id"),
      predicate: prop("predicate"),
      // The Biolink mapping depends on the link's ends (model/biolink.ts): the resolver gets them.
      biolinkPredicate: (v) => `{predicate: ${v}.predicate, fromKind: startNode(${v}).kind, toKind: endNode(${v}).kind}`,
      biolinkQualifiers: (v) => `{predicate: ${v}.predicate, fromKind: startNode(${v}).kind, toKind: endNode(${v}).kind}`,
      certainty: (v) => `coalesce(${v}.certainty, 'ASSERTED')`,
      definitional: (v) => `${v}.predicate IN ${DEFINITIONAL}`,
      fromId: (v) => `startNode(${v}).id`,
      toId: (v) => `endNode(${v}).id`,
    },
    relations: {
      evidence: { target: "EvidenceSummary", one: sameNode },
      from: { target: "Entity", one: (p) => `startNode(${p})` },
      to: { target: "Entity", one: (p) => `endNode(${p})` },
      claims: {
        target: "Claim",
        build: (p, c) => ({
          body: `MATCH (${c}:Claim) WHERE ${c}.id IN ${p}.claimIds`,
          tail: `ORDER BY ${c}.score DESC, ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
      statedBy: { target: "KnowledgeGraphStatement", build: kgStatements(false) },
      // Its NEGATED_LINK, found by id (kgx/mapping.ts, negatedLinkId).
      deniedBy: { target: "KnowledgeGraphStatement", build: kgStatements(true, true) },
    },
  },
  KnowledgeGraphStatement: {
    fields: { negated: prop("negated") },
    hidden: {
      __sourceId: (v) => `${v}.source.id`,
      __link: (v) => `{${KG_PART_PROPS.map((k) => `${k}: ${v}.link.${k}`).join(", ")}}`,
    },
    relations: {
      source: { target: "Source", one: (p) => `${p}.source` },
      // Every work the link's KGs cite: the resolver keeps this KG's (at most 200 in all).
      studies: {
        target: "Study",
        build: (p, c) => ({
          body: `MATCH (${c}:Study) WHERE ${c}.id IN coalesce(${p}.link.studyIds, [])`,
          tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
    },
  },
  Claim: {
    fields: {
      id: prop("id"),
      statement: prop("statement"),
      createdAt: prop("createdAt"),
      updatedAt: prop("updatedAt"),
    },
    relations: {
      evidenceSummary: { target: "EvidenceSummary", one: sameNode },
      check: { target: "ClaimCheck", one: sameNode },
      qualifiers: { target: "Qualifiers", one: sameNode },
      about: {
        target: "Entity",
        build: (p, c) => ({ body: `MATCH (${p})-[:ABOUT]->(${c}:Entity)`, tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}` }),
      },
      links: {
        target: "MechanismLink",
        build: (p, c) => ({
          body: `MATCH ()-[${c}:LINK]->() USING INDEX SEEK ${c}:LINK(id) WHERE ${c}.id IN ${p}.linkIds`,
          tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
      statedIn: {
        target: "Statement",
        build: (p, c) => ({
          body: `MATCH (${p})-[${c}:STATED_IN]->(:Source)`,
          tail: `ORDER BY ${c}.locator LIMIT ${UNPAGED_CAP}`,
        }),
      },
      evidence: {
        target: "Evidence",
        build: (p, c) => ({
          body: `MATCH (:Study)-[${c}:${EVIDENCE_TYPES}]->(${p})`,
          tail: `ORDER BY type(${c}) DESC, startNode(${c}).id LIMIT ${UNPAGED_CAP}`,
        }),
      },
    },
  },
  EvidenceSummary: {
    fields: {
      level: (v) => `coalesce(${v}.level, 'NONE_CITED')`,
      supporting: (v) => `coalesce(${v}.supporting, 0)`,
      contradicting: (v) => `coalesce(${v}.contradicting, 0)`,
      score: (v) => `coalesce(${v}.score, 0.0)`,
    },
    relations: {},
  },
  Qualifiers: {
    fields: { population: prop("population"), dose: prop("dose"), timing: prop("timing"), certainty: prop("certainty") },
    relations: {},
  },
  Statement: {
    fields: { locator: prop("locator") },
    relations: {
      source: { target: "Source", one: (p) => `endNode(${p})` },
    },
  },
  Evidence: {
    fields: {
      stance: (v) => `type(${v})`,
      note: prop("note"),
      voice: (v) => `coalesce(${v}.voice, 'ARTICLE')`,
      reason: prop("reason"),
      verdict: prop("verdict"),
      bearsOnAll: (v) => `${v}.bearsOn IS NULL`,
    },
    relations: {
      study: { target: "Study", one: (p) => `startNode(${p})` },
      claim: { target: "Claim", one: (p) => `endNode(${p})` },
      bearsOn: {
        target: "MechanismLink",
        build: (p, c) => ({
          body: `MATCH ()-[${c}:LINK]->() USING INDEX SEEK ${c}:LINK(id) WHERE ${c}.id IN coalesce(${p}.bearsOn, endNode(${p}).linkIds)`,
          tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
      addresses: {
        target: "MechanismLink",
        build: (p, c) => ({
          body: `MATCH ()-[${c}:LINK]->() USING INDEX SEEK ${c}:LINK(id) WHERE ${c}.id IN coalesce(${p}.addresses, ${p}.bearsOn, endNode(${p}).linkIds)`,
          tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
      reasons: {
        target: "CheckReason",
        build: (p, c) => ({
          body: zipped(p, c, { aspect: "reasonAspects", article: "reasonArticle", work: "reasonWork" }),
          tail: `ORDER BY ${c}.ord`,
        }),
      },
    },
  },
  CheckReason: {
    fields: { aspect: prop("aspect"), article: prop("article"), work: prop("work") },
    relations: {},
  },
  ClaimCheck: {
    fields: {
      gap: (v) => `coalesce(${v}.gap, 0.0)`,
      worstVerdict: (v) =>
        `head([checkVerdict IN ['${VERDICTS_WORST_FIRST.join("', '")}'] WHERE EXISTS { (:Study)-[checkEdge:${EVIDENCE_TYPES}]->(${v}) WHERE checkEdge.verdict = checkVerdict }])`,
      unchecked: (v) => `COUNT { (:Study)-[uncheckedEdge:${EVIDENCE_TYPES}]->(${v}) WHERE uncheckedEdge.verdict IS NULL }`,
    },
    relations: {
      articleImplies: { target: "EvidenceSummary", spec: "ImpliedSummary", one: sameNode },
      evidenceSupports: { target: "EvidenceSummary", one: sameNode },
      verdicts: {
        target: "VerdictCount",
        build: (p, c) => ({
          // No aggregation here: this sits inside a list comprehension (the check is projected from the claim).
          // Worst first, as worstVerdict reads them.
          body: `UNWIND range(0, ${VERDICTS_WORST_FIRST.length - 1}) AS verdictRank
            WITH verdictRank, ['${VERDICTS_WORST_FIRST.join("', '")}'][verdictRank] AS verdict
            WITH verdictRank, verdict, COUNT { (:Study)-[verdictEdge:${EVIDENCE_TYPES}]->(${p}) WHERE verdictEdge.verdict = verdict } AS verdictCount
            WHERE verdictCount > 0 WITH {verdict: verdict, count: verdictCount, rank: verdictRank} AS ${c}`,
          tail: `ORDER BY ${c}.rank`,
        }),
      },
    },
  },
  VerdictCount: { fields: { verdict: prop("verdict"), count: prop("count") }, relations: {} },
  ImpliedSummary: {
    fields: {
      level: (v) => `coalesce(${v}.impliedLevel, 'NONE_CITED')`,
      supporting: (v) => `coalesce(${v}.impliedSupporting, 0)`,
      contradicting: (v) => `coalesce(${v}.impliedContradicting, 0)`,
      score: (v) => `coalesce(${v}.impliedScore, 0.0)`,
    },
    relations: {},
  },
  Study: {
    fields: {
      id: prop("id"),
      title: prop("title"),
      journal: prop("journal"),
      year: prop("year"),
      design: prop("design"),
      population: prop("population"),
      sampleSize: prop("sampleSize"),
      identifiers: list("identifiers"),
      url: prop("url"),
      findings: prop("findings"),
      designVoice: (v) => `coalesce(${v}.designVoice, 'ARTICLE')`,
      createdAt: prop("createdAt"),
      updatedAt: prop("updatedAt"),
    },
    relations: {
      record: { target: "WorkRecord", one: sameNode },
      facts: {
        target: "StudyFact",
        build: (p, c, args, q) => ({
          body: zipped(
            p,
            c,
            { field: "factFields", value: "factValues", voice: "factVoices", locator: "factLocators", url: "factUrls" },
            args.voice ? ` WHERE ${c}.voice = ${q.param(args.voice)}` : "",
          ),
          tail: `ORDER BY ${c}.ord`,
        }),
      },
      claims: {
        target: "Claim",
        build: (p, c) => ({
          body: `MATCH (${p})-[:${EVIDENCE_TYPES}]->(${c}:Claim)`,
          tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
      evidence: {
        target: "Evidence",
        build: (p, c) => ({
          body: `MATCH (${p})-[${c}:${EVIDENCE_TYPES}]->(:Claim)`,
          tail: `ORDER BY endNode(${c}).id LIMIT ${UNPAGED_CAP}`,
        }),
      },
      citedIn: {
        target: "Citation",
        build: (p, c) => ({
          body: `MATCH (:Source)-[${c}:CITES]->(${p})`,
          tail: `ORDER BY ${c}.as DESC, ${c}.locator LIMIT ${UNPAGED_CAP}`,
        }),
      },
      sameAs: {
        target: "SameAs",
        build: (p, c, _args, q) => {
          // SAME_AS is stored one way but read both ways; the child is a map {note, study}.
          const [same, other] = [q.variable("same"), q.variable("other")];
          return {
            body: `MATCH (${p})-[${same}:SAME_AS]-(${other}:Study) WITH {note: ${same}.note, confidence: coalesce(${same}.confidence, 'PROBABLY_SAME_WORK'), voice: coalesce(${same}.voice, 'CURATOR_INFERENCE'), study: ${other}} AS ${c}`,
            tail: `ORDER BY ${c}.study.id LIMIT ${UNPAGED_CAP}`,
          };
        },
      },
    },
  },
  SameAs: {
    fields: { note: prop("note"), confidence: prop("confidence"), voice: prop("voice") },
    relations: {
      study: { target: "Study", one: (p) => `${p}.study` },
    },
  },
  WorkRecord: {
    fields: {
      status: (v) => `coalesce(${v}.recordStatus, 'NOT_CHECKED')`,
      reason: prop("recordReason"),
      design: prop("recordDesign"),
      authorsCertainty: prop("authorsCertainty"),
      sampleSize: prop("recordSampleSize"),
      sizeCounts: prop("sizeCounts"),
      urls: list("recordUrls"),
    },
    relations: {},
  },
  StudyFact: {
    fields: {
      field: prop("field"),
      value: prop("value"),
      voice: prop("voice"),
      locator: prop("locator"),
      url: (v) => `CASE ${v}.url WHEN '' THEN null ELSE ${v}.url END`,
    },
    relations: {},
  },
  Citation: {
    fields: { as: prop("as"), locator: prop("locator") },
    relations: {
      source: { target: "Source", one: (p) => `startNode(${p})` },
    },
  },
  Source: {
    fields: {
      id: prop("id"),
      title: prop("title"),
      kind: prop("kind"),
      url: prop("url"),
      publisher: prop("publisher"),
    },
    relations: {
      cites: {
        target: "Study",
        build: (p, c) => ({
          body: `MATCH (${p})-[:CITES]->(${c}:Study) WITH DISTINCT ${c}`,
          tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
      claims: {
        target: "Claim",
        build: (p, c) => ({
          body: `MATCH (${c}:Claim)-[:STATED_IN]->(${p}) WITH DISTINCT ${c}`,
          tail: `ORDER BY ${c}.id LIMIT ${UNPAGED_CAP}`,
        }),
      },
    },
  },
};

const quoteKey = (key: string) => `\`${key.replace(/`/g, "")}\``;

/**
 * The Cypher map expression for `variable` of GraphQL type `type` with the requested fields.
 * `__type` is always included so interfaces (Node) can resolve their concrete type.
 */
export function projection(
  type: string,
  variable: string,
  fields: readonly FieldSelection[],
  q: CypherBuilder,
  specName?: string,
): string {
  const spec = TYPES[specName ?? type];
  if (!spec) throw new Error(`no projection for type ${specName ?? type}`);
  const parts = [`__type: '${type}'`];
  if (spec.fields.id) parts.push(`__id: ${spec.fields.id(variable)}`); // for cursors and lookups
  for (const [key, expression] of Object.entries(spec.hidden ?? {})) parts.push(`${key}: ${expression(variable)}`);
  for (const field of fields) {
    const key = quoteKey(field.key);
    const expression = spec.fields[field.name];
    if (expression) {
      parts.push(`${key}: ${expression(variable)}`);
      continue;
    }
    const relation = spec.relations[field.name];
    if (!relation) continue; // resolved outside Cypher (e.g. computed from other fields)
    const child = q.variable(relation.target.charAt(0).toLowerCase());
    const specOf = "spec" in relation ? relation.spec : undefined;
    const inner = projection(relation.target, child, field.children.get(relation.target) ?? [], q, specOf);
    if ("one" in relation) {
      // A map projection needs a variable: a one-element list comprehension binds it in place,
      // far cheaper than a subquery per row.
      parts.push(`${key}: [${child} IN [${relation.one(variable)}] | ${inner}][0]`);
      continue;
    }
    const { body, tail } = relation.build(variable, child, field.args, q);
    parts.push(`${key}: COLLECT { ${body} RETURN ${inner} AS value${tail ? ` ${tail}` : ""} }`);
  }
  // Map projection works alike on nodes, relationships and maps.
  return `${variable} {${parts.join(", ")}}`;
}
