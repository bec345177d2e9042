import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toAsciiJson } from '../../src/adapters/vxp/envelope.ts';
import { sdkHashFile } from '../../src/adapters/vxp/hash-file.ts';
import { parseSignHeader, verifySignHeader } from '../../src/adapters/vxp/sign-header.ts';
import { lookupParam, type SignedMember } from '../../src/adapters/vxp/signed-params.ts';

/*
 * A small stand-in of the national axis for tests of the hub as a VXP client: an HTTP server on
 * 127.0.0.1 that answers sendEdoc, getReceivedEdocList, getEdoc and updateStatus in the shapes the
 * Java SDK reads (status/ErrorCode/ErrorDesc always strings, the payload member always present,
 * DocId "" and data [] / "" on failure, ASCII-only JSON, HTTP 200), and refuses a request whose
 * XroadVnpt-* signature does not verify with the system's secret, as the axis would. sendEdoc is
 * checked strictly the SDK's way: the body is the file plus CRLF and hash-file is its unpadded
 * SHA-256. Refusal codes follow lienthong's families (docs/vxp.md); the real axis has its own.
 */

/** A system registered on the double. */
export interface AxisSystem {
  readonly systemId: string;
  readonly secret: string;
}

/** One request as it arrived. */
export interface AxisCall {
  /** The last path segment (`sendEdoc`, ...). */
  readonly op: string;
  readonly method: string;
  readonly path: string;
  /** Node's rawHeaders (latin1 strings: one char per received byte). */
  readonly rawHeaders: readonly string[];
  /** XroadVnpt-* headers by lower-cased name, values decoded from UTF-8 (repeated ones joined by ", "). */
  readonly headers: Readonly<Record<string, string>>;
  /** The signed members (prefix removed, names as spelled); empty when the sign-header was unreadable. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The system whose secret verified the signature; undefined when refused. */
  readonly systemId?: string;
}

/** A package on the double: sent by a client, or offered for a client to receive. */
export interface AxisPackage {
  readonly docId: string;
  readonly bytes: Buffer;
  readonly messageType: 'edoc' | 'status';
  readonly from: string;
  readonly to: readonly string[];
  /** sent: the sending system; offered: the system that receives it. */
  readonly systemId: string;
  /** The signed hash-file of a sent package. */
  readonly hashFile?: string;
  /** Offered packages: the latest updateStatus word (`initial` before any), and every report. */
  status: string;
  readonly reports: { status: string; reason?: string }[];
}

/** A canned answer for the next call of an operation (before any check): raw HTTP, or a FAIL envelope. */
export type AxisOverride =
  | { readonly httpStatus: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly errorCode: string; readonly errorDesc: string };

export interface VxpAxisDouble {
  /** The endpoint to configure a client with: `http://127.0.0.1:<port>/vxp`. */
  readonly endpoint: string;
  /** Every request, in arrival order. */
  readonly calls: AxisCall[];
  /** Packages received through sendEdoc, in arrival order. */
  readonly sent: AxisPackage[];
  /** Packages offered to clients (see `offer`), by docId. */
  readonly offered: ReadonlyMap<string, AxisPackage>;
  addSystem(system: AxisSystem): void;
  /** Puts a package in a system's inbox (default: the first system); returns its docId. */
  offer(
    bytes: Uint8Array,
    meta: { messageType: 'edoc' | 'status'; from: string; to: readonly string[]; systemId?: string },
  ): string;
  /** The next call of `op` gets this answer instead of the real one (queued, one per call). */
  override(op: string, answer: AxisOverride): void;
  close(): Promise<void>;
}

/** What the double answers: always HTTP 200 with an envelope, unless an override says otherwise. */
interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const FAMILY = { invalidPackage: '2', auth: '4', notFound: '8', badRequest: '9' } as const;

