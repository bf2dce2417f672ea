/**
 * Curation writes. Every mutation checks the bearer token first (nothing runs for a refused
 * request), writes in one write transaction, is idempotent (a retry after a lost reply changes
 * nothing more), and records who changed what and when. The upserts go through the same path as
 * `importBundle` and the seed loader, so one validator and one writer serve all three.
 */
import { toPlain } from "../db/database.js";
import { clientError } from "../errors.js";
import { type ImportReport, importBundle } from "../graph/import.js";
import { lockRecords } from "../graph/write/common.js";
import { refreshDerived } from "../graph/write/derived.js";
import { evidenceOf, STORED_EVIDENCE, type StoredEvidence, writeEvidence } from "../graph/write/evidence.js";
import type { EvidenceInput } from "../model/bundle.js";
import { EVIDENCE_TYPES, linkId, linkOfId, type Predicate, type Stance } from "../model/vocabulary.js";
import { requireWriter } from "../plugins/auth.js";
import { builder } from "./builder.js";
import { EntityKindEnum, PredicateEnum, type Projected, StanceEnum, StudyDesignEnum } from "./common.js";
import { lookup } from "./entity.js";
import { checkId } from "./ids.js";
import { ClaimRef, EntityRef, StudyRef } from "./refs.js";

const EntityInput = builder.inputType("EntityInput", {
  description: "An entity to create or replace (by id).",
  fields: (t) => ({
    id: t.id({ required: true, description: 'A lower-case slug, e.g. "vagus-nerve".' }),
    name: t.string({ required: true, description: "Preferred name." }),
    kind: t.field({ type: EntityKindEnum, required: true, description: "What kind of thing it is." }),
    synonyms: t.stringList({ required: false, description: "Other names and abbreviations." }),
    description: t.string({ required: false, description: "One or two sentences." }),
    xrefs: t.stringList({ required: false, description: 'CURIEs, e.g. "MESH:D014630".' }),
  }),
});

const StudyInput = builder.inputType("StudyInput", {
  description: "A study to create or replace (by id). Give identifiers only where the source gives them.",
  fields: (t) => ({
    id: t.id({ required: true, description: 'e.g. "study:nutrients-2017-meta-analysis".' }),
    title: t.string({ required: false, description: "Title." }),
    journal: t.string({ required: false, description: "Journal." }),
    year: t.int({ required: false, description: "Publication year." }),
    design: t.field({ type: StudyDesignEnum, required: false, description: "Design (default UNKNOWN)." }),
    population: t.string({ required: false, description: "Who was studied." }),
    sampleSize: t.int({ required: false, description: "How many participants or studies." }),
    identifiers: t.stringList({ required: false, description: 'CURIEs, e.g. "PMID:28445426".' }),
    url: t.string({ required: false, description: "Where it is published." }),
    findings: t.string({ required: false, description: "What it found, in our words." }),
  }),
});

const LinkInput = builder.inputType("LinkInput", {
  description: "A mechanism link a claim asserts.",
  fields: (t) => ({
    from: t.id({ required: true, description: "Subject entity id." }),
    predicate: t.field({ type: PredicateEnum, required: true, description: "The relation." }),
    to: t.id({ required: true, description: "Object entity id." }),
  }),
});

const StatementInput = builder.inputType("StatementInput", {
  description: "Where a source makes the claim.",
  fields: (t) => ({
    source: t.id({ required: true, description: "Source id." }),
    locator: t.string({ required: true, description: "Section > sub-heading, sentence N." }),
  }),
});

const QualifiersInput = builder.inputType("QualifiersInput", {
  description: "Conditions the source attaches to the claim.",
  fields: (t) => ({
    population: t.string({ required: false, description: "Who it applies to." }),
    dose: t.string({ required: false, description: "Dose." }),
    timing: t.string({ required: false, description: "Timing." }),
    certainty: t.string({ required: false, description: "ASSERTED or HEDGED." }),
  }),
});

