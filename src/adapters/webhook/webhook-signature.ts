import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `Lienthong-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256>`, where the HMAC key is
 * the node's webhook secret (UTF-8) and the signed string is
 *
 *     <t> "." <Lienthong-Message-Id> "." <hex SHA-256 of the body bytes>
 *
 * Signing the body's digest rather than the body keeps the string small for big packages, and the
 * timestamp lets receivers refuse replays. `v1` names the scheme so a later one can be added next
 * to it. docs/webhooks.md shows the five-line check receivers use.
 */

export const SIGNATURE_HEADER = 'lienthong-signature';

/** Hex SHA-256 of the exact body bytes. */
export function bodySha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export interface SignInput {
  readonly secret: string;
  readonly messageId: string;
  readonly body: Uint8Array;
  /** Signing time; sent as whole seconds. */
  readonly at: Date;
}

/** The value of the Lienthong-Signature header. */
export function signWebhook(input: SignInput): string {
  const t = Math.floor(input.at.getTime() / 1000);
  return `t=${t},v1=${hmacHex(input.secret, t, input.messageId, input.body)}`;
}

export interface VerifyInput {
  readonly secret: string;
  /** The Lienthong-Signature header as received. */
  readonly header: string | undefined;
  readonly messageId: string;
  readonly body: Uint8Array;
  /** The receiver's clock. */
  readonly now: Date;
  /** Largest accepted difference between `t` and `now`, in seconds (default 300). */
  readonly toleranceSec?: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly signedAt: Date }
  | { readonly ok: false; readonly reason: 'malformed' | 'stale' | 'mismatch' };

/** Checks a signature the way a careful receiver would (constant-time compare, bounded clock skew). */
export function verifyWebhookSignature(input: VerifyInput): VerifyResult {
  const parts = new Map(
    (input.header ?? '').split(',').map((part) => {
      const eq = part.indexOf('=');
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()] as const;
    }),
  );
  const tText = parts.get('t');
  const v1 = parts.get('v1');
  if (tText === undefined || !/^\d{1,12}$/.test(tText) || v1 === undefined || !/^[0-9a-f]{64}$/.test(v1)) {
    return { ok: false, reason: 'malformed' };
  }
  const t = Number(tText);
  if (Math.abs(input.now.getTime() / 1000 - t) > (input.toleranceSec ?? 300))
    return { ok: false, reason: 'stale' };
  const expected = Buffer.from(hmacHex(input.secret, t, input.messageId, input.body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { ok: false, reason: 'mismatch' };
  return { ok: true, signedAt: new Date(t * 1000) };
}

function hmacHex(secret: string, t: number, messageId: string, body: Uint8Array): string {
  return createHmac('sha256', secret)
    .update(`${t}.${messageId}.${bodySha256Hex(body)}`)
    .digest('hex');
}
