/*
 * How a stable lienthong code shows in a VXP envelope. The SDK and the example clients read only
 * `status` ("OK"/"FAIL") and `ErrorCode` compared with "0"; everything else is shown to people. So:
 *   - `ErrorCode` is a small numeric family as a string (never "0" on failure), for clients that
 *     parse it as an integer;
 *   - `ErrorDesc` starts with the stable code, then ": " and the message, so a vendor can grep it.
 * The families are listed in docs/vxp.md; keep the two in step.
 */

/** The numeric `ErrorCode` families of failure envelopes. */
export const VXP_ERROR_FAMILIES = {
  /** The hub failed, or a code this table does not know. */
  internal: '1',
  /** The package is not a well-formed, valid edXML package, or its bytes do not match hash-file. */
  invalidPackage: '2',
  /** The package's XML signature or certificate is not acceptable. */
  packageSignature: '3',
  /** The request is not authenticated (XroadVnpt-* scheme, IP allow-list). */
  authentication: '4',
  /** Authenticated, but not allowed to do this (sender not served, agency policy). */
  forbidden: '5',
  /** A recipient cannot be routed. */
  routing: '6',
  /** The body is larger than allowed. */
  tooLarge: '7',
  /** The document is not there for this system. */
  notFound: '8',
  /** The request lacks a parameter or has a bad one. */
  badRequest: '9',
  /** Conflicts with something the hub already holds (e.g. same DocumentId, other bytes). */
  conflict: '10',
} as const;

export type VxpErrorFamily = (typeof VXP_ERROR_FAMILIES)[keyof typeof VXP_ERROR_FAMILIES];

const F = VXP_ERROR_FAMILIES;

/** Exact codes first: the adapter's own, and hub codes whose prefix would say something else. */
const EXACT: Readonly<Record<string, VxpErrorFamily>> = {
  VXP_UNSIGNED: F.authentication,
  VXP_BAD_SIGN_HEADER: F.authentication,
  VXP_UNKNOWN_SYSTEM: F.authentication,
  VXP_BAD_SIGNATURE: F.authentication,
  VXP_HEADER_MISMATCH: F.authentication,
  VXP_WRONG_OPERATION: F.authentication,
  VXP_IP_NOT_ALLOWED: F.authentication,
  VXP_CLIENT_CERT_REQUIRED: F.authentication,
  VXP_UNKNOWN_OPERATION: F.badRequest,
  VXP_METHOD_NOT_ALLOWED: F.badRequest,
  VXP_MISSING_PARAMETER: F.badRequest,
  VXP_AMBIGUOUS_PARAMETER: F.badRequest,
  VXP_BAD_PARAMETER: F.badRequest,
  VXP_BAD_BODY: F.badRequest,
  VXP_BAD_HASH_FILE: F.invalidPackage,
  VXP_EMPTY_PACKAGE: F.invalidPackage,
  VXP_PAYLOAD_TOO_LARGE: F.tooLarge,
  VXP_MESSAGETYPE_MISMATCH: F.badRequest,
  VXP_AGENCY_NOT_SERVED: F.forbidden,
  VXP_NOT_FOUND: F.notFound,
  VXP_AGENCY_POLICY_REFUSED: F.forbidden,
  VXP_INTERNAL: F.internal,
  // Limits: "try again later", as a hub failure is (HTTP 429 with Retry-After as well).
  RATE_LIMITED: F.internal,
  UPLOAD_LIMITED: F.internal,
  AUTH_RATE_LIMITED: F.authentication,
  PAYLOAD_TOO_LARGE: F.tooLarge,
  EDXML_PAYLOAD_TOO_LARGE: F.tooLarge,
  SENDER_NOT_SERVED: F.forbidden,
  STATUS_NOT_ALLOWED: F.forbidden,
  SIGNER_NOT_SENDER: F.packageSignature,
  KEY_MISMATCH: F.packageSignature,
  DIGEST_MISMATCH: F.packageSignature,
  STATUS_UNKNOWN_DOCUMENT: F.invalidPackage,
  NO_ROUTABLE_RECIPIENT: F.routing,
  BAD_REQUEST: F.badRequest,
  UNSUPPORTED_MEDIA_TYPE: F.badRequest,
  ORG_SERVED_BY_OTHER_NODE: F.conflict,
  NODE_EXISTS: F.conflict,
};

/** Then by prefix or suffix, for the families of hub codes (`EDXML_MISSING_ELEMENT`, `ROUTE_UNKNOWN_ORGAN`, ...). */
const PATTERNS: readonly (readonly [RegExp, VxpErrorFamily])[] = [
  [/^(XML|EDXML)_/, F.invalidPackage],
  [/^(SIGNATURE|CERT|SIG|CRL|TRUST|REVOCATION|ALGORITHM)_/, F.packageSignature],
  [/^ROUTE_/, F.routing],
  [/^AUTH_|_UNAUTHENTICATED$/, F.authentication],
  [/_NOT_SERVED$|_FORBIDDEN$|_NOT_ALLOWED$|_REFUSED$/, F.forbidden],
  [/_TOO_LARGE$/, F.tooLarge],
  [/_NOT_FOUND$|_UNKNOWN$/, F.notFound],
  [/_CONFLICT$|^DUPLICATE_/, F.conflict],
];

/** The `ErrorCode` string a failure with this stable code carries. */
export function vxpErrorCode(code: string): VxpErrorFamily {
  const exact = EXACT[code];
  if (exact !== undefined) return exact;
  for (const [pattern, family] of PATTERNS) if (pattern.test(code)) return family;
  return F.internal;
}

/** Longest message put into `ErrorDesc`; hub messages can list many findings. */
const MAX_DESC = 1000;

/** The `ErrorDesc` of a failure: the stable code first, so it survives any translation of the message. */
export function vxpErrorDesc(code: string, message: string): string {
  const text = message.trim();
  const desc = text === '' ? code : `${code}: ${text}`;
  return desc.length > MAX_DESC ? `${desc.slice(0, MAX_DESC - 3)}...` : desc;
}
