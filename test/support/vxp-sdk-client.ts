import { createHash, createHmac } from 'node:crypto';
import net from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { parseResponseHead, type ResponseHead } from './http-head.ts';

/*
 * A TypeScript stand-in for the national axis Java SDK (SDKVXP-2.0.1, com.vpcp.services), built from
 * the SDK's wire format so the VXP endpoint can be tested against what the SDK really sends:
 *   - one header map per service instance (Knobstick / Agency), NEVER cleared: parameters of earlier
 *     calls ride along, and the timestamp is the one frozen at construction;
 *   - headers in Java HashMap iteration order, the bare Content-Type right before XroadVnpt-Content-Type;
 *   - the sign-header as Gson 2.2 JsonObject.toString() writes it, HMAC-SHA256 in lower-case hex;
 *   - `to` of sendEdoc stored with toString() (so a string keeps its JSON quotes);
 *   - hash-file as unpadded hex; the sendEdoc body is the file plus "\r\n";
 *   - empty bodies, `{}` bodies, and Expect: 100-continue with the ~3 s fallback of HttpClient;
 *   - the two HTTP stacks' header order and fixed headers (HttpClient vs HttpURLConnection).
 * It also reads answers the way the SDK does (`readLikeSdk`), so tests can check what a vendor's
 * program would actually get. Not covered: Gson's lenient parsing of jsonHeaders text (callers pass
 * objects), and HashMap treeification (needs 8+ keys in one bucket).
 */

// ---------------------------------------------------------------- Java HashMap order

/** `String.hashCode()` over UTF-16 units with int overflow. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** A `HashMap<String,String>` that iterates in Java's order (default capacity 16, load factor 0.75). */
export class JavaHashMap {
  readonly #keys: string[] = [];
  readonly #values = new Map<string, string>();
  #capacity = 16;

