import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher, request } from 'undici';
import {
  type DirectoryReportBody,
  type ForwardRecipient,
  formatForwardRecipients,
  type PeerReceipt,
} from '../../hub/index.ts';
import type { AttemptRecord, DeliveryOutcome, ForwardAnswer } from '../../queue/index.ts';
import { errorCodeOf, type TransportReason, transportReasonOf } from '../outbound-error.ts';
import { parseRetryAfter } from '../webhook/retry-after.ts';
import type { PeerCode } from './codes.ts';

/** Options of the hub-to-hub client. */
export interface PeerClientOptions {
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Pooled keep-alive connections per peer (default 8). */
  readonly connectionsPerPeer?: number;
  readonly dispatcher?: Dispatcher;
}

/** A peer hub's address and the token this hub presents to it. */
export interface PeerAddress {
  /** The peer's base URL (its node API is under `/v1`). */
  readonly url: string;
  readonly token: string | null;
}

/** A hand-over of one message to the next hub. */
export interface HandOver extends PeerAddress {
  readonly messageId: string;
  /** Hubs passed, this one last (Lienthong-Hops). */
  readonly hops: readonly string[];
  /** The recipients the next hub becomes responsible for (Lienthong-Recipients). */
  readonly recipients: readonly ForwardRecipient[];
  readonly body: Uint8Array;
  readonly attempt: number;
  readonly now: Date;
}

/** A call that is not a delivery attempt: its answer, or why none came and whether to try again. */
export type PeerCallResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly code: string;
      readonly retry: boolean;
      readonly status: number | null;
      readonly message: string;
    };

/** An item of a peer's inbox, as its node API lists it. */
export interface PeerInboxItem {
  readonly id: string;
  readonly kind: 'package' | 'status';
  readonly priority: number;
}

/** A message fetched from a peer, with what the peer says about it beside the bytes. */
export interface PeerFetched {
  readonly bytes: Uint8Array;
  readonly hops: readonly string[];
  readonly recipients: readonly ForwardRecipient[] | null;
}

/** The hub-to-hub client: hand-overs and receipts (delivery attempts), directory reports, pulling. */
export interface PeerClient {
  /** Hands a message to the next hub (POST /v1/messages with the forward headers). */
  handOver(input: HandOver): Promise<DeliveryOutcome>;
  /** Tells the hub before this one what became of deliveries (POST /v1/hub/receipts), several at once. */
  sendReceipts(
    input: PeerAddress & {
      readonly receipts: readonly PeerReceipt[];
      readonly attempt: number;
      readonly now: Date;
    },
  ): Promise<DeliveryOutcome>;
  /** Reports this hub's organizations to its parent (PUT /v1/hub/directory). */
  reportDirectory(
    input: PeerAddress & { readonly report: DirectoryReportBody },
  ): Promise<PeerCallResult<{ readonly applied: boolean; readonly version: number }>>;
  /** Long-polls this hub's inbox at its parent (GET /v1/inbox?wait=…). */
  pullInbox(
    input: PeerAddress & {
      readonly waitSeconds: number;
      readonly limit: number;
      readonly signal?: AbortSignal;
    },
  ): Promise<PeerCallResult<PeerInboxItem[]>>;
  /** Fetches one message of that inbox with its forward headers. */
  fetch(input: PeerAddress & { readonly id: string }): Promise<PeerCallResult<PeerFetched>>;
  /** Acknowledges it there once this hub holds it. */
  ack(
    input: PeerAddress & { readonly id: string; readonly hub: string; readonly acceptedAt: string },
  ): Promise<PeerCallResult<true>>;
  /** Tells the parent what became of deliveries it handed over (a pulled message this hub refused). */
  reportReceipts(
    input: PeerAddress & { readonly receipts: readonly PeerReceipt[] },
  ): Promise<PeerCallResult<true>>;
  /** Long-polls the receipts waiting for this hub at its parent. */
  pullReceipts(
    input: PeerAddress & { readonly waitSeconds: number; readonly signal?: AbortSignal },
  ): Promise<PeerCallResult<PeerReceipt[]>>;
  /** Acknowledges pulled receipts. */
  ackReceipts(input: PeerAddress & { readonly ids: readonly string[] }): Promise<PeerCallResult<true>>;
  close(): Promise<void>;
}