class Refusal extends Error {
  constructor(
    readonly errorCode: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The payload member each operation's envelope always carries, with its empty value on failure. */
const EMPTY_PAYLOAD: Readonly<Record<string, Record<string, unknown>>> = {
  sendEdoc: { DocId: '' },
  getReceivedEdocList: { data: [] },
  getEdoc: { data: '' },
  updateStatus: {},
};

function failEnvelope(op: string, errorCode: string, errorDesc: string): string {
  return toAsciiJson({
    status: 'FAIL',
    ErrorCode: errorCode,
    ErrorDesc: errorDesc,
    ...(EMPTY_PAYLOAD[op] ?? {}),
  });
}

function okEnvelope(payload: Record<string, unknown>): string {
  return toAsciiJson({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Success', ...payload });
}

function xroadHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!name.startsWith('xroadvnpt-')) continue;
    const value = Buffer.from(rawHeaders[i + 1] ?? '', 'latin1').toString('utf8');
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

function param(members: readonly SignedMember[], name: string): string | undefined {
  const found = lookupParam(members, name);
  if (found.kind === 'ambiguous') throw new Refusal(FAMILY.badRequest, 'VXP_AMBIGUOUS_PARAMETER', name);
  if (found.kind === 'absent' || found.value.trim() === '') return undefined;
  return found.value.trim();
}

function required(members: readonly SignedMember[], name: string): string {
  const value = param(members, name);
  if (value === undefined) {
    throw new Refusal(FAMILY.badRequest, 'VXP_MISSING_PARAMETER', `parameter ${name} is required`);
  }
  return value;
}

function messageType(members: readonly SignedMember[], fallback?: 'edoc'): 'edoc' | 'status' {
  const value = param(members, 'messagetype')?.toLowerCase() ?? fallback;
  if (value === 'edoc' || value === 'status') return value;
  throw new Refusal(FAMILY.badRequest, 'VXP_BAD_PARAMETER', 'messagetype must be edoc or status');
}

/** The SDK's `to`: JSON text of a string or an array of strings. */
function parseTo(value: string | undefined): string[] {
  if (value === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'string') return [parsed];
    if (Array.isArray(parsed)) return parsed.filter((v): v is string => typeof v === 'string');
  } catch {
    // A bare id from a hand-made client.
  }
  return [value];
}

/** Starts the double on 127.0.0.1 with an ephemeral port. */
export async function startVxpAxisDouble(systems: readonly AxisSystem[] = []): Promise<VxpAxisDouble> {
  const secrets = new Map(systems.map((s) => [s.systemId, s.secret]));
  const calls: AxisCall[] = [];
  const sent: AxisPackage[] = [];
  const offered = new Map<string, AxisPackage>();
  const overrides = new Map<string, AxisOverride[]>();
  let tick = Date.parse('2026-11-25T04:30:00.000Z');

  /** The operation itself, for an authenticated system. */
  function operate(op: string, systemId: string, members: readonly SignedMember[], body: Buffer): string {
    switch (op) {
      case 'sendEdoc': {
        const hashFile = param(members, 'hash-file');
        const crlf = body.length >= 2 && body[body.length - 2] === 0x0d && body[body.length - 1] === 0x0a;
        const file = body.subarray(0, body.length - 2);
        if (hashFile === undefined || !crlf || sdkHashFile(file) !== hashFile) {
          throw new Refusal(FAMILY.invalidPackage, 'VXP_BAD_HASH_FILE', 'hash-file does not match the file');
        }
        const docId = randomUUID();
        sent.push({
          docId,
          bytes: Buffer.from(file),
          messageType: messageType(members),
          from: required(members, 'from'),
          to: parseTo(param(members, 'to')),
          systemId,
          hashFile,
          status: 'initial',
          reports: [],
        });
        return okEnvelope({ DocId: docId });
      }
      case 'getReceivedEdocList': {
        const kind = messageType(members, 'edoc');
        const data = [...offered.values()]
          .filter((p) => p.systemId === systemId && p.messageType === kind && p.status !== 'done')
          .map((p) => {
            tick += 1000;
            return {
              docId: p.docId,
              serviceType: 'eDoc',
              messageType: p.messageType,
              created_time: new Date(tick).toISOString(),
              updated_time: new Date(tick).toISOString(),
              from: p.from,
              to: p.to[0] ?? '',
              status: p.status,
              status_desc: 'Văn bản mới',
            };
          });
        return okEnvelope({ data });
      }
      case 'getEdoc': {
        const found = offered.get(required(members, 'docId'));
        if (found === undefined || found.systemId !== systemId) {
          throw new Refusal(FAMILY.notFound, 'VXP_NOT_FOUND', 'no such document for this system');
        }
        return okEnvelope({ data: found.bytes.toString('base64') });
      }
      case 'updateStatus': {
        const status = required(members, 'status').toLowerCase();
        const found = offered.get(required(members, 'docId'));
        if (found === undefined || found.systemId !== systemId) {
          throw new Refusal(FAMILY.notFound, 'VXP_NOT_FOUND', 'no such document for this system');
        }
        const reason = param(members, 'reason');
        found.reports.push(reason === undefined ? { status } : { status, reason });
        found.status = status;
        return okEnvelope({});
      }
      default:
        throw new Refusal(FAMILY.badRequest, 'VXP_UNKNOWN_OPERATION', 'no such operation');
    }
  }

  /** Records the call, then decides the answer: an override, a refusal, or the operation's envelope. */
  function handle(req: http.IncomingMessage, body: Buffer): Answer {
    const path = (req.url ?? '').split('?', 1)[0] ?? '';
    const op =
      path
        .split('/')
        .filter((s) => s !== '')
        .pop() ?? '';
    const parsed = parseSignHeader(req.rawHeaders);
    const members = parsed.ok ? parsed.request.members : [];
    const secret = parsed.ok ? secrets.get(parsed.request.systemId) : undefined;
    const verified =
      parsed.ok && secret !== undefined
        ? verifySignHeader(parsed.request, secret, req.rawHeaders)
        : undefined;
    const systemId = parsed.ok && verified?.ok === true ? parsed.request.systemId : undefined;
    calls.push({
      op,
      method: req.method ?? '',
      path,
      rawHeaders: req.rawHeaders,
      headers: xroadHeaders(req.rawHeaders),
      params: Object.fromEntries(members.map((m) => [m.name, m.value])),
      body,
      ...(systemId === undefined ? {} : { systemId }),
    });
    const envelope = (text: string): Answer => ({ status: 200, text });
    const canned = overrides.get(op)?.shift();
    if (canned !== undefined) {
      if ('httpStatus' in canned) {
        return { status: canned.httpStatus, text: canned.body ?? '', headers: canned.headers ?? {} };
      }
      return envelope(failEnvelope(op, canned.errorCode, canned.errorDesc));
    }
    if (!parsed.ok) return envelope(failEnvelope(op, FAMILY.auth, `${parsed.code}: ${parsed.message}`));
    if (systemId === undefined) {
      const why =
        verified?.ok === false
          ? `${verified.code}: ${verified.message}`
          : 'VXP_UNKNOWN_SYSTEM: unknown systemid';
      return envelope(failEnvelope(op, FAMILY.auth, why));
    }
    try {
      return envelope(operate(op, systemId, members, body));
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return envelope(failEnvelope(op, error.errorCode, `${error.code}: ${error.message}`));
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = handle(req, Buffer.concat(chunks));
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
      res.end(answer.text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}/vxp`,
    calls,
    sent,
    offered,
    addSystem(system) {
      secrets.set(system.systemId, system.secret);
    },
    offer(bytes, meta) {
      const systemId = meta.systemId ?? systems[0]?.systemId ?? [...secrets.keys()][0];
      if (systemId === undefined) throw new Error('offer: no system registered');
      const docId = randomUUID();
      offered.set(docId, {
        docId,
        bytes: Buffer.from(bytes),
        messageType: meta.messageType,
        from: meta.from,
        to: [...meta.to],
        systemId,
        status: 'initial',
        reports: [],
      });
      return docId;
    },
    override(op, answer) {
      const queue = overrides.get(op) ?? [];
      queue.push(answer);
      overrides.set(op, queue);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
