import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookupParam, type SignedMember } from './signed-params.ts';

/*
 * The XroadVnpt-* scheme (spec vxp-api.md §3). The SDK puts its parameters in a map, sends each one
 * as a header `XroadVnpt-<name>`, and signs the JSON of the whole map:
 *   XroadVnpt-sign-header: {"XroadVnpt-systemid":"...","XroadVnpt-timestamp":"...",...}
 *   XroadVnpt-hash-header: hex(HMAC-SHA256(secret, sign-header bytes))
 * The JSON order is Java HashMap order, so it is never rebuilt here: the HMAC runs over the bytes as
 * they arrived. The timestamp is frozen per SDK instance, so it is not checked at all.
 *
 * Headers are read from Node's `rawHeaders` (name, value, name, value, ...): values are latin1
 * strings there, i.e. one char per received byte, which gives the raw bytes back losslessly, and
 * repeated headers stay separate instead of being joined with ", ".
 */

const PREFIX = 'xroadvnpt-';
const SIGN_HEADER = 'xroadvnpt-sign-header';
const HASH_HEADER = 'xroadvnpt-hash-header';

/** A request's signature material, parsed but not yet verified. */
export interface SignedRequest {
  /** The XroadVnpt-sign-header value exactly as received: what the HMAC covers. */
  readonly signHeaderBytes: Buffer;
  /** The XroadVnpt-hash-header value (hex), as received. */
  readonly hashHeader: string;
  /** The signed members in sign-header order, prefix removed. Trusted only after `verifySignHeader`. */
  readonly members: readonly SignedMember[];
  /** The signed `systemid`: whose secret to check the HMAC with. */
  readonly systemId: string;
}

/** Codes the signature check can fail with (all listed in `codes.ts`). */
export type SignCheckCode =
  | 'VXP_UNSIGNED'
  | 'VXP_BAD_SIGN_HEADER'
  | 'VXP_BAD_SIGNATURE'
  | 'VXP_HEADER_MISMATCH';

/** A refused signature, with a message safe to return to the caller (no values, no secret). */
export interface SignCheckFailure {
  readonly ok: false;
  readonly code: SignCheckCode;
  readonly message: string;
}

export type ParseSignHeaderResult = { readonly ok: true; readonly request: SignedRequest } | SignCheckFailure;
export type VerifySignHeaderResult = { readonly ok: true } | SignCheckFailure;

/** All values of one header (case-insensitive name), in arrival order, as latin1 strings. */
function headerValues(rawHeaders: readonly string[], lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === lowerName) values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
}

function fail(code: SignCheckCode, message: string): SignCheckFailure {
  return { ok: false, code, message };
}

/**
 * Reads XroadVnpt-sign-header and XroadVnpt-hash-header and parses the signed JSON. Pure: nothing is
 * trusted yet; the caller looks up the secret of `request.systemId` and calls `verifySignHeader`.
 */
export function parseSignHeader(rawHeaders: readonly string[]): ParseSignHeaderResult {
  const signs = headerValues(rawHeaders, SIGN_HEADER);
  const hashes = headerValues(rawHeaders, HASH_HEADER);
  if (signs.length !== 1 || hashes.length !== 1) {
    return fail(
      'VXP_UNSIGNED',
      'exactly one XroadVnpt-sign-header and one XroadVnpt-hash-header are required',
    );
  }
  const signHeaderBytes = Buffer.from(signs[0] ?? '', 'latin1');
  let parsed: unknown;
  try {
    parsed = JSON.parse(signHeaderBytes.toString('utf8'));
  } catch {
    return fail('VXP_BAD_SIGN_HEADER', 'XroadVnpt-sign-header is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('VXP_BAD_SIGN_HEADER', 'XroadVnpt-sign-header is not a JSON object');
  }
  const members: SignedMember[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      return fail('VXP_BAD_SIGN_HEADER', `signed member ${key} is not a string`);
    }
    if (!key.toLowerCase().startsWith(PREFIX) || key.length === PREFIX.length) {
      return fail('VXP_BAD_SIGN_HEADER', 'every signed member must be named XroadVnpt-<name>');
    }
    members.push({ name: key.slice(PREFIX.length), value });
  }
  const systemId = lookupParam(members, 'systemid');
  if (systemId.kind !== 'present' || systemId.value === '') {
    return fail('VXP_BAD_SIGN_HEADER', 'XroadVnpt-sign-header must sign exactly one non-empty systemid');
  }
  return {
    ok: true,
    request: { signHeaderBytes, hashHeader: hashes[0] ?? '', members, systemId: systemId.value },
  };
}

/** Lower-case hex HMAC-SHA256 of the sign-header bytes with the secret's UTF-8 bytes, as the SDK computes it. */
export function signHeaderHmac(signHeaderBytes: Uint8Array, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(signHeaderBytes).digest('hex');
}

/** Constant-time comparison of the received hash-header with the expected one. */
function hmacMatches(expectedHex: string, receivedHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'latin1');
  // Lower-casing is safe here: it depends only on the received value, never on the secret.
  const received = Buffer.from(receivedHex.trim().toLowerCase(), 'latin1');
  if (received.length !== expected.length) {
    // Still spend one comparison, so the reply time does not depend on where the lengths differ.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, received);
}

/** HTTP parsers drop leading and trailing blanks (OWS) of header values; a signed value keeps them. */
function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Verifies the HMAC with the system's secret, then checks that every signed member was also sent as
 * a header with the same value: for each name (case-insensitive) the header values must be exactly
 * the signed values, so no unsigned value can ride along under a signed name. Extra signed members
 * (carried over by the SDK from earlier calls) and unsigned headers are tolerated; unsigned ones are
 * simply never read.
 */
export function verifySignHeader(
  request: SignedRequest,
  secret: string,
  rawHeaders: readonly string[],
): VerifySignHeaderResult {
  if (!hmacMatches(signHeaderHmac(request.signHeaderBytes, secret), request.hashHeader)) {
    return fail(
      'VXP_BAD_SIGNATURE',
      'XroadVnpt-hash-header does not match the sign-header and the system secret',
    );
  }
  const signedByName = new Map<string, string[]>();
  for (const member of request.members) {
    const key = member.name.toLowerCase();
    const list = signedByName.get(key) ?? [];
    list.push(trimOws(member.value));
    signedByName.set(key, list);
  }
  for (const [name, signedValues] of signedByName) {
    const sent = headerValues(rawHeaders, PREFIX + name).map((v) =>
      trimOws(Buffer.from(v, 'latin1').toString('utf8')),
    );
    if (!sameMultiset(signedValues, sent)) {
      return fail('VXP_HEADER_MISMATCH', `signed member XroadVnpt-${name} does not match its request header`);
    }
  }
  return { ok: true };
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.every((value, i) => value === right[i]);
}