const ClaimInput = builder.inputType("ClaimInput", {
  description: "A claim to create or replace (by id), with what it is about, the links it asserts and where it is stated.",
  fields: (t) => ({
    id: t.id({ required: true, description: 'e.g. "claim:magnesium-raises-gaba".' }),
    statement: t.string({ required: true, description: "The assertion in the project's own words." }),
    about: t.idList({ required: true, description: "Entity ids." }),
    links: t.field({ type: [LinkInput], required: false, description: "Mechanism links it asserts." }),
    statedIn: t.field({ type: [StatementInput], required: true, description: "Where it is stated (at least one)." }),
    qualifiers: t.field({ type: QualifiersInput, required: false, description: "Population, dose, timing, certainty." }),
  }),
});

const CountsRef = builder.objectRef<Projected>("ImportCounts").implement({
  description: "How many records of each kind.",
  fields: (t) => ({
    entities: t.int({ resolve: (p) => p.entities ?? 0, description: "Entities." }),
    sources: t.int({ resolve: (p) => p.sources ?? 0, description: "Sources." }),
    studies: t.int({ resolve: (p) => p.studies ?? 0, description: "Studies." }),
    claims: t.int({ resolve: (p) => p.claims ?? 0, description: "Claims." }),
    links: t.int({ resolve: (p) => p.links ?? 0, description: "Mechanism links." }),
    evidence: t.int({ resolve: (p) => p.evidence ?? 0, description: "Evidence edges." }),
  }),
});

const ImportReportRef = builder.objectRef<ImportReport & { dryRun: boolean }>("ImportReport").implement({
  description: "What an import created, changed and left as it was. A dry run reports the same without writing.",
  fields: (t) => ({
    dryRun: t.boolean({ resolve: (p) => p.dryRun, description: "True when nothing was written." }),
    created: t.field({ type: CountsRef, resolve: (p) => p.created, description: "New records." }),
    updated: t.field({ type: CountsRef, resolve: (p) => p.updated, description: "Records that changed." }),
    unchanged: t.field({ type: CountsRef, resolve: (p) => p.unchanged, description: "Records that were already so." }),
  }),
});

/** Strips GraphQL nulls (absent optional fields) so the bundle validator sees absent keys. */
function withoutNulls<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (v === null ? undefined : v)));
}

/**
 * The context for reading a mutation's answer once its write has committed: the read is not cut
 * off by the request's deadline (the database's transaction timeout still bounds it), so that a
 * client is never told TIMEOUT, "nothing was done", for a write that happened.
 */
const afterWrite = <C extends { signal?: AbortSignal; clientSignal?: AbortSignal }>(ctx: C): C => ({
  ...ctx,
  signal: ctx.clientSignal,
});

async function importOrThrow(ctx: Parameters<typeof requireWriter>[0], bundle: unknown, dryRun = false) {
  const actor = requireWriter(ctx);
  return importBundle(ctx.db, bundle, { actor, dryRun, log: ctx.log });
}

