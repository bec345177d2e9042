// The receiver's side of the hub's webhook push (docs/webhooks.md). `Lienthong-Signature` is
// `t=<unix seconds>,v1=<hex HMAC-SHA256>`, keyed with the node's webhook secret (UTF-8), over
//     <t> "." <Lienthong-Message-Id> "." <hex SHA-256 of the body bytes>
// Written again here with node:crypto (the client ships without the hub's code).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { MessageKind } from './types.ts';

/** Request headers as Node gives them (`req.headers`, lower-case names), a plain object, or a fetch `Headers`. */
export type WebhookHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

export interface VerifyWebhookInput {
  readonly headers: WebhookHeaders;
  /** The raw body bytes as received, before any parsing (a string is taken as its UTF-8 bytes). */
  readonly body: Uint8Array | string;
  /** The node's webhook secret, as the operator issued it. */
  readonly secret: string;
  /** The receiver's clock (default: now). */
  readonly now?: Date | number;
  /** Largest accepted difference between the signature's `t` and `now`, in seconds (default 300). */
  readonly toleranceSeconds?: number;
}

export type VerifyWebhookReason =
  /** No Lienthong-Signature header. */
  | 'missing-signature'
  /** No Lienthong-Message-Id header. */
  | 'missing-message-id'
  /** The signature header is not `t=<digits>,v1=<64 hex>`. */
  | 'malformed'
  /** `t` is further from `now` than the tolerance: a replay, or a clock far off. */
  | 'stale'
  /** The HMAC does not match: another secret, or the body or message id were changed. */
  | 'mismatch';

export type VerifyWebhookResult =
  | {
      readonly ok: true;
      /** The deduplication key: store it, and answer 2xx again for an id you already have. */
      readonly messageId: string;
      /** `package`, `status` or `receipt` (a JSON receipt event about a message the node sent). */
      readonly kind: MessageKind | 'receipt';
      /** Lienthong-Delivery-Attempt: 1, 2, 3 … for retries of the same delivery. */
      readonly attempt: number;
      /** The signature's time. */
      readonly signedAt: Date;
    }
  | { readonly ok: false; readonly reason: VerifyWebhookReason };

/**
 * Checks a webhook push from the hub on its raw body: the HMAC (compared in constant time) and the
 * timestamp (within `toleranceSeconds`, default 300). Answer 401 when it is not `ok`.
 *
 * Also callable as `verifyWebhook(headers, body, secret)`.
 */
export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult;
export function verifyWebhook(
  headers: WebhookHeaders,
  body: Uint8Array | string,
  secret: string,
  options?: Pick<VerifyWebhookInput, 'now' | 'toleranceSeconds'>,
): VerifyWebhookResult;
export function verifyWebhook(
  first: VerifyWebhookInput | WebhookHeaders,
  body?: Uint8Array | string,
  secret?: string,
  options: Pick<VerifyWebhookInput, 'now' | 'toleranceSeconds'> = {},
): VerifyWebhookResult {
  const input: VerifyWebhookInput =
    body === undefined
      ? (first as VerifyWebhookInput)
      : { headers: first as WebhookHeaders, body, secret: secret ?? '', ...options };
  const signature = headerOf(input.headers, 'lienthong-signature');
  if (signature === undefined) return { ok: false, reason: 'missing-signature' };
  const messageId = headerOf(input.headers, 'lienthong-message-id');
  if (messageId === undefined || messageId === '') return { ok: false, reason: 'missing-message-id' };

  let t: string | undefined;
  const candidates: string[] = [];
  for (const part of signature.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = value;
    else if (key === 'v1') candidates.push(value.toLowerCase());
  }
  const v1 = candidates.filter((c) => /^[0-9a-f]{64}$/.test(c));
  if (t === undefined || !/^\d{1,12}$/.test(t) || v1.length === 0) return { ok: false, reason: 'malformed' };

  const seconds = Number(t);
  const now = input.now === undefined ? Date.now() : Number(input.now);
  if (Math.abs(now / 1000 - seconds) > (input.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale' };

  const bytes = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  const digest = createHash('sha256').update(bytes).digest('hex');
  const expected = createHmac('sha256', input.secret).update(`${t}.${messageId}.${digest}`).digest();
  // Every candidate is compared (constant time each), so the time taken does not say which matched.
  let match = false;
  for (const candidate of v1) match = timingSafeEqual(expected, Buffer.from(candidate, 'hex')) || match;
  if (!match) return { ok: false, reason: 'mismatch' };

  const kind = headerOf(input.headers, 'lienthong-kind');
  const attempt = Number(headerOf(input.headers, 'lienthong-delivery-attempt') ?? '1');
  return {
    ok: true,
    messageId,
    kind: kind === 'status' || kind === 'receipt' ? kind : 'package',
    attempt: Number.isSafeInteger(attempt) && attempt > 0 ? attempt : 1,
    signedAt: new Date(seconds * 1000),
  };
}

/** A header by its lower-case name, from a Headers object or a plain object of any case. */
function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = record[name];
  if (value === undefined) {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value.trim() : value[0]?.trim();
}