  put(key: string, value: string): void {
    if (!this.#values.has(key)) {
      this.#keys.push(key);
      // Java resizes after the insertion that makes size exceed capacity * 0.75.
      if (this.#keys.length > this.#capacity * 0.75) this.#capacity *= 2;
    }
    this.#values.set(key, value);
  }

  get size(): number {
    return this.#keys.length;
  }

  /**
   * Iteration order: by bucket index `(h ^ h >>> 16) & (capacity - 1)`, and within one bucket by
   * insertion (new entries go to the tail, and a resize splits a bucket keeping relative order).
   */
  entries(): [string, string][] {
    const bucket = (k: string) => {
      const h = javaStringHash(k);
      return (h ^ (h >>> 16)) & (this.#capacity - 1);
    };
    return this.#keys
      .map((key, index) => ({ key, index, bucket: bucket(key) }))
      .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
      .map(({ key }) => [key, this.#values.get(key) ?? '']);
  }
}

// ---------------------------------------------------------------- Gson and the timestamp

/** A JSON string as Gson 2.2's JsonWriter writes it (htmlSafe off): only `"`, `\`, controls, U+2028/9. */
export function gsonString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\f') out += '\\f';
    else if (c <= 0x1f || ch === '\u2028' || ch === '\u2029') out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `new SimpleDateFormat("ddMMyyyy'T'HHmmss+SSSS")` in local time: `+SSSS` is milliseconds, not a zone. */
export function sdkTimestamp(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(at.getDate())}${p(at.getMonth() + 1)}${p(at.getFullYear(), 4)}T` +
    `${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}+${p(at.getMilliseconds(), 4)}`
  );
}

/** The SDK's hash-file: SHA-256 of the file, each byte `Integer.toHexString(b & 0xFF)`, no padding. */
export function sdkHashFileOf(file: Uint8Array): string {
  return Array.from(createHash('sha256').update(file).digest(), (b) => b.toString(16)).join('');
}

// ---------------------------------------------------------------- operations

export type VxpOperation =
  | 'sendEdoc'
  | 'getReceivedEdocList'
  | 'getSentEdocList'
  | 'getEdoc'
  | 'updateStatus'
  | 'countReceiveEdoc'
  | 'countReceiveStatus'
  | 'downloadEdoc'
  | 'getAgenciesList'
  | 'getAgenciesListQD20'
  | 'getSynchronizeUnit'
  | 'registerAgency'
  | 'deleteAgency';

type BodyKind = 'file' | 'empty' | 'braces' | 'caller' | 'none';

/** Per operation: which service instance's map it uses and what body it sends (spec §1, §2.1). */
const OPERATIONS: Readonly<Record<VxpOperation, { service: 'knobstick' | 'agency'; body: BodyKind }>> = {
  sendEdoc: { service: 'knobstick', body: 'file' },
  getReceivedEdocList: { service: 'knobstick', body: 'empty' },
  getSentEdocList: { service: 'knobstick', body: 'empty' },
  getEdoc: { service: 'knobstick', body: 'braces' },
  updateStatus: { service: 'knobstick', body: 'braces' },
  countReceiveEdoc: { service: 'knobstick', body: 'braces' },
  countReceiveStatus: { service: 'knobstick', body: 'braces' },
  downloadEdoc: { service: 'knobstick', body: 'none' },
  getAgenciesList: { service: 'agency', body: 'empty' },
  getAgenciesListQD20: { service: 'agency', body: 'empty' },
  getSynchronizeUnit: { service: 'agency', body: 'empty' },
  registerAgency: { service: 'agency', body: 'caller' },
  deleteAgency: { service: 'agency', body: 'braces' },
};

/** A jsonHeaders member: what `getAsString()` accepts (a one-element array gives its element). */
export type JsonHeaderValue = string | number | boolean | readonly [string | number | boolean];
export type JsonHeaders = Readonly<Record<string, JsonHeaderValue | readonly string[]>>;

/** A request exactly as it will go on the wire; tests may edit `headers` before `send`. */
export interface SdkRequest {
  readonly op: VxpOperation;
  readonly method: 'POST' | 'GET';
  readonly path: string;
  /** Name/value pairs in wire order; values are latin1 strings (one char per byte sent). */
  headers: [string, string][];
  body: Buffer | null;
  /** HttpClient sends `Expect: 100-continue` and waits up to `continueTimeoutMs` for `100 Continue`. */
  readonly expectContinue: boolean;
}

export interface SdkResponse {
  readonly status: number;
  /** Response headers, names lower-cased, repeated values joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as received (before any decompression). */
  readonly raw: Buffer;
  /** The body after gzip/deflate decoding (HttpClient decodes; HttpURLConnection does not). */
  readonly body: Buffer;
  /** Whether the server answered `100 Continue` before the body was sent. */
  readonly gotContinue: boolean;
  /** Milliseconds from sending the headers to sending the body (0 without Expect). */
  readonly bodyDelayMs: number;
}

export interface VxpSdkClientOptions {
  /** As given to VnptProperties, e.g. `http://127.0.0.1:8080/vxp`. */
  readonly endpoint: string;
  readonly systemId: string;
  readonly secret: string;
  /** Construction time of the service instances; their frozen timestamp. Default: now. */
  readonly constructedAt?: Date;
  /** The frozen timestamp itself (overrides `constructedAt`), e.g. `25112026T043048+0520`. */
  readonly timestamp?: string;
  /**
   * How header values leave the client: `utf8` (HttpClient without a port in the endpoint, and
   * HttpURLConnection) or `low-byte` (HttpClient with an explicit port truncates each char, §3.7).
   */
  readonly headerCharset?: 'utf8' | 'low-byte';
  /** How long HttpClient waits for `100 Continue` before sending the body anyway (the SDK: ~3 s). */
  readonly continueTimeoutMs?: number;
}

const USER_AGENT = 'JAVASDKAgent/1.0.0 XRoad/VPCP';
const VERSION = '3.0.201608';

function asString(name: string, value: JsonHeaderValue | readonly string[]): string {
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new Error(`jsonHeaders member ${name}: getAsString() throws on this array`);
    return String(value[0]);
  }
  return String(value);
}

/** One SDK installation: a KnobstickServiceImp and an AgencyServiceImp sharing VnptProperties. */
export class VxpSdkClient {
  readonly options: VxpSdkClientOptions;
  readonly #maps: Record<'knobstick' | 'agency', JavaHashMap>;
  readonly #url: URL;

  constructor(options: VxpSdkClientOptions) {
    this.options = options;
    this.#url = new URL(options.endpoint);
    const timestamp = options.timestamp ?? sdkTimestamp(options.constructedAt ?? new Date());
    const make = () => {
      const map = new JavaHashMap();
      map.put('timestamp', timestamp);
      map.put('systemid', options.systemId);
      return map;
    };
    this.#maps = { knobstick: make(), agency: make() };
  }

  /** The signed map of one service instance in iteration order (what the next call would sign). */
  mapOf(service: 'knobstick' | 'agency'): [string, string][] {
    return this.#maps[service].entries();
  }

  /**
   * Builds a request exactly like the SDK and updates the instance's header map as the SDK does
   * (so a prepared request changes what later calls carry, even when it is never sent).
   */
  prepare(op: VxpOperation, jsonHeaders: JsonHeaders = {}, payload?: Buffer | string): SdkRequest {
    const spec = OPERATIONS[op];
    const map = this.#maps[spec.service];
    map.put('Content-Type', op === 'sendEdoc' ? 'application/octet-stream' : 'application/json');
    for (const [name, value] of Object.entries(jsonHeaders)) {
      // sendEdoc stores `to` with toString(): a string keeps its JSON quotes, an array is its JSON text.
      if (op === 'sendEdoc' && name === 'to') map.put(name, JSON.stringify(value));
      else map.put(name, asString(name, value));
    }
    let body: Buffer | null;
    switch (spec.body) {
      case 'file': {
        const file = Buffer.isBuffer(payload) ? payload : Buffer.from(payload ?? '', 'utf8');
        map.put('hash-file', sdkHashFileOf(file));
        body = Buffer.concat([file, Buffer.from('\r\n')]);
        break;
      }
      case 'empty':
        body = Buffer.alloc(0);
        break;
      case 'braces':
        body = Buffer.from('{}');
        break;
      case 'caller':
        body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload ?? '', 'utf8');
        break;
      case 'none':
        body = null;
        break;
    }
    const entries = map.entries();
    const signHeader = `{${entries.map(([k, v]) => `${gsonString(`XroadVnpt-${k}`)}:${gsonString(v)}`).join(',')}}`;
    const hash = createHmac('sha256', Buffer.from(this.options.secret, 'utf8'))
      .update(Buffer.from(signHeader, 'utf8'))
      .digest('hex');
    const enc = (v: string) => this.#encode(v);
    const signed: [string, string][] = [];
    for (const [name, value] of entries) {
      // HttpURLConnection already holds Content-Type (set first); setRequestProperty replaces it in place.
      if (name === 'Content-Type' && op !== 'sendEdoc') signed.push(['Content-Type', enc(value)]);
      signed.push([`XroadVnpt-${name}`, enc(value)]);
    }
    const signature: [string, string][] = [
      ['XroadVnpt-sign-header-key', enc(entries.map(([k]) => k).join(';'))],
      ['XroadVnpt-sign-header', enc(signHeader)],
      ['XroadVnpt-hash-header', hash],
      ['User-Agent', USER_AGENT],
      ['XroadVnpt-version', VERSION],
    ];
    // The SDK builds `endpoint + "/" + op`. HttpClient normalises the `//` a trailing slash makes;
    // HttpURLConnection (sendEdoc) sends it verbatim.
    const base = this.#url.pathname.replace(/\/$/, '');
    const doubled = op === 'sendEdoc' && this.options.endpoint.endsWith('/');
    const path = `${base}/${doubled ? '/' : ''}${op}`;
    const host = this.#url.host;
    if (op === 'sendEdoc') {
      return {
        op,
        method: 'POST',
        path,
        headers: [
          ['Content-Type', 'application/octet-stream'],
          ...signed,
          ...signature,
          ['Cache-Control', 'no-cache'],
          ['Pragma', 'no-cache'],
          ['Host', host],
          ['Accept', 'text/html, image/gif, image/jpeg, */*; q=0.2'],
          ['Connection', 'keep-alive'],
          ['Content-Length', String(body?.length ?? 0)],
        ],
        body,
        expectContinue: false,
      };
    }
    const expectContinue = body !== null && body.length > 0;
    const tail: [string, string][] = [];
    if (body !== null) tail.push(['Content-Length', String(body.length)]);
    tail.push(['Host', host], ['Connection', 'Keep-Alive']);
    if (expectContinue) tail.push(['Expect', '100-continue']);
    tail.push(['Accept-Encoding', 'gzip,deflate']);
    return {
      op,
      method: op === 'downloadEdoc' ? 'GET' : 'POST',
      path,
      headers: [...signed, ...signature, ...tail],
      body,
      expectContinue,
    };
  }

  #encode(value: string): string {
    if (this.options.headerCharset === 'low-byte') {
      return Array.from(value, (c) => String.fromCharCode(c.charCodeAt(0) & 0xff)).join('');
    }
    return Buffer.from(value, 'utf8').toString('latin1');
  }

