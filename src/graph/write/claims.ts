/**
 * Claims, what they are about (ABOUT) and where they are stated (STATED_IN): a claim in a bundle is
 * authoritative for its own lists. Its links and evidence are written by links.ts and evidence.ts.
 */
import type { ManagedTransaction } from "neo4j-driver";
import { EVIDENCE_TYPES } from "../../model/vocabulary.js";
import {
  type Classified,
  classify,
  type Props,
  pairKey,
  readMap,
  sameProps,
  sameSet,
  unwind,
  unwindAll,
  writeNodes,
} from "./common.js";
import { evidenceKey, STORED_EVIDENCE, type StoredEvidence, wantedEvidence } from "./evidence.js";
import { claimProps, type NormalClaim } from "./records.js";

/** Returns how each claim was classified, and what the database held of them before (links, evidence). */
export async function writeClaims(
  tx: ManagedTransaction,
  claims: readonly NormalClaim[],
  audit: Props,
  /** The claims this transaction created (lockRecords); the others existed before it. */
  created: ReadonlySet<string>,
): Promise<{ classes: Classified; existing: Map<string, Props> }> {
  const claimIds = claims.map((c) => c.id).filter((id) => !created.has(id));
  const existingClaims = await readMap(
    tx,
    `UNWIND $ids AS id MATCH (c:Claim {id: id}) USING INDEX SEEK c:Claim(id)
     RETURN c.id AS id, properties(c) AS props,
       [(c)-[:ABOUT]->(e:Entity) | e.id] AS about,
       [(c)-[r:STATED_IN]->(s:Source) | [s.id, r.locator]] AS statedIn,
       [(s:Study)-[e:${EVIDENCE_TYPES}]->(c) | ${STORED_EVIDENCE("s", "e")}] AS evidence`,
    claimIds,
  );
  const oldEvidence = (id: string) => (existingClaims.get(id)?.evidence ?? []) as StoredEvidence[];
  const claimRows = claims.map((c) => ({ id: c.id, claim: c, props: claimProps(c) }));
  const claimClasses = classify(
    claimRows,
    (r) => created.has(r.id),
    (r) => {
      const old = existingClaims.get(r.id) as Props;
      return (
        !sameProps(r.props, old.props as Props) ||
        !sameSet(old.about as string[], r.claim.about) ||
        !sameSet(
          (old.statedIn as string[][]).map((s) => pairKey(s[0], s[1])),
          r.claim.statedIn.map((s) => pairKey(s.source, s.locator)),
        ) ||
        !sameSet(oldEvidence(r.id).map(evidenceKey), wantedEvidence(r.claim).map(evidenceKey))
      );
    },
  );
  const changedClaimIds = new Set([...claimClasses.created, ...claimClasses.updated]);
  const changedClaims = claimRows.filter((r) => changedClaimIds.has(r.id));
  await writeNodes(
    tx,
    "Claim",
    changedClaims.map(({ id, props }) => ({ id, props })),
    audit,
  );
  await writeAboutAndStatedIn(
    tx,
    changedClaims.map((r) => r.claim),
    existingClaims,
  );
  return { classes: claimClasses, existing: existingClaims };
}

/**
 * ABOUT and STATED_IN of the changed claims: the bundle's lists replace the database's. The
 * claim is locked and its relationships were read under that lock, so the missing ones are
 * CREATEd: a MERGE would take exclusive locks on both ends, and the other end is a hub entity
 * or the one source, which every writer of a claim points at.
 */
async function writeAboutAndStatedIn(
  tx: ManagedTransaction,
  changedClaims: readonly NormalClaim[],
  existingClaims: ReadonlyMap<string, Props>,
) {
  const updatedClaims = changedClaims.filter((r) => existingClaims.has(r.id));
  if (updatedClaims.length) {
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.id})-[r:ABOUT]->(e:Entity) USING INDEX SEEK c:Claim(id)
       WHERE NOT e.id IN row.about
       DELETE r RETURN count(*) AS n`,
      updatedClaims.map((r) => ({ id: r.id, about: r.about })),
    );
    await unwind(
      tx,
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.id})-[r:STATED_IN]->(s:Source) USING INDEX SEEK c:Claim(id)
       WHERE NOT [s.id, r.locator] IN row.statedIn
       DELETE r RETURN count(*) AS n`,
      updatedClaims.map((r) => ({ id: r.id, statedIn: r.statedIn.map((s) => [s.source, s.locator]) })),
    );
  }
  const had = (id: string) => existingClaims.get(id);
  // Sorted by the other end: a sparse entity is locked when a relationship to it is created.
  const aboutRows = changedClaims
    .flatMap((r) => {
      const old = new Set((had(r.id)?.about ?? []) as string[]);
      return r.about.filter((entity) => !old.has(entity)).map((entity) => ({ claim: r.id, entity }));
    })
    .sort((a, b) => (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
  if (aboutRows.length) {
    await unwindAll(
      tx,
      "about",
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.claim}), (e:Entity {id: row.entity}) USING INDEX SEEK c:Claim(id) USING INDEX SEEK e:Entity(id)
       CREATE (c)-[:ABOUT]->(e)
       RETURN count(*) AS n`,
      aboutRows,
    );
  }
  const statedRows = changedClaims.flatMap((r) => {
    const old = new Set(((had(r.id)?.statedIn ?? []) as string[][]).map((s) => pairKey(s[0], s[1])));
    return r.statedIn.filter((s) => !old.has(pairKey(s.source, s.locator))).map((s) => ({ claim: r.id, ...s }));
  });
  if (statedRows.length) {
    await unwindAll(
      tx,
      "statedIn",
      `UNWIND $rows AS row
       MATCH (c:Claim {id: row.claim}), (s:Source {id: row.source}) USING INDEX SEEK c:Claim(id) USING INDEX SEEK s:Source(id)
       CREATE (c)-[:STATED_IN {locator: row.locator}]->(s)
       RETURN count(*) AS n`,
      statedRows,
    );
  }
}
