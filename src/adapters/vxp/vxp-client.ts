import { Agent, type Dispatcher, request } from 'undici';
import { errorCodeOf, transportReasonOf } from '../outbound-error.ts';
import { parseRetryAfter } from '../webhook/retry-after.ts';
import type { VxpCode } from './codes.ts';
import { sdkHashFile } from './hash-file.ts';
import {
  gsonString,
  SDK_USER_AGENT,
  SDK_VERSION,
  sdkTimestamp,
  signSdkParams,
  withoutControls,
} from './sdk-sign.ts';

/*
 * The hub as a client of a VXP server above it (the national axis, or another lienthong's /vxp):
 * the four calls a system needs to send and receive, signed exactly as the Java SDK signs them and
 * carrying exactly the parameters the SDK carries (test/support/vxp-sdk-client.ts is the reference):
 *
 *   sendEdoc             from, to (JSON text), servicetype, messagetype, hash-file; body file + CRLF
 *   getReceivedEdocList  servicetype, messagetype (pageSize when asked); empty body
 *   getEdoc              docId, filePath; body {}
 *   updateStatus         status, docId (reason when given); body {}
 *
 * Every outcome is a value: nothing the server or the network does makes a call throw.
 */

/** A message kind on the VXP wire. */
export type VxpMessageType = 'edoc' | 'status';

/** The client's own failure codes (listed in codes.ts). */
export type VxpClientCode = Extract<
  VxpCode,
  | 'VXP_CLIENT_UNREACHABLE'
  | 'VXP_CLIENT_TIMEOUT'
  | 'VXP_CLIENT_HTTP_UNAVAILABLE'
  | 'VXP_CLIENT_HTTP_REFUSED'
  | 'VXP_CLIENT_BAD_RESPONSE'
  | 'VXP_CLIENT_RESPONSE_TOO_LARGE'
>;

/** No usable answer came: the network, a timeout, an HTTP error status, an unreadable body. */
export interface VxpTransportFailure {
  readonly ok: false;
  readonly kind: 'transport';
  readonly code: VxpClientCode;
  /** Whether the same call may succeed later (the caller decides when; `retryAfterMs` is a hint). */
  readonly retry: boolean;
  /** What happened, without secrets or body bytes beyond a short excerpt. */
  readonly message: string;
  /** The HTTP status, when an answer came. */
  readonly httpStatus?: number;
  /** The server's Retry-After, in ms, when it sent one with 408/429/5xx. */
  readonly retryAfterMs?: number;
}

/** The server answered with a failure envelope (`status` not OK, or a non-zero `ErrorCode`). */
export interface VxpRefusedFailure {
  readonly ok: false;
  readonly kind: 'refused';
  /** The server's `ErrorCode`, as it sent it (lienthong: a numeric family, e.g. "4"). */
  readonly code: string;
  /** Whether `code` is one the client was told means "try again later" (`retryableErrorCodes`). */
  readonly retry: boolean;
  /** The server's `ErrorDesc`. */
  readonly message: string;
  /** The stable code `ErrorDesc` starts with (lienthong writes `CODE: message`), when it does. */
  readonly stableCode?: string;
}

/** Every way a call can fail. */
export type VxpClientFailure = VxpTransportFailure | VxpRefusedFailure;

/** A call's outcome: its result, or a classified failure. */
export type VxpClientOutcome<T extends object = object> = ({ readonly ok: true } & T) | VxpClientFailure;

/** One row of getReceivedEdocList. */
export interface VxpReceivedItem {
  readonly docId: string;
  readonly messageType: VxpMessageType;
  /** The sending organization. */
  readonly from: string;
  /** The receiving organization the server names (one, even for a package to several). */
  readonly to: string;
  /** `created_time` as the server wrote it. */
  readonly createdTime?: string;
  /** The server's transport status of the item (`initial`, `fail`, ...). */
  readonly status?: string;
}