builder.mutationType({
  description: "Curation writes: they need `Authorization: Bearer <token>` (see KG_API_TOKENS); reads are public.",
  fields: (t) => ({
    upsertEntity: t.field({
      type: EntityRef,
      args: { input: t.arg({ type: EntityInput, required: true, description: "The entity." }) },
      description: "Creates the entity, or replaces its fields when the id exists. Idempotent.",
      resolve: async (_root, { input }, ctx, info) => {
        await importOrThrow(ctx, { entities: [withoutNulls(input)] });
        return lookup(afterWrite(ctx), info, "Entity", input.id) as Promise<Projected>;
      },
    }),
    upsertStudy: t.field({
      type: StudyRef,
      args: { input: t.arg({ type: StudyInput, required: true, description: "The study." }) },
      description: "Creates the study, or replaces its fields when the id exists. Idempotent.",
      resolve: async (_root, { input }, ctx, info) => {
        await importOrThrow(ctx, { studies: [withoutNulls(input)] });
        return lookup(afterWrite(ctx), info, "Study", input.id) as Promise<Projected>;
      },
    }),
    createClaim: t.field({
      type: ClaimRef,
      args: { input: t.arg({ type: ClaimInput, required: true, description: "The claim." }) },
      description:
        "Creates the claim with its links (creating links that do not exist yet). Retrying with the same input changes nothing; the same id with other content replaces the claim's content but keeps its evidence.",
      resolve: async (_root, { input }, ctx, info) => {
        const actor = requireWriter(ctx);
        const id = checkId("claim", input.id, "input.id");
        const links = new Set(input.links?.map((l) => linkId(l.from, l.predicate as Predicate, l.to)) ?? []);
        // Keep the evidence a claim already has (createClaim carries none of its own), read in the
        // write's own transaction under the claim's lock (`prepare` runs once the bundle's records
        // are locked), so that a concurrent addEvidence either commits first and is read here, or
        // waits for this write: it cannot be lost.
        await importBundle(
          ctx.db,
          { claims: [{ ...withoutNulls(input), evidence: [] }] },
          {
            actor,
            dryRun: false,
            log: ctx.log,
            prepare: async (tx, bundle) => {
              const existing = await tx.run(
                `MATCH (s:Study)-[e:${EVIDENCE_TYPES}]->(:Claim {id: $id}) RETURN collect(${STORED_EVIDENCE("s", "e")}) AS evidence`,
                { id },
              );
              const stored = toPlain(existing.records[0]?.get("evidence") ?? []) as StoredEvidence[];
              const evidence = stored.map((e) => evidenceInputOf(e, links));
              return { ...bundle, claims: bundle.claims.map((c) => ({ ...c, evidence })) };
            },
          },
        );
        return lookup(afterWrite(ctx), info, "Claim", id) as Promise<Projected>;
      },
    }),
    addEvidence: t.field({
      type: ClaimRef,
      args: {
        claim: t.arg.id({ required: true, description: "Claim id." }),
        study: t.arg.id({ required: true, description: "Study id." }),
        stance: t.arg({ type: StanceEnum, required: true, description: "How the study bears on the claim." }),
        note: t.arg.string({ required: false, description: "Why, and how sure." }),
      },
      description:
        "Records (or replaces) one study's stance on one claim and recomputes the evidence. Idempotent. NOT_FOUND for an unknown claim or study.",
      resolve: async (_root, args, ctx, info) => {
        const actor = requireWriter(ctx);
        const claim = checkId("claim", args.claim, "claim");
        const study = checkId("study", args.study, "study");
        if (args.note && args.note.length > 1000)
          throw clientError("BAD_USER_INPUT", "`note` is longer than 1000 characters.", { argument: "note" });
        await editEvidence(ctx, claim, study, actor, { stance: args.stance, note: args.note ?? null });
        return lookup(afterWrite(ctx), info, "Claim", claim) as Promise<Projected>;
      },
    }),
    removeEvidence: t.field({
      type: ClaimRef,
      args: {
        claim: t.arg.id({ required: true, description: "Claim id." }),
        study: t.arg.id({ required: true, description: "Study id." }),
      },
      description:
        "Removes the study's evidence on the claim (a no-op when there is none) and recomputes the evidence. NOT_FOUND for an unknown claim or study.",
      resolve: async (_root, args, ctx, info) => {
        const actor = requireWriter(ctx);
        const claim = checkId("claim", args.claim, "claim");
        const study = checkId("study", args.study, "study");
        await editEvidence(ctx, claim, study, actor, null);
        return lookup(afterWrite(ctx), info, "Claim", claim) as Promise<Projected>;
      },
    }),
    importBundle: t.field({
      type: ImportReportRef,
      args: {
        bundle: t.arg({ type: "JSON", required: true, description: "A bundle in the seed format (schema/bundle.schema.json)." }),
        dryRun: t.arg.boolean({ required: false, defaultValue: false, description: "Validate and report without writing." }),
      },
      description:
        "Validates the whole bundle first (every problem is reported in extensions.problems, and nothing is written), then writes it in one transaction: all or nothing. Idempotent.",
      resolve: async (_root, { bundle, dryRun }, ctx) => ({
        ...(await importOrThrow(ctx, bundle, dryRun ?? false)),
        dryRun: dryRun ?? false,
      }),
    }),
  }),
});

