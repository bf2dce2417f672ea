/**
 * Every object type's ref, declared before any slice implements one, so slices can point at
 * each other's types without import cycles.
 */
import { builder } from "./builder.js";
import type { Projected } from "./common.js";

const ref = (name: string) => builder.objectRef<Projected>(name);

export const EntityRef = ref("Entity");
export const MechanismLinkRef = ref("MechanismLink");
export const KnowledgeGraphStatementRef = ref("KnowledgeGraphStatement");
export const NegatedLinkRef = ref("NegatedLink");
export const ClaimRef = ref("Claim");
export const StatementRef = ref("Statement");
export const EvidenceRef = ref("Evidence");
export const QualifiersRef = ref("Qualifiers");
export const StudyRef = ref("Study");
export const SameAsRef = ref("SameAs");
export const CitationRef = ref("Citation");
export const SourceRef = ref("Source");
export const CheckReasonRef = ref("CheckReason");
export const ClaimCheckRef = ref("ClaimCheck");
export const VerdictCountRef = ref("VerdictCount");
export const WorkRecordRef = ref("WorkRecord");
export const StudyFactRef = ref("StudyFact");
