/**
 * Whether a business status follows sensibly from the ones a recipient sent before.
 * Inconsistent codes are still recorded and carried (the agency's word is the agency's word);
 * the hub only flags them on the trace so a person can look.
 */

/** Progress of a document in the recipient's office; 02 (refused) ends it. */
const PROGRESS_RANK: Readonly<Record<string, number>> = { '01': 1, '03': 2, '04': 3, '05': 4, '06': 5 };

/** What is known about the document a status is about. */
export interface StatusContext {
  /** Codes this recipient already sent about the document, oldest first. */
  readonly previousCodes: readonly string[];
  /** The original sender asked for the document back (a 13 was sent). */
  readonly takeBackRequested: boolean;
  /** BussinessDocType of the document the status answers (1 revoke, 2 update ask for 15/16). */
  readonly businessType: number | null;
}

/** A reason when `code` does not follow from the context, or null when it does. */
export function statusInconsistency(code: string, context: StatusContext): string | null {
  const previous = context.previousCodes;
  if (code === '15' || code === '16') {
    const asked = context.takeBackRequested || context.businessType === 1 || context.businessType === 2;
    return asked ? null : `${code} answers a take-back (13), a revoke or an update; none was sent`;
  }
  if (code === '13') return null;
  if (code === '02') {
    return previous.includes('06') ? '02 (refused) after 06 (completed)' : null;
  }
  const rank = PROGRESS_RANK[code];
  if (rank === undefined) return null;
  if (previous.includes('02')) return `${code} after 02 (refused)`;
  const highest = Math.max(0, ...previous.map((c) => PROGRESS_RANK[c] ?? 0));
  if (rank < highest) {
    const last = previous.filter((c) => (PROGRESS_RANK[c] ?? 0) === highest).at(-1) ?? '';
    return `${code} after ${last}: the status went backwards`;
  }
  return null;
}
