// A client of the hub's node API (/v1) for the systems that connect to it. It is shipped on its own
// (`lienthong/client`): it imports only Node's built-ins and its own files, never the hub's code.
import { createHash } from 'node:crypto';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import { LienthongApiError, LienthongIntegrityError } from './errors.ts';
import type {
  AckResult,
  FetchedMessage,
  InboxItem,
  MessageKind,
  Problem,
  Receipt,
  RecipientStatus,
  Trace,
} from './types.ts';

/** How a call that the hub answers 429 or 503 (or, for idempotent calls, a network failure) is retried. */
export interface RetryOptions {
  /** Requests in all, the first one included (default 4; 1 = never retry). */
  readonly attempts: number;
  /** The first backoff, doubled at each retry (default 500 ms). */
  readonly baseDelayMs: number;
  /**
   * The longest wait between two requests (default 30 000 ms). A Retry-After longer than this is
   * not waited for: the error is thrown with its `retryAfterSeconds`.
   */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
});

export interface LienthongClientOptions {
  /** The hub's base URL, e.g. `https://hub.example.gov.vn` (a trailing `/v1` is accepted too). */
  readonly url: string | URL;
  /** The node's bearer token (`lt_…`), as `lienthong node add` or `node token` printed it. */
  readonly token: string;
  /** The fetch implementation (default: the global `fetch` of Node 18+; undici's `fetch` for a dispatcher). */
  readonly fetch?: typeof globalThis.fetch;
  /** Retries on 429/503 and network failures; `false` or `{ attempts: 1 }` turns them off. */
  readonly retry?: Partial<RetryOptions> | false;
  /** The User-Agent header (default `lienthong-client/1`). */
  readonly userAgent?: string;
  /** Time limit of one request, in ms (default 60 000); an inbox long poll gets its wait on top. */
  readonly timeoutMs?: number;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call, its retries and the waits between them. */
  readonly signal?: AbortSignal;
}

export interface InboxOptions extends CallOptions {
  /** Long poll: the hub answers as soon as something arrives, or after this many seconds (0–30; default 0). */
  readonly wait?: number;
  /** At most this many items (1–500; the hub's default 50). */
  readonly limit?: number;
  /** Only documents or only status packages. */
  readonly kind?: MessageKind;
}

interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: Uint8Array;
  readonly contentType?: string;
  readonly accept: string;
  /** Safe to send again after a network failure (the hub may have done it already). */
  readonly idempotent: boolean;
  readonly extraTimeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
}

const RETRY_STATUSES = new Set([429, 503]);

/**
 * The hub's node API: send packages and statuses, poll the inbox, fetch the exact bytes, ack, and
 * follow what happened to what was sent.
 *
 * Every call that the hub answers with 429 (rate or upload limits) or 503 (not ready) is retried,
 * honouring Retry-After, else with exponential backoff and jitter. Network failures are retried
 * too, because every call of the node API is idempotent: a GET reads; the same bytes sent again
 * return the first receipt (`duplicate: true`) and create nothing; an ack of an acknowledged
 * message answers `changed: false`. Refusals throw a {@link LienthongApiError} with the hub's code.
 */
export class LienthongClient {
  readonly #base: URL;
  readonly #token: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #retry: RetryOptions;
  readonly #userAgent: string;
  readonly #timeoutMs: number;