export interface SendEdocInput {
  readonly messageType: VxpMessageType;
  /** The sending organization (the edXML From). */
  readonly from: string;
  /** The receiving organizations (the edXML To); advisory for lienthong, which routes on the package. */
  readonly to: readonly string[];
}

export interface VxpClientOptions {
  /** The server's VXP base URL, as a vendor gives it to the SDK (`https://…/vxp`); a trailing slash is fine. */
  readonly endpoint: string;
  /** The system id the server registered for this hub. */
  readonly systemId: string;
  /** The shared secret issued with it (HMAC key). */
  readonly secret: string;
  /** Use this dispatcher (an Agent with client certificates, extra CAs, a proxy) instead of our own. */
  readonly dispatcher?: Dispatcher;
  /** TCP + TLS handshake limit, ms (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Limit for the answer's headers once the request is sent, ms (default 60 s: accepting may verify signatures). */
  readonly headersTimeoutMs?: number;
  /** Limit between two chunks of the answer's body, ms (default 60 s). */
  readonly bodyTimeoutMs?: number;
  /** Limit for the whole exchange, upload and download included, ms (default 300 s). */
  readonly requestTimeoutMs?: number;
  /** Pooled keep-alive connections to the server (default 4). */
  readonly connections?: number;
  /** Largest package getEdoc accepts, bytes (default 64 MiB); its answer may be base64 plus 64 KiB longer. */
  readonly maxPackageBytes?: number;
  /** Largest answer of the other calls, bytes (default 4 MiB). */
  readonly maxResponseBytes?: number;
  /**
   * `ErrorCode` values of failure envelopes that mean "the server failed, try again later". Default
   * `['1']`, lienthong's family for its own failures (docs/vxp.md); every other refusal is final.
   */
  readonly retryableErrorCodes?: readonly string[];
  /** The `filePath` getEdoc signs: the SDK requires it (its own download folder); servers ignore it. */
  readonly filePath?: string;
  /** Default: the SDK's, since the server expects the SDK. */
  readonly userAgent?: string;
  /** The clock of the signed timestamp (tests). */
  readonly now?: () => Date;
}

/** A client of one VXP server as one system. */
export interface VxpClient {
  /** Sends a package (or a status package); `docId` is the server's id of it. */
  sendEdoc(file: Uint8Array, input: SendEdocInput): Promise<VxpClientOutcome<{ readonly docId: string }>>;
  /**
   * What waits for this system. Items without a `docId` cannot be fetched and are left out
   * (`skipped` counts them) instead of failing the whole list.
   */
  getReceivedEdocList(input: {
    readonly messageType: VxpMessageType;
    /** Most items to ask for (the server may cap it). */
    readonly pageSize?: number;
  }): Promise<VxpClientOutcome<{ readonly items: readonly VxpReceivedItem[]; readonly skipped: number }>>;
  /** The package exactly as the server holds it. */
  getEdoc(docId: string): Promise<VxpClientOutcome<{ readonly bytes: Uint8Array }>>;
  /**
   * Reports on a received document: `done` (stored; the server stops offering it), `fail` (could not
   * take it; `reason` says why), or another transport word (`inbox`, `processing`, ...).
   */
  updateStatus(docId: string, status: string, reason?: string): Promise<VxpClientOutcome>;
  /** Closes the client's own connection pool (a dispatcher passed in is left to its owner). */
  close(): Promise<void>;
}

export const VXP_CLIENT_DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
  connections: 4,
  maxPackageBytes: 64 * 1024 * 1024,
  maxResponseBytes: 4 * 1024 * 1024,
  retryableErrorCodes: ['1'],
  filePath: '/tmp/vxp',
} as const;

/** Room for the envelope around getEdoc's base64 (status, ErrorDesc, escapes). */
const ENVELOPE_OVERHEAD = 64 * 1024;
/** Most characters of an unreadable answer quoted in a failure message. */
const EXCERPT_CHARS = 200;

