/** The id checks live with the translate layer (translate/ids.ts); re-exported for the slices. */
export { checkId, type IdKind, kindOfId, LABELS } from "../translate/ids.js";