  /**
   * Sends a prepared request over a fresh connection (the SDK never reuses one across calls). The
   * request head is written as raw bytes from a socket: node:http's client writes the head of an
   * `Expect: 100-continue` request as UTF-8 instead of latin1, which would garble non-ASCII values.
   */
  send(request: SdkRequest): Promise<SdkResponse> {
    const url = this.#url;
    const head = Buffer.from(
      `${request.method} ${request.path} HTTP/1.1\r\n${request.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`,
      'latin1',
    );
    return exchange({
      host: url.hostname,
      port: url.port === '' ? 80 : Number(url.port),
      head,
      body: request.body,
      expectContinue: request.expectContinue,
      continueTimeoutMs: this.options.continueTimeoutMs ?? 3000,
      // HttpClient decodes gzip/deflate; HttpURLConnection (sendEdoc) does not.
      decode: request.op !== 'sendEdoc',
    });
  }

  /** `prepare` + `send`: one SDK call. */
  call(op: VxpOperation, jsonHeaders: JsonHeaders = {}, payload?: Buffer | string): Promise<SdkResponse> {
    return this.send(this.prepare(op, jsonHeaders, payload));
  }

  sendEdoc(jsonHeaders: JsonHeaders, file: Buffer): Promise<SdkResponse> {
    return this.call('sendEdoc', jsonHeaders, file);
  }
  getReceivedEdocList(jsonHeaders: JsonHeaders): Promise<SdkResponse> {
    return this.call('getReceivedEdocList', jsonHeaders);
  }
  getSentEdocList(jsonHeaders: JsonHeaders): Promise<SdkResponse> {
    return this.call('getSentEdocList', jsonHeaders);
  }
  getEdoc(jsonHeaders: JsonHeaders): Promise<SdkResponse> {
    return this.call('getEdoc', jsonHeaders);
  }
  updateStatus(jsonHeaders: JsonHeaders): Promise<SdkResponse> {
    return this.call('updateStatus', jsonHeaders);
  }
  countReceiveEdoc(jsonHeaders: JsonHeaders = {}): Promise<SdkResponse> {
    return this.call('countReceiveEdoc', jsonHeaders);
  }
  countReceiveStatus(jsonHeaders: JsonHeaders = {}): Promise<SdkResponse> {
    return this.call('countReceiveStatus', jsonHeaders);
  }
  downloadEdoc(jsonHeaders: JsonHeaders): Promise<SdkResponse> {
    return this.call('downloadEdoc', jsonHeaders);
  }
  getAgenciesList(jsonHeaders: JsonHeaders = {}): Promise<SdkResponse> {
    return this.call('getAgenciesList', jsonHeaders);
  }
  getAgenciesListQD20(jsonHeaders: JsonHeaders = {}): Promise<SdkResponse> {
    return this.call('getAgenciesListQD20', jsonHeaders);
  }
  getSynchronizeUnit(jsonHeaders: JsonHeaders = {}): Promise<SdkResponse> {
    return this.call('getSynchronizeUnit', jsonHeaders);
  }
  registerAgency(jsonHeaders: JsonHeaders, data: string): Promise<SdkResponse> {
    return this.call('registerAgency', jsonHeaders, data);
  }
  deleteAgency(jsonHeaders: JsonHeaders): Promise<SdkResponse> {
    return this.call('deleteAgency', jsonHeaders);
  }
}