type OperationName = 'sendEdoc' | 'getReceivedEdocList' | 'getEdoc' | 'updateStatus';
type Envelope = Readonly<Record<string, unknown>>;

/** A call to make: what to sign and send. */
interface CallSpec {
  readonly op: OperationName;
  readonly contentType: 'application/octet-stream' | 'application/json';
  readonly params: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
  readonly maxResponseBytes: number;
}

/**
 * Builds a client. Throws only for a bad configuration (an endpoint that is not an absolute http(s)
 * URL, an empty system id or secret); calls never throw.
 */
export function createVxpClient(options: VxpClientOptions): VxpClient {
  const base = endpointBase(options.endpoint);
  if (options.systemId.trim() === '') throw new TypeError('createVxpClient: systemId is empty');
  if (options.secret === '') throw new TypeError('createVxpClient: secret is empty');
  const d = VXP_CLIENT_DEFAULTS;
  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({
          connect: { timeout: options.connectTimeoutMs ?? d.connectTimeoutMs },
          headersTimeout: options.headersTimeoutMs ?? d.headersTimeoutMs,
          bodyTimeout: options.bodyTimeoutMs ?? d.bodyTimeoutMs,
          connections: options.connections ?? d.connections,
          // Short: a VXP server may drop idle connections quickly (docs/vxp.md advises a few seconds).
          keepAliveTimeout: 4_000,
        })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const requestTimeoutMs = options.requestTimeoutMs ?? d.requestTimeoutMs;
  const maxPackageBytes = options.maxPackageBytes ?? d.maxPackageBytes;
  const maxResponseBytes = options.maxResponseBytes ?? d.maxResponseBytes;
  const retryable = new Set(options.retryableErrorCodes ?? d.retryableErrorCodes);
  const filePath = options.filePath ?? d.filePath;
  const userAgent = options.userAgent ?? SDK_USER_AGENT;
  const now = options.now ?? (() => new Date());

  /** Sends one signed call; the parsed envelope, or why there is none. */
  async function call(spec: CallSpec): Promise<{ ok: true; envelope: Envelope } | VxpClientFailure> {
    const signed = signSdkParams({
      systemId: options.systemId,
      secret: options.secret,
      timestamp: sdkTimestamp(now()),
      contentType: spec.contentType,
      params: spec.params,
    });
    const headers = [...signed.headers, ['XroadVnpt-version', SDK_VERSION], ['User-Agent', userAgent]].flat();
    try {
      const response = await request(`${base}/${spec.op}`, {
        method: 'POST',
        dispatcher,
        headers,
        body: spec.body,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const status = response.statusCode;
      if (status === 408 || status === 429 || status >= 500) {
        await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
        const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
        return {
          ...transport('VXP_CLIENT_HTTP_UNAVAILABLE', `${spec.op}: the server answered HTTP ${status}`),
          httpStatus: status,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      const body = await readBounded(response, spec.maxResponseBytes);
      if (body === null) {
        return {
          ...transport(
            'VXP_CLIENT_RESPONSE_TOO_LARGE',
            `${spec.op}: the answer exceeds ${spec.maxResponseBytes} bytes`,
          ),
          httpStatus: status,
        };
      }
      const text = body.toString('utf8');
      const envelope = parseEnvelope(text);
      const success = status >= 200 && status < 300;
      // A failure envelope says more than the status it came with; an OK one counts only with a 2xx.
      if (envelope !== null && (success || scalar(envelope['status'])?.toUpperCase() !== 'OK')) {
        return { ok: true, envelope };
      }
      if (!success) {
        return {
          ...transport('VXP_CLIENT_HTTP_REFUSED', `${spec.op}: the server answered HTTP ${status}`),
          httpStatus: status,
        };
      }
      return {
        ...transport(
          'VXP_CLIENT_BAD_RESPONSE',
          `${spec.op}: the answer is not a VXP envelope: ${excerpt(text)}`,
        ),
        httpStatus: status,
      };
    } catch (error) {
      return networkFailure(spec.op, error);
    }
  }

  /** The envelope's verdict: success, or the server's refusal classified. */
  function refusalOf(envelope: Envelope): VxpRefusedFailure | null {
    const status = scalar(envelope['status']);
    const errorCode = scalar(envelope['ErrorCode']);
    if (status?.toUpperCase() === 'OK' && (errorCode === undefined || errorCode === '0')) return null;
    const code = errorCode === undefined || errorCode === '' ? 'FAIL' : errorCode;
    const message = scalar(envelope['ErrorDesc']) ?? '';
    const stableCode = /^([A-Z][A-Z0-9_]{2,}):/.exec(message)?.[1];
    return {
      ok: false,
      kind: 'refused',
      code,
      retry: retryable.has(code),
      message,
      ...(stableCode === undefined ? {} : { stableCode }),
    };
  }

  return {
    async sendEdoc(file, input) {
      const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
      const answer = await call({
        op: 'sendEdoc',
        contentType: 'application/octet-stream',
        params: [
          ['from', input.from],
          // The SDK stores `to` with toString(): the JSON text of the array.
          ['to', `[${input.to.map(gsonString).join(',')}]`],
          ['servicetype', 'eDoc'],
          ['messagetype', input.messageType],
          ['hash-file', sdkHashFile(bytes)],
        ],
        // The SDK's body: the file, then CRLF (hash-file covers the file alone).
        body: Buffer.concat([bytes, Buffer.from('\r\n', 'latin1')]),
        maxResponseBytes,
      });
      if (!answer.ok) return answer;
      const refused = refusalOf(answer.envelope);
      if (refused !== null) return refused;
      const docId = scalar(answer.envelope['DocId']);
      if (docId === undefined || docId.trim() === '') return badResponse('sendEdoc', 'no DocId in OK');
      return { ok: true, docId: docId.trim() };
    },

    async getReceivedEdocList(input) {
      const params: [string, string][] = [
        ['servicetype', 'eDoc'],
        ['messagetype', input.messageType],
      ];
      if (input.pageSize !== undefined) params.push(['pageSize', String(input.pageSize)]);
      const answer = await call({
        op: 'getReceivedEdocList',
        contentType: 'application/json',
        params,
        body: new Uint8Array(0),
        maxResponseBytes,
      });
      if (!answer.ok) return answer;
      const refused = refusalOf(answer.envelope);
      if (refused !== null) return refused;
      const data = answer.envelope['data'];
      if (!Array.isArray(data)) return badResponse('getReceivedEdocList', 'data is not a list');
      const items: VxpReceivedItem[] = [];
      for (const row of data) {
        const item = receivedItem(row, input.messageType);
        if (item !== null) items.push(item);
      }
      return { ok: true, items, skipped: data.length - items.length };
    },

    async getEdoc(docId) {
      const answer = await call({
        op: 'getEdoc',
        contentType: 'application/json',
        params: [
          ['docId', docId],
          ['filePath', filePath],
        ],
        body: Buffer.from('{}'),
        maxResponseBytes: Math.ceil(maxPackageBytes / 3) * 4 + ENVELOPE_OVERHEAD,
      });
      if (!answer.ok) return answer;
      const refused = refusalOf(answer.envelope);
      if (refused !== null) return refused;
      const bytes = decodeBase64(scalar(answer.envelope['data']) ?? '');
      if (bytes === null) return badResponse('getEdoc', 'data is not a non-empty base64 package');
      if (bytes.length > maxPackageBytes) {
        return transport(
          'VXP_CLIENT_RESPONSE_TOO_LARGE',
          `getEdoc: the package exceeds ${maxPackageBytes} bytes`,
        );
      }
      return { ok: true, bytes };
    },

    async updateStatus(docId, status, reason) {
      const params: [string, string][] = [
        ['status', status],
        ['docId', docId],
      ];
      if (reason !== undefined && reason.trim() !== '') params.push(['reason', reason]);
      const answer = await call({
        op: 'updateStatus',
        contentType: 'application/json',
        params,
        body: Buffer.from('{}'),
        maxResponseBytes,
      });
      if (!answer.ok) return answer;
      return refusalOf(answer.envelope) ?? { ok: true };
    },

    async close() {
      await ownAgent?.close();
    },
  };
}

/** `<endpoint>` without trailing slashes; throws for anything but an absolute http(s) URL. */
function endpointBase(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new TypeError('createVxpClient: endpoint is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('createVxpClient: endpoint must be http or https');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError('createVxpClient: endpoint must not carry a query or a fragment');
  }
  return url.href.replace(/\/+$/, '');
}

function transport(code: VxpClientCode, message: string): VxpTransportFailure {
  const retry = code !== 'VXP_CLIENT_HTTP_REFUSED' && code !== 'VXP_CLIENT_RESPONSE_TOO_LARGE';
  return { ok: false, kind: 'transport', code, retry, message };
}

function badResponse(op: OperationName, why: string): VxpTransportFailure {
  return transport('VXP_CLIENT_BAD_RESPONSE', `${op}: ${why}`);
}

/** The body, or null once it exceeds `limit` (checked on Content-Length first, then as it streams). */
async function readBounded(response: Dispatcher.ResponseData, limit: number): Promise<Buffer | null> {
  const declared = Number(response.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    response.body.destroy();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) {
      response.body.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The JSON object of an answer, if it is a VXP envelope: `status`, `ErrorCode`, `ErrorDesc` present as
 * JSON scalars (the SDK reads them with getAsString, so numbers count too). Anything else is null.
 */
function parseEnvelope(text: string): Envelope | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const envelope = json as Envelope;
  const required = ['status', 'ErrorCode', 'ErrorDesc'];
  return required.every((key) => scalar(envelope[key]) !== undefined) ? envelope : null;
}

/** A JSON scalar as the SDK's getAsString gives it; undefined for null, objects and absence. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** One list row, or null when it names no document. */
function receivedItem(row: unknown, requested: VxpMessageType): VxpReceivedItem | null {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return null;
  const r = row as Envelope;
  const docId = scalar(r['docId'])?.trim();
  if (docId === undefined || docId === '') return null;
  const kind = scalar(r['messageType'])?.toLowerCase();
  const createdTime = scalar(r['created_time']);
  const status = scalar(r['status']);
  return {
    docId,
    messageType: kind === 'edoc' || kind === 'status' ? kind : requested,
    from: scalar(r['from']) ?? '',
    to: scalar(r['to']) ?? '',
    ...(createdTime === undefined ? {} : { createdTime }),
    ...(status === undefined ? {} : { status }),
  };
}

/**
 * Standard base64 (line breaks tolerated: Java's MIME encoder adds them) to bytes, or null when the
 * text is empty or not base64. Buffer.from alone would skip invalid characters silently.
 */
function decodeBase64(text: string): Buffer | null {
  const compact = text.replace(/[\r\n]/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

/** A short printable excerpt of an unreadable answer, for the operator. */
function excerpt(text: string): string {
  const printable = withoutControls(text).replace(/ {2,}/g, ' ').trim();
  if (printable === '') return '(empty)';
  return printable.length > EXCERPT_CHARS ? `${printable.slice(0, EXCERPT_CHARS)}...` : printable;
}

/** A thrown error of the exchange (network, timeout, broken answer) as a retryable failure. */
function networkFailure(op: OperationName, error: unknown): VxpTransportFailure {
  const code = errorCodeOf(error);
  const name = error instanceof Error ? error.name : '';
  const reason = transportReasonOf(error);
  if (reason === 'connect-timeout' || reason === 'headers-timeout' || reason === 'timeout') {
    return transport('VXP_CLIENT_TIMEOUT', `${op}: ${code ?? name} before a complete answer`);
  }
  return transport('VXP_CLIENT_UNREACHABLE', `${op}: ${code ?? (name || 'network error')}`);
}
