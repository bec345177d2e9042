import type { VxpCode } from './codes.ts';
import { lookupParam, type SignedMember } from './signed-params.ts';

/**
 * What every SDK call signs, whatever the operation: the constructor's `timestamp` and `systemid`
 * and the call's own `Content-Type` (spec §3.1).
 */
const ALWAYS_SIGNED = ['timestamp', 'systemid', 'Content-Type'] as const;

/** The signed `Content-Type` the SDK puts for an operation: sendEdoc streams a file, the rest send JSON. */
export type SdkContentType = 'application/octet-stream' | 'application/json';

/** Which signed keys an operation needs: the `Content-Type` it must carry and its own parameters. */
export interface SignedKeySet {
  readonly contentType: SdkContentType;
  /** Parameters the operation acts on; each must be signed (matched case-insensitively). */
  readonly params: readonly string[];
}

export type SignedKeyCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: VxpCode; readonly message: string };

/**
 * Checks that a call signs the key set of the operation it was sent to. The HMAC covers neither the
 * path nor the method (spec §3.7), so without this a request signed for one operation could be
 * replayed to another: getEdoc headers to updateStatus, or sendEdoc headers to a list call. The SDK
 * never clears its map, so extra signed keys from earlier calls stay tolerated; a missing key or the
 * other operation's `Content-Type` is refused.
 */
export function checkSignedKeySet(
  operation: string,
  keys: SignedKeySet,
  members: readonly SignedMember[],
): SignedKeyCheck {
  for (const name of [...ALWAYS_SIGNED, ...keys.params]) {
    const found = lookupParam(members, name);
    // Two spellings with different values are the handler's refusal (VXP_AMBIGUOUS_PARAMETER).
    if (found.kind === 'absent' || (found.kind === 'present' && found.value.trim() === '')) {
      return { ok: false, code: 'VXP_MISSING_PARAMETER', message: `${operation} needs ${name} to be signed` };
    }
  }
  const signed = lookupParam(members, 'Content-Type');
  // The SDK puts the bare media type; a parameter such as `; charset=UTF-8` would come from a
  // hand-made client and changes nothing about which operation the headers were signed for.
  const mediaType =
    signed.kind === 'present' ? (signed.value.split(';', 1)[0] ?? '').trim().toLowerCase() : '';
  if (mediaType !== keys.contentType) {
    return {
      ok: false,
      code: 'VXP_WRONG_OPERATION',
      message: `${operation} is signed with Content-Type ${keys.contentType}; these headers were signed for another operation`,
    };
  }
  return { ok: true };
}