// ---------------------------------------------------------------- reading answers like the SDK

/** What an SDK call returns to the vendor's program, reduced to the fields tests look at. */
export interface SdkResult {
  /** `null` when the SDK's own parsing failed (a missing envelope member, a null item, ...). */
  readonly status: string | null;
  readonly errorCode: string | null;
  readonly errorDesc: string | null;
  /** sendEdoc's `DocId`. */
  readonly docId?: string | null;
  /** List operations' items (member → getAsString), or null when the SDK drops the list. */
  readonly list?: Record<string, string>[] | null;
  /** getEdoc: the decoded package as the SDK's `new String(bytes, UTF-8)`. */
  readonly data?: string | null;
  readonly count?: number | null;
}

const ALL_NULL: SdkResult = { status: null, errorCode: null, errorDesc: null };

function primitive(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/**
 * Interprets a response as SDK 2.0.1 does (spec §4, §5, §7): sendEdoc decodes US-ASCII (non-ASCII
 * bytes become U+FFFD), the others UTF-8; a missing or null envelope member nulls every field; list
 * items with a null or nested member drop the whole list; `data`/`count` are read when status is not
 * "FAIL". downloadEdoc: SUCCESS whenever the body is non-empty.
 */
export function readLikeSdk(op: VxpOperation, response: SdkResponse): SdkResult {
  if (op === 'downloadEdoc') {
    return response.body.length > 0
      ? { status: 'SUCCESS', errorCode: '0', errorDesc: '' }
      : { status: 'FAIL', errorCode: '100', errorDesc: 'empty' };
  }
  const text =
    op === 'sendEdoc'
      ? Array.from(response.body, (b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')).join('')
      : response.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return ALL_NULL;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return ALL_NULL;
  const o = json as Record<string, unknown>;
  const status = primitive(o['status']);
  const errorCode = primitive(o['ErrorCode']);
  const errorDesc = primitive(o['ErrorDesc']);
  if (status === null || errorCode === null || errorDesc === null) return ALL_NULL;
  const head = { status, errorCode, errorDesc };
  switch (op) {
    case 'sendEdoc': {
      const docId = primitive(o['DocId']);
      return docId === null ? ALL_NULL : { ...head, docId };
    }
    case 'getEdoc': {
      if (status === 'FAIL') return head;
      const data = primitive(o['data']);
      return { ...head, data: data === null ? null : Buffer.from(data, 'base64').toString('utf8') };
    }
    case 'countReceiveEdoc':
    case 'countReceiveStatus': {
      if (status === 'FAIL') return head;
      const count = o['count'] === undefined ? 0 : Number.parseInt(primitive(o['count']) ?? 'x', 10);
      return { ...head, count: Number.isNaN(count) ? null : count };
    }
    case 'getReceivedEdocList':
    case 'getSentEdocList':
    case 'getAgenciesList':
    case 'getAgenciesListQD20':
    case 'getSynchronizeUnit': {
      if (errorCode !== '0') return { ...head, list: null };
      const data = o['data'];
      if (!Array.isArray(data)) return { ...head, list: null };
      const list: Record<string, string>[] = [];
      for (const item of data) {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) return { ...head, list: null };
        const row: Record<string, string> = {};
        for (const [k, v] of Object.entries(item)) {
          const s = primitive(v);
          if (s === null) return { ...head, list: null };
          row[k] = s;
        }
        list.push(row);
      }
      return { ...head, list };
    }
    default:
      return head;
  }
}

/** JSON paths of every `null` in a parsed JSON value (the SDK chokes on each of them). */
export function findNulls(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => findNulls(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => findNulls(v, `${path}.${k}`));
  }
  return [];
}

// ---------------------------------------------------------------- a minimal HTTP/1.1 exchange

interface ExchangeInput {
  readonly host: string;
  readonly port: number;
  readonly head: Buffer;
  readonly body: Buffer | null;
  readonly expectContinue: boolean;
  readonly continueTimeoutMs: number;
  readonly decode: boolean;
}

/** The body once complete (Content-Length, chunked, or up to the close), else undefined. */
function completeBody(head: ResponseHead, data: Buffer, closed: boolean): Buffer | undefined {
  const rest = data.subarray(head.bodyStart);
  if ((head.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      if (size === 0) return Buffer.concat(parts);
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = head.headers['content-length'];
  if (length !== undefined)
    return rest.length >= Number(length) ? rest.subarray(0, Number(length)) : undefined;
  return closed ? rest : undefined;
}

function exchange(input: ExchangeInput): Promise<SdkResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let bodySentAt = started;
    let bodySent = false;
    let gotContinue = false;
    let data = Buffer.alloc(0);
    let settled = false;
    const socket = net.connect({ host: input.host, port: input.port });
    const sendBody = () => {
      if (bodySent || settled) return;
      bodySent = true;
      bodySentAt = Date.now();
      if (input.body !== null && input.body.length > 0) socket.write(input.body);
    };
    const timer = input.expectContinue ? setTimeout(sendBody, input.continueTimeoutMs) : undefined;
    const finish = (closed: boolean) => {
      if (settled) return;
      for (;;) {
        const head = parseResponseHead(data);
        if (head === undefined) return;
        if (head.status >= 100 && head.status < 200) {
          // An interim answer: `100 Continue` releases the body.
          data = data.subarray(head.bodyStart);
          gotContinue ||= head.status === 100;
          sendBody();
          continue;
        }
        let raw: Buffer | undefined;
        try {
          raw = completeBody(head, data, closed);
        } catch (e) {
          settled = true;
          reject(e);
          return;
        }
        if (raw === undefined) {
          if (closed) {
            settled = true;
            reject(new Error('connection closed before the response was complete'));
          }
          return;
        }
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        const encoding = (head.headers['content-encoding'] ?? '').toLowerCase();
        let body = raw;
        if (input.decode && encoding === 'gzip') body = gunzipSync(raw);
        else if (input.decode && encoding === 'deflate') body = inflateSync(raw);
        resolve({
          status: head.status,
          headers: head.headers,
          raw,
          body,
          gotContinue,
          bodyDelayMs: bodySent ? bodySentAt - started : 0,
        });
        return;
      }
    };
    socket.on('connect', () => {
      socket.write(input.head);
      if (!input.expectContinue) sendBody();
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', (e) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      finish(true);
      if (!settled) {
        settled = true;
        reject(new Error('connection closed without a response'));
      }
    });
  });
}
