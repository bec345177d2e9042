import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher, request } from 'undici';
import type { AttemptRecord, DeliveryOutcome } from '../../queue/index.ts';
import { errorCodeOf, type TransportReason, transportReasonOf } from '../outbound-error.ts';
import type { WebhookCode } from './codes.ts';
import { parseRetryAfter } from './retry-after.ts';
import { signWebhook } from './webhook-signature.ts';

/** What a webhook push carries. */
export type WebhookKind = 'package' | 'status' | 'receipt' | 'alert';

export interface WebhookSenderOptions {
  /** TCP + TLS handshake limit, ms (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Limit for the answer's headers once the request is sent, ms (default 30 s). */
  readonly headersTimeoutMs?: number;
  /** Limit between two chunks of the answer's body, ms (default 30 s). */
  readonly bodyTimeoutMs?: number;
  /** Limit for the whole exchange, upload included, ms (default 120 s). */
  readonly requestTimeoutMs?: number;
  /** Pooled keep-alive connections per receiver origin (default 4). */
  readonly connectionsPerOrigin?: number;
  /** Use this dispatcher (e.g. an Agent with client certificates or extra CAs) instead of our own. */
  readonly dispatcher?: Dispatcher;
  readonly userAgent?: string;
}

/** One push. */
export interface WebhookRequest {
  /** The node's webhook URL (absolute http or https). */
  readonly url: string;
  /** The node's webhook secret (HMAC key). */
  readonly secret: string;
  /** Lienthong-Message-Id: receivers deduplicate on it. */
  readonly messageId: string;
  readonly kind: WebhookKind;
  /** Lienthong-Delivery-Attempt, 1-based. */
  readonly attempt: number;
  /** Exactly the bytes to deliver (the edXML as received, or the receipt JSON). */
  readonly body: Uint8Array;
  /** Start of the attempt: recorded, and signed as the signature timestamp. */
  readonly now: Date;
  /** Defaults to application/xml for packages and statuses, application/json for receipts. */
  readonly contentType?: string;
}

export interface WebhookSender {
  /** Sends once and classifies the result; never throws for anything the receiver does. */
  send(request: WebhookRequest): Promise<DeliveryOutcome>;
  /** Closes the pooled connections (only the ones this sender created). */
  close(): Promise<void>;
}

const DETAIL_BYTES = 256;
/** How long a 2xx answer's body may take to drain before the connection is dropped instead. */
const DRAIN_MS = 200;
const HEADER_VALUE = /^[\x21-\x7e]{1,200}$/;

/**
 * The webhook push: POSTs the exact bytes with the Lienthong-* headers through a pooled undici
 * Agent, and turns whatever happens into a {@link DeliveryOutcome} with its {@link AttemptRecord}:
 * 2xx delivered; 408, 429, 5xx and network trouble retry (Retry-After kept); other 4xx and 3xx are
 * permanent. The answer's body is not needed: at most 256 bytes of a refusal are kept as detail.
 */
export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({
          connect: { timeout: options.connectTimeoutMs ?? 10_000 },
          headersTimeout: options.headersTimeoutMs ?? 30_000,
          bodyTimeout: options.bodyTimeoutMs ?? 30_000,
          connections: options.connectionsPerOrigin ?? 4,
          keepAliveTimeout: 10_000,
        })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
  const userAgent = options.userAgent ?? 'lienthong-webhook/1';

  return {
    async send(req) {
      const started = performance.now();
      const record = (
        fields: Pick<AttemptRecord, 'httpStatus' | 'errorCode' | 'errorDetail'>,
      ): AttemptRecord => ({
        attempt: req.attempt,
        startedAt: req.now,
        durationMs: Math.max(0, Math.round(performance.now() - started)),
        ...fields,
      });
      const fail = (
        kind: 'retry' | 'permanent',
        code: WebhookCode,
        detail: string | null = null,
      ): DeliveryOutcome => ({
        kind,
        attempt: record({ httpStatus: null, errorCode: code, errorDetail: detail }),
      });

      const url = parseUrl(req.url);
      if (url === null) return fail('permanent', 'WEBHOOK_INVALID_URL');
      if (!HEADER_VALUE.test(req.messageId) || !Number.isInteger(req.attempt) || req.attempt < 1) {
        return fail('permanent', 'WEBHOOK_INVALID_REQUEST');
      }

      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: 'POST',
          dispatcher,
          body: req.body,
          headers: {
            'content-type':
              req.contentType ?? (req.kind === 'receipt' ? 'application/json' : 'application/xml'),
            'user-agent': userAgent,
            'lienthong-message-id': req.messageId,
            'lienthong-kind': req.kind,
            'lienthong-delivery-attempt': String(req.attempt),
            'lienthong-signature': signWebhook({
              secret: req.secret,
              messageId: req.messageId,
              body: req.body,
              at: req.now,
            }),
          },
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
      } catch (error) {
        const { code, kind } = classifyError(error);
        return fail(kind, code, errorCodeOf(error));
      }

      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        // Delivered as soon as the status says so. Draining a small body keeps the connection
        // reusable; a big or stalled one is cut off (which closes that connection) after a moment.
        await response.body.dump({ limit: 64 * 1024, signal: AbortSignal.timeout(DRAIN_MS) }).catch(() => {});
        return {
          kind: 'delivered',
          attempt: record({ httpStatus: status, errorCode: null, errorDetail: null }),
        };
      }
      const detail = await readDetail(response.body);
      if (status === 408 || status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(
          response.headers['retry-after'],
          req.now.getTime() + (performance.now() - started),
        );
        const attempt = record({
          httpStatus: status,
          errorCode: 'WEBHOOK_HTTP_RETRYABLE',
          errorDetail: detail,
        });
        return retryAfterMs === undefined
          ? { kind: 'retry', attempt }
          : { kind: 'retry', attempt, retryAfterMs };
      }
      const code: WebhookCode =
        status >= 300 && status < 400 ? 'WEBHOOK_HTTP_REDIRECT' : 'WEBHOOK_HTTP_REJECTED';
      return {
        kind: 'permanent',
        attempt: record({ httpStatus: status, errorCode: code, errorDetail: detail }),
      };
    },

    async close() {
      await ownAgent?.close();
    },
  };
}

function parseUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The first bytes of a refusal, as printable text, to tell the operator why. */
async function readDetail(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      size += buffer.length;
      if (size >= DETAIL_BYTES) break;
    }
  } catch {
    // A broken or slow body does not change the verdict, which the status already gave.
  } finally {
    body.destroy();
  }
  const text = Buffer.concat(chunks).subarray(0, DETAIL_BYTES).toString('utf8');
  const printable = Array.from(text, (ch) => (isControl(ch) ? ' ' : ch))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
  return printable === '' ? null : printable;
}

function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

const REASON_CODES: Readonly<Record<TransportReason, WebhookCode>> = {
  'connect-timeout': 'WEBHOOK_CONNECT_TIMEOUT',
  'headers-timeout': 'WEBHOOK_HEADERS_TIMEOUT',
  timeout: 'WEBHOOK_TIMEOUT',
  'connection-refused': 'WEBHOOK_CONNECTION_REFUSED',
  dns: 'WEBHOOK_DNS',
  tls: 'WEBHOOK_TLS',
  'invalid-request': 'WEBHOOK_INVALID_REQUEST',
  network: 'WEBHOOK_NETWORK',
};

function classifyError(error: unknown): { code: WebhookCode; kind: 'retry' | 'permanent' } {
  const reason = transportReasonOf(error);
  return { code: REASON_CODES[reason], kind: reason === 'invalid-request' ? 'permanent' : 'retry' };
}