/**
 * A stored evidence edge back in the bundle format, so that re-writing a claim keeps all of it:
 * voice, reason, verdict and reasons, and what it bears on among the claim's new links.
 */
function evidenceInputOf(e: StoredEvidence, links: ReadonlySet<string>): EvidenceInput {
  const aspects = e.reasonAspects ?? [];
  // withoutNulls drops the nulls the stored form has where the bundle format has absent keys.
  return withoutNulls({
    study: e.study,
    stance: e.stance,
    note: e.note,
    voice: e.voice,
    reason: e.reason,
    bearsOn: e.bearsOn?.filter((id) => links.has(id)).map(linkOfId),
    check: e.verdict
      ? {
          verdict: e.verdict,
          addresses: e.addresses?.filter((id) => links.has(id)).map(linkOfId),
          reasons: aspects.map((aspect, i) => ({ aspect, article: e.reasonArticle?.[i], work: e.reasonWork?.[i] })),
        }
      : null,
  }) as unknown as EvidenceInput;
}

/** A stored edge without its audit fields: what a writer may set. */
const withoutAudit = ({ createdAt: _a, createdBy: _b, ...edge }: StoredEvidence) => edge;

/**
 * Replaces (or, with `stance` null, removes) one study-claim evidence edge: read, check and write
 * in one transaction, by the one evidence writer (it keeps createdAt), then the one derived-data step.
 */
async function editEvidence(
  ctx: Parameters<typeof requireWriter>[0],
  claim: string,
  study: string,
  actor: string,
  edit: { stance: Stance; note: string | null } | null,
) {
  const now = new Date().toISOString();
  await ctx.db.write(async (tx) => {
    // The claim's lock first: its edges are read, compared and written with no other writer between.
    await lockRecords(tx, "Claim", { own: [], existing: [claim] }, { now, actor });
    const found = await tx.run(
      `OPTIONAL MATCH (c:Claim {id: $claim}) OPTIONAL MATCH (s:Study {id: $study})
       RETURN c IS NOT NULL AS claim, s IS NOT NULL AS study,
         [(s)-[e:${EVIDENCE_TYPES}]->(c) | ${STORED_EVIDENCE("s", "e")}] AS stored`,
      { claim, study },
    );
    const row = found.records[0];
    const missing = [!row?.get("claim") && claim, !row?.get("study") && study].filter(Boolean);
    if (missing.length)
      throw clientError("NOT_FOUND", `No record with id ${missing.map((m) => `"${m}"`).join(" or ")}.`, { ids: missing });
    const stored = toPlain(row?.get("stored") ?? []) as StoredEvidence[];
    // A new stance or note keeps what else the edge says (voice, bearsOn, the check).
    const before = stored[0];
    const wanted = !edit
      ? []
      : before
        ? [{ ...withoutAudit(before), stance: edit.stance, note: edit.note }]
        : [evidenceOf({ study, stance: edit.stance, voice: "ARTICLE", note: edit.note ?? undefined })];
    const counts = await writeEvidence(tx, [{ claim, stored, wanted, studies: [study] }], { now, actor });
    if (counts.created + counts.updated + counts.removed === 0) return; // idempotent: nothing changed, nothing touched
    await tx.run("MATCH (c:Claim {id: $claim}) SET c.updatedAt = $now, c.updatedBy = $actor", { claim, now, actor });
    await refreshDerived(tx, { claimIds: [claim] }, true);
  }, ctx.counter);
}
