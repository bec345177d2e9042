/** One member of the XroadVnpt-sign-header JSON, with the `XroadVnpt-` prefix removed. */
export interface SignedMember {
  /** The name as the caller spelled it (`docId`, `docid`, `Content-Type`, ...). */
  readonly name: string;
  /** The value exactly as signed (JSON string, decoded from UTF-8). */
  readonly value: string;
}

/** What looking up one parameter among the signed members found. */
export type ParamLookup =
  | { readonly kind: 'absent' }
  | { readonly kind: 'present'; readonly value: string }
  /**
   * Two spellings of the name (e.g. `docId` and `docid`) carry different values. The SDK never clears its
   * header map, so one of them is a stale value from an earlier call and nobody can tell which.
   */
  | { readonly kind: 'ambiguous'; readonly spellings: readonly string[] };

/**
 * Finds a parameter among the signed members, matching the name case-insensitively (callers write both
 * `docId` and `docid`, and a proxy may lower-case header names). Only signed members are ever read: an
 * unsigned header could have been added by anyone on the path.
 */
export function lookupParam(members: readonly SignedMember[], name: string): ParamLookup {
  const wanted = name.toLowerCase();
  const hits = members.filter((m) => m.name.toLowerCase() === wanted);
  const first = hits[0];
  if (first === undefined) return { kind: 'absent' };
  if (hits.every((h) => h.value === first.value)) return { kind: 'present', value: first.value };
  return { kind: 'ambiguous', spellings: hits.map((h) => h.name) };
}