  constructor(options: LienthongClientOptions) {
    const base = new URL(String(options.url));
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(`LienthongClient: url must be http(s), not ${base.protocol}`);
    }
    // The routes are resolved against `<base>/v1/`, whether or not the caller wrote the /v1.
    const trimmed = base.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
    base.pathname = `${trimmed}/v1/`;
    base.search = '';
    base.hash = '';
    this.#base = base;
    if (typeof options.token !== 'string' || options.token.trim() === '' || /\s/.test(options.token.trim())) {
      throw new TypeError('LienthongClient: token must be the node bearer token');
    }
    this.#token = options.token.trim();
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function')
      throw new TypeError('LienthongClient: no fetch (Node 18+ or pass one)');
    this.#fetch = fetchImpl;
    const retry = options.retry === false ? { attempts: 1 } : (options.retry ?? {});
    this.#retry = {
      attempts: Math.max(1, Math.floor(retry.attempts ?? DEFAULT_RETRY.attempts)),
      baseDelayMs: Math.max(0, retry.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs),
      maxDelayMs: Math.max(0, retry.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs),
    };
    this.#userAgent = options.userAgent ?? 'lienthong-client/1';
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * Sends an edXML package or status package (signed, as the node's signature policy asks). The
   * bytes are sent as they are; a string is sent as UTF-8. Resolves with the receipt (202); the same
   * bytes sent again resolve with the first receipt and `duplicate: true`.
   */
  async send(bytes: Uint8Array | string, options: CallOptions = {}): Promise<Receipt> {
    const body = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const res = await this.#request({
      method: 'POST',
      path: 'messages',
      body,
      contentType: 'application/xml',
      accept: 'application/json',
      idempotent: true,
      signal: options.signal,
    });
    return (await res.json()) as Receipt;
  }

  /** The node's undelivered messages, most urgent first, then oldest; with `wait`, a long poll. */
  async inbox(options: InboxOptions = {}): Promise<InboxItem[]> {
    const res = await this.#request({
      method: 'GET',
      path: 'inbox',
      query: { wait: options.wait, limit: options.limit, kind: options.kind },
      accept: 'application/json',
      idempotent: true,
      extraTimeoutMs: (options.wait ?? 0) * 1000,
      signal: options.signal,
    });
    return ((await res.json()) as { items: InboxItem[] }).items;
  }

  /**
   * The exact bytes of a message (the node must be its sender or a recipient), checked against the
   * SHA-256 the hub states (a mismatch throws {@link LienthongIntegrityError}).
   */
  async fetch(id: string, options: CallOptions = {}): Promise<FetchedMessage> {
    const res = await this.#request({
      method: 'GET',
      path: `messages/${encodeURIComponent(id)}`,
      accept: 'application/xml, application/problem+json',
      idempotent: true,
      signal: options.signal,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const header = (name: string) => res.headers.get(name) ?? undefined;
    const messageId = header('lienthong-message-id') ?? id;
    const actual = createHash('sha256').update(bytes).digest('hex');
    const stated = header('lienthong-sha256')?.toLowerCase();
    if (stated !== undefined && stated !== actual)
      throw new LienthongIntegrityError(messageId, stated, actual);
    const hops = header('lienthong-hops');
    const recipients = header('lienthong-recipients');
    return {
      messageId,
      kind: (header('lienthong-kind') ?? 'package') as MessageKind,
      sha256: stated ?? actual,
      bytes,
      contentType: header('content-type') ?? 'application/xml',
      ...(hops !== undefined ? { hops: hops.split(',').filter((h) => h !== '') } : {}),
      ...(recipients !== undefined ? { recipients } : {}),
    };
  }

  /**
   * Confirms the node stored the message: it leaves the inbox and its delivery is `delivered`.
   * Idempotent: acknowledging again answers `changed: false`.
   */
  async ack(id: string, options: CallOptions = {}): Promise<AckResult> {
    const res = await this.#request({
      method: 'POST',
      path: `messages/${encodeURIComponent(id)}/ack`,
      accept: 'application/json',
      idempotent: true,
      signal: options.signal,
    });
    return (await res.json()) as AckResult;
  }

  /** Per recipient: delivery state, timestamps and the business statuses received. */
  async trace(id: string, options: CallOptions = {}): Promise<Trace> {
    const res = await this.#request({
      method: 'GET',
      path: `messages/${encodeURIComponent(id)}/trace`,
      accept: 'application/json',
      idempotent: true,
      signal: options.signal,
    });
    return (await res.json()) as Trace;
  }

  /** The traces of the messages the node's organizations sent with this edXML DocumentId (GET /v1/documents). */
  async traceDocument(documentId: string, options: CallOptions = {}): Promise<Trace[]> {
    const res = await this.#request({
      method: 'GET',
      path: 'documents',
      query: { documentId },
      accept: 'application/json',
      idempotent: true,
      signal: options.signal,
    });
    return ((await res.json()) as { items: Trace[] }).items;
  }

  /**
   * The business statuses (01 … 06, 13/15/16) the recipients sent about a message, each with the
   * recipient organization, in the order the trace lists them (read from `trace`).
   */
  async statuses(id: string, options: CallOptions = {}): Promise<RecipientStatus[]> {
    const trace = await this.trace(id, options);
    return trace.deliveries.flatMap((d) =>
      d.statuses.map((s) => ({ ...s, recipientOrganId: d.recipientOrganId })),
    );
  }

  async #request(spec: RequestSpec): Promise<Response> {
    const url = new URL(spec.path, this.#base);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: spec.accept,
      'user-agent': this.#userAgent,
    };
    if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
    const { attempts } = this.#retry;
    const where = `${url.pathname}`;

    for (let attempt = 1; ; attempt += 1) {
      spec.signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(this.#timeoutMs + (spec.extraTimeoutMs ?? 0));
      const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await this.#fetch(url, {
          method: spec.method,
          headers,
          // Any ArrayBufferView is a body for fetch; the cast only narrows TypeScript's buffer type.
          ...(spec.body !== undefined ? { body: spec.body as Uint8Array<ArrayBuffer> } : {}),
          signal,
          redirect: 'error',
        });
      } catch (error) {
        // The caller's abort ends it; a timeout or a network failure is retried when that is safe.
        if (spec.signal?.aborted || !spec.idempotent || attempt >= attempts) throw error;
        await sleep(this.#backoff(attempt), spec.signal);
        continue;
      }
      if (res.ok) return res;

      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const retryable = RETRY_STATUSES.has(res.status) && attempt < attempts;
      if (retryable && (retryAfterMs === undefined || retryAfterMs <= this.#retry.maxDelayMs)) {
        await res.body?.cancel().catch(() => undefined);
        await sleep(retryAfterMs ?? this.#backoff(attempt), spec.signal);
        continue;
      }
      throw new LienthongApiError({
        status: res.status,
        problem: await problemOf(res),
        retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
        attempts: attempt,
        method: spec.method,
        path: where,
      });
    }
  }

  /** Exponential backoff with "equal jitter": between half and all of base × 2^(attempt-1), capped. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function problemOf(res: Response): Promise<Problem | null> {
  const text = await res.text().catch(() => '');
  if (!/json/i.test(res.headers.get('content-type') ?? '')) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Problem) : null;
  } catch {
    return null;
  }
}

async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return;
  await sleepTimer(ms, undefined, signal ? { signal } : {});
}