const REASON_CODES: Readonly<Record<TransportReason, PeerCode>> = {
  'connect-timeout': 'PEER_TIMEOUT',
  'headers-timeout': 'PEER_TIMEOUT',
  timeout: 'PEER_TIMEOUT',
  'connection-refused': 'PEER_UNREACHABLE',
  dns: 'PEER_UNREACHABLE',
  tls: 'PEER_UNREACHABLE',
  'invalid-request': 'PEER_REFUSED',
  network: 'PEER_UNREACHABLE',
};

/** 401 (the token is being fixed), 408, 429 and 5xx are worth trying again; other refusals are final. */
const retryable = (status: number) => status === 401 || status === 408 || status === 429 || status >= 500;

const base = (url: string) => url.replace(/\/+$/, '');

/** The first bytes of an answer as text, for the operator; never more than `limit`. */
async function readText(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      throw Object.assign(new Error(`answer over ${limit} bytes`), { code: 'ANSWER_TOO_LARGE' });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The stable code of a problem+json answer, when it is one. */
function problemCode(json: unknown): string | null {
  const code = (json as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,63}$/.test(code) ? code : null;
}

/** The next hub's receipt as a hand-over answer. */
function forwardAnswerOf(json: unknown): ForwardAnswer | null {
  if (typeof json !== 'object' || json === null) return null;
  const receipt = json as { hub?: unknown; receivedAt?: unknown; recipients?: unknown };
  if (!Array.isArray(receipt.recipients)) return null;
  const refused = (
    receipt.recipients as Array<{ organId?: unknown; state?: unknown; code?: unknown; reason?: unknown }>
  )
    .filter((r) => r.state === 'unroutable' && typeof r.organId === 'string')
    .map((r) => ({
      organId: String(r.organId),
      code: typeof r.code === 'string' ? r.code : 'ROUTE_UNKNOWN_ORGAN',
      reason: typeof r.reason === 'string' ? r.reason.slice(0, 256) : 'unroutable at the next hub',
    }));
  return {
    hub: typeof receipt.hub === 'string' ? receipt.hub : 'unknown',
    acceptedAt: typeof receipt.receivedAt === 'string' ? receipt.receivedAt : null,
    refused,
  };
}

export function createPeerClient(options: PeerClientOptions = {}): PeerClient {
  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({
          connect: { timeout: options.connectTimeoutMs ?? 10_000 },
          headersTimeout: options.headersTimeoutMs ?? 60_000,
          bodyTimeout: options.bodyTimeoutMs ?? 60_000,
          connections: options.connectionsPerPeer ?? 8,
          keepAliveTimeout: 10_000,
        })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const requestTimeoutMs = options.requestTimeoutMs ?? 300_000;

  /** One exchange: the answer's status, headers and (bounded) text; or the thrown error. */
  async function exchange(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    headers: Record<string, string>,
    body: Uint8Array | string | undefined,
    limit: number,
    timeoutMs = requestTimeoutMs,
    stop?: AbortSignal,
  ): Promise<
    | { ok: true; status: number; headers: Dispatcher.ResponseData['headers']; text: string; raw?: Buffer }
    | { ok: false; error: unknown }
  > {
    try {
      const response = await request(url, {
        method,
        dispatcher,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: stop
          ? AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
      });
      const text = await readText(response.body, limit);
      return { ok: true, status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      return { ok: false, error };
    }
  }

  const auth = (token: string | null): Record<string, string> =>
    token === null ? {} : { authorization: `Bearer ${token}` };

  /** A call that is not a delivery attempt, as a result. */
  async function call<T>(
    method: 'GET' | 'POST' | 'PUT',
    address: PeerAddress,
    path: string,
    body: unknown,
    read: (json: unknown, headers: Dispatcher.ResponseData['headers']) => T | null,
    timeoutMs?: number,
    stop?: AbortSignal,
  ): Promise<PeerCallResult<T>> {
    if (address.token === null) {
      return {
        ok: false,
        code: 'PEER_NO_TOKEN',
        retry: false,
        status: null,
        message: 'no token for this peer hub',
      };
    }
    const answer = await exchange(
      method,
      `${base(address.url)}${path}`,
      { ...auth(address.token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body === undefined ? undefined : JSON.stringify(body),
      8 * 1024 * 1024,
      timeoutMs,
      stop,
    );
    if (!answer.ok) {
      const reason = transportReasonOf(answer.error);
      return {
        ok: false,
        code: REASON_CODES[reason],
        retry: reason !== 'invalid-request',
        status: null,
        message: errorCodeOf(answer.error) ?? reason,
      };
    }
    const json = parseJson(answer.text);
    if (answer.status >= 200 && answer.status < 300) {
      const value = read(json, answer.headers);
      return value === null
        ? {
            ok: false,
            code: 'PEER_BAD_ANSWER',
            retry: true,
            status: answer.status,
            message: 'unreadable answer',
          }
        : { ok: true, value };
    }
    return {
      ok: false,
      code: problemCode(json) ?? (retryable(answer.status) ? 'PEER_HTTP_RETRYABLE' : 'PEER_REFUSED'),
      retry: retryable(answer.status),
      status: answer.status,
      message: String((json as { detail?: unknown } | undefined)?.detail ?? answer.text.slice(0, 200)),
    };
  }

  /** A delivery attempt (a hand-over or a receipt), classified like a webhook push. */
  async function attempt(
    url: string,
    headers: Record<string, string>,
    body: Uint8Array | string,
    meta: { readonly attempt: number; readonly now: Date },
    onAccepted: (json: unknown, record: AttemptRecord) => DeliveryOutcome | null,
  ): Promise<DeliveryOutcome> {
    const started = performance.now();
    const record = (
      fields: Pick<AttemptRecord, 'httpStatus' | 'errorCode' | 'errorDetail'>,
    ): AttemptRecord => ({
      attempt: meta.attempt,
      startedAt: meta.now,
      durationMs: Math.max(0, Math.round(performance.now() - started)),
      ...fields,
    });
    const answer = await exchange('POST', url, headers, body, 1024 * 1024);
    if (!answer.ok) {
      const reason = transportReasonOf(answer.error);
      return {
        kind: reason === 'invalid-request' ? 'permanent' : 'retry',
        attempt: record({
          httpStatus: null,
          errorCode: REASON_CODES[reason],
          errorDetail: errorCodeOf(answer.error),
        }),
      };
    }
    const json = parseJson(answer.text);
    const status = answer.status;
    if (status >= 200 && status < 300) {
      const accepted = onAccepted(json, record({ httpStatus: status, errorCode: null, errorDetail: null }));
      return (
        accepted ?? {
          kind: 'retry',
          attempt: record({
            httpStatus: status,
            errorCode: 'PEER_BAD_ANSWER',
            errorDetail: answer.text.slice(0, 200),
          }),
        }
      );
    }
    const detail = String((json as { detail?: unknown } | undefined)?.detail ?? answer.text).slice(0, 256);
    if (retryable(status)) {
      const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], meta.now.getTime());
      const failed = record({
        httpStatus: status,
        errorCode: problemCode(json) ?? 'PEER_HTTP_RETRYABLE',
        errorDetail: detail,
      });
      return retryAfterMs === undefined
        ? { kind: 'retry', attempt: failed }
        : { kind: 'retry', attempt: failed, retryAfterMs };
    }
    // The far hub's own code is what the origin sees as the delivery's error.
    return {
      kind: 'permanent',
      attempt: record({
        httpStatus: status,
        errorCode: problemCode(json) ?? 'PEER_REFUSED',
        errorDetail: detail,
      }),
    };
  }

  const noToken = (meta: { attempt: number; now: Date }): DeliveryOutcome => ({
    kind: 'retry',
    attempt: {
      attempt: meta.attempt,
      startedAt: meta.now,
      durationMs: 0,
      httpStatus: null,
      errorCode: 'PEER_NO_TOKEN',
      errorDetail: null,
    },
  });

  return {
    handOver(input) {
      if (input.token === null) return Promise.resolve(noToken(input));
      return attempt(
        `${base(input.url)}/v1/messages`,
        {
          ...auth(input.token),
          'content-type': 'application/xml',
          'lienthong-message-id': input.messageId,
          'lienthong-hops': input.hops.join(','),
          'lienthong-recipients': formatForwardRecipients(input.recipients),
          'lienthong-delivery-attempt': String(input.attempt),
        },
        input.body,
        input,
        (json, accepted) => {
          const answer = forwardAnswerOf(json);
          return answer === null ? null : { kind: 'forwarded', attempt: accepted, answer };
        },
      );
    },

    sendReceipts(input) {
      if (input.token === null) return Promise.resolve(noToken(input));
      return attempt(
        `${base(input.url)}/v1/hub/receipts`,
        {
          ...auth(input.token),
          'content-type': 'application/json',
          'lienthong-message-id': input.receipts[0]?.id ?? '',
        },
        JSON.stringify({ receipts: input.receipts }),
        input,
        (_json, accepted) => ({ kind: 'delivered', attempt: accepted }),
      );
    },

    reportDirectory(input) {
      return call('PUT', input, '/v1/hub/directory', input.report, (json) => {
        const answer = json as { applied?: unknown; version?: unknown } | undefined;
        return typeof answer?.version === 'number'
          ? { applied: answer.applied === true, version: answer.version }
          : null;
      });
    },

    pullInbox(input) {
      return call(
        'GET',
        input,
        `/v1/inbox?wait=${input.waitSeconds}&limit=${input.limit}`,
        undefined,
        (json) => {
          const items = (json as { items?: unknown } | undefined)?.items;
          return Array.isArray(items) ? (items as PeerInboxItem[]) : null;
        },
        (input.waitSeconds + 30) * 1000,
        input.signal,
      );
    },

    async fetch(input) {
      if (input.token === null) {
        return {
          ok: false,
          code: 'PEER_NO_TOKEN',
          retry: false,
          status: null,
          message: 'no token for this peer hub',
        };
      }
      try {
        const response = await request(`${base(input.url)}/v1/messages/${encodeURIComponent(input.id)}`, {
          method: 'GET',
          dispatcher,
          headers: auth(input.token),
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        const bytes = new Uint8Array(await response.body.arrayBuffer());
        if (response.statusCode !== 200) {
          return {
            ok: false,
            code: 'PEER_REFUSED',
            retry: retryable(response.statusCode),
            status: response.statusCode,
            message: 'fetch refused',
          };
        }
        const header = (name: string) => {
          const value = response.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const hops = (header('lienthong-hops') ?? '')
          .split(',')
          .map((h) => h.trim())
          .filter((h) => h !== '');
        const named = header('lienthong-recipients');
        return {
          ok: true,
          value: {
            bytes,
            hops,
            recipients:
              named === undefined
                ? null
                : named
                    .split(',')
                    .filter((p) => p.trim() !== '')
                    .map((p) => {
                      const [addressed = '', recipient] = p.split('>').map((x) => x.trim());
                      return { addressed, recipient: recipient ?? addressed };
                    }),
          },
        };
      } catch (error) {
        const reason = transportReasonOf(error);
        return {
          ok: false,
          code: REASON_CODES[reason],
          retry: true,
          status: null,
          message: errorCodeOf(error) ?? reason,
        };
      }
    },

    ack(input) {
      const path = `/v1/messages/${encodeURIComponent(input.id)}/ack`;
      return call('POST', input, path, { hub: input.hub, acceptedAt: input.acceptedAt }, () => true as const);
    },

    pullReceipts(input) {
      return call(
        'GET',
        input,
        `/v1/hub/receipts?wait=${input.waitSeconds}`,
        undefined,
        (json) => {
          const receipts = (json as { receipts?: unknown } | undefined)?.receipts;
          return Array.isArray(receipts) ? (receipts as PeerReceipt[]) : null;
        },
        (input.waitSeconds + 30) * 1000,
        input.signal,
      );
    },

    reportReceipts(input) {
      return call('POST', input, '/v1/hub/receipts', { receipts: input.receipts }, () => true as const);
    },

    ackReceipts(input) {
      return call('POST', input, '/v1/hub/receipts/ack', { ids: input.ids }, () => true as const);
    },

    async close() {
      await ownAgent?.close();
    },
  };
}
