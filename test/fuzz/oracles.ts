// What every answer of the hub must look like, whatever was sent, and what an accepted package must
// be. Each check throws a FuzzFailure saying what was wrong; the properties count what they saw
// (how deep each input got) so that a test can tell a property that ran from one that was vacuous.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vxpErrorCode } from '../../src/adapters/vxp/error-code-map.ts';
import { edxmlCodes } from '../../src/edxml/index.ts';
import { codes } from '../../src/errors.ts';
import { signatureCodes } from '../../src/signature/index.ts';
import { getMessage, getMessageRaw } from '../../src/store/index.ts';
import { findNulls } from '../support/vxp-sdk-client.ts';
import { type FuzzHub, modelOf, type SignedBase, sameModel, sha256Hex } from './fuzz-hub.ts';
import { describePlan, isAscii, type MutationPlan, mustBeRefused } from './generators.ts';
import type { LogCapture } from './log-capture.ts';
import type { Answer, WireRequest } from './wire.ts';

/** Where two JSON-like values first differ (path, then both values), for failure messages. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (Object.is(a, b)) return null;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return `${path}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (d !== null) return d;
  }
  return null;
}

export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

const fail = (message: string): never => {
  throw new FuzzFailure(message);
};

/** How far into the hub an input got, from the code it was refused with. */
export type Stage =
  | 'no-answer'
  | 'transport'
  | 'request'
  | 'rate-limited'
  | 'codec'
  | 'signature'
  | 'after-signature'
  | 'success';

/** Refusals before any package check: credentials, media type, routes, schemas, ids. */
const REQUEST_CODES = new Set([
  'AUTH_REQUIRED',
  'CLIENT_CERT_REQUIRED',
  'OPERATOR_AUTH_REQUIRED',
  'BAD_REQUEST',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'ROUTE_NOT_FOUND',
  'MESSAGE_NOT_FOUND',
  'FORWARD_NOT_ALLOWED',
  'HUB_NOT_A_CHILD',
  'STORE_NOT_FOUND',
]);

/** The stage a refusal code belongs to. */
export function stageOf(code: string): Stage {
  if (/RATE_LIMITED$|^UPLOAD_LIMITED$/.test(code)) return 'rate-limited';
  if (REQUEST_CODES.has(code) || code.startsWith('VXP_')) {
    // The messagetype check runs after the codec, before the signature.
    return code === 'VXP_MESSAGETYPE_MISMATCH' ? 'codec' : 'request';
  }
  if (code in edxmlCodes) return 'codec';
  if (code in signatureCodes) return 'signature';
  return 'after-signature';
}

/** Stages that mean the signature verifier saw the package. */
export const REACHED_SIGNATURE: ReadonlySet<Stage> = new Set(['signature', 'after-signature', 'success']);

const excerpt = (body: Buffer) => {
  const text = body.toString('utf8');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
};

/** Describes a request for a failure message, without multi-megabyte bodies. */
export function describeRequest(request: WireRequest): string {
  const headers = request.headers.map(
    ([n, v]) => `${n}: ${v.length > 120 ? `${v.slice(0, 120)}…(${v.length})` : v}`,
  );
  const body =
    request.body === null
      ? 'no body'
      : `${request.body.length} bytes: ${JSON.stringify(Buffer.from(request.body.subarray(0, 160)).toString('latin1'))}`;
  return `${request.transport} ${request.method} ${request.target.length > 200 ? `${request.target.slice(0, 200)}…` : request.target} [${request.framing}] {${headers.join(' | ')}} ${body}`;
}

/** Fastify's answer to what Node's HTTP parser refused (bad framing, header overflow): not the app's. */
function isTransportRefusal(answer: Answer): boolean {
  if (![400, 408, 413, 414, 417, 431].includes(answer.status)) return false;
  if (answer.body.length === 0) return true;
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as { statusCode?: unknown; message?: unknown };
    return (
      body.statusCode === answer.status &&
      ['Client Error', 'Client Timeout', 'Exceeded maximum allowed HTTP header size'].includes(
        String(body.message),
      )
    );
  } catch {
    return false;
  }
}

/**
 * Fastify's router refuses two kinds of path before any route sees them: a percent-encoded part
 * that is not UTF-8 (`/vxp/%FF`), and a segment longer than 100 characters. The hub answers them
 * as problem+json `BAD_REQUEST` (`frameworkErrors`, src/adapters/http/build-http-app.ts), under
 * /vxp too: no operation matched, so there is no VXP envelope to answer with. Only that answer
 * to those paths passes here; the node API's oracle checks it as any other 4xx.
 */
export function isRouterRefusal(request: WireRequest, answer: Answer): boolean {
  if (answer.status !== 400) return false;
  if (!(answer.headers['content-type'] ?? '').startsWith('application/problem+json')) return false;
  if (!answer.body.toString('utf8').includes('"code":"BAD_REQUEST"')) return false;
  const path = request.target.split('?', 1)[0] ?? '';
  if (path.split('/').some((s) => s.length > 100)) return true;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/**
 * A 5xx is a failure in any case; the message says whether the hub at least logged its cause
 * (an error line with `err` for that request), which is the issue's minimum.
 */
function serverError(answer: Answer, log: LogCapture, mark: number, requestId: string | undefined): never {
  const causes = requestId ? log.causesOf(requestId) : log.errorsSince(mark).filter((e) => e.hasCause);
  return fail(
    `${answer.status} ${causes.length > 0 ? 'with its cause logged' : 'WITHOUT a logged cause'}: ${excerpt(answer.body)}${
      causes.length > 0 ? `\n  logged: ${causes.map((c) => c.text.slice(0, 800)).join('\n  logged: ')}` : ''
    }`,
  );
}

export interface NodeVerdict {
  readonly stage: Stage;
  /** The problem code, or null for a success or a transport refusal. */
  readonly code: string | null;
}

/**
 * Any answer of the node API (and of /livez, /docs, the operator API): never 5xx; every 4xx is
 * application/problem+json with a registered code and the status the registry gives it (or, on a
 * raw socket, Node's own refusal of a request it could not parse); 429 says when to retry; no error
 * logged while answering below 500. A missing answer is allowed only when the request lied about
 * its length (the hub then rightly waits for bytes that never come).
 */
export function checkNodeAnswer(
  request: WireRequest,
  answer: Answer,
  log: LogCapture,
  mark: number,
): NodeVerdict {
  if (answer.status === 0) {
    if (
      request.transport === 'raw' &&
      (request.framing === 'cl-longer' || request.framing === 'chunked-bad')
    ) {
      return { stage: 'no-answer', code: null };
    }
    // Node's HTTP server hands CONNECT to a 'connect' listener and closes the socket when there is
    // none: the app never sees it.
    if (request.transport === 'raw' && request.method === 'CONNECT')
      return { stage: 'no-answer', code: null };
    return fail(
      `no answer (${answer.noAnswer}${answer.error ? `: ${answer.error}` : ''}) after ${Math.round(answer.ms)} ms`,
    );
  }
  if (request.method === 'HEAD') {
    // No body to judge: the status alone.
    if (answer.status >= 500) serverError(answer, log, mark, undefined);
    return { stage: answer.status < 400 ? 'success' : 'request', code: null };
  }
  const contentType = answer.headers['content-type'] ?? '';
  let problemCode: string | null = null;
  let requestId: string | undefined;
  if (contentType.startsWith('application/problem+json')) {
    let problem: Record<string, unknown>;
    try {
      problem = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail(`problem+json that is not JSON: ${excerpt(answer.body)}`);
    }
    const code = problem['code'];
    requestId = typeof problem['requestId'] === 'string' ? problem['requestId'] : undefined;
    if (typeof code !== 'string') return fail(`problem without a code: ${excerpt(answer.body)}`);
    problemCode = code;
    if (answer.status >= 500) serverError(answer, log, mark, requestId);
    const info = codes[code];
    if (!info) return fail(`problem code ${code} is not in the error registry`);
    if (problem['status'] !== answer.status)
      return fail(`problem status ${String(problem['status'])} ≠ HTTP ${answer.status}`);
    if (info.http !== answer.status)
      return fail(`${code} answered with ${answer.status}, the registry says ${info.http}`);
    if (
      problem['type'] !== `urn:lienthong:error:${code}` ||
      typeof problem['detail'] !== 'string' ||
      !requestId
    ) {
      return fail(`problem+json lacks type/detail/requestId: ${excerpt(answer.body)}`);
    }
    const findings = problem['findings'];
    if (!Array.isArray(findings)) return fail('problem findings is not an array');
    for (const f of findings as Array<Record<string, unknown>>) {
      if (typeof f['code'] !== 'string' || !(f['code'] in codes)) {
        return fail(`finding code ${String(f['code'])} is not in the error registry`);
      }
      if (f['severity'] !== 'error' && f['severity'] !== 'warning')
        return fail(`finding severity ${String(f['severity'])}`);
    }
  }
  if (answer.status >= 500) serverError(answer, log, mark, requestId);
  const logged = log.errorsSince(mark);
  if (logged.length > 0) {
    return fail(
      `the hub logged an error while answering ${answer.status}: ${logged.map((l) => l.text.slice(0, 800)).join('\n')}`,
    );
  }
  if (answer.status === 429) {
    if (!answer.headers['retry-after']) fail('429 without Retry-After');
    if (problemCode === null) fail(`429 that is not problem+json: ${excerpt(answer.body)}`);
    return { stage: 'rate-limited', code: problemCode };
  }
  if (answer.status >= 400) {
    if (problemCode !== null) return { stage: stageOf(problemCode), code: problemCode };
    if (request.transport === 'raw' && isTransportRefusal(answer)) return { stage: 'transport', code: null };
    return fail(
      `${answer.status} that is not application/problem+json (${contentType}): ${excerpt(answer.body)}`,
    );
  }
  if (answer.status >= 300) {
    // Only the OpenAPI UI redirects (to its static page).
    if (request.target.startsWith('/docs') && answer.headers['location'])
      return { stage: 'request', code: null };
    return fail(`unexpected redirect ${answer.status} to ${answer.headers['location'] ?? '(none)'}`);
  }
  if (answer.status < 200) return fail(`informational status ${answer.status} as the final answer`);
  return { stage: 'success', code: null };
}

// ---------------------------------------------------------------- accepted packages

export interface AcceptedInput {
  readonly id: string;
  /** The bytes of the package as the hub received them. */
  readonly sent: Buffer;
  /** The package before mutation, when the input came from one. */
  readonly base: SignedBase | null;
  readonly plan: MutationPlan | null;
  /** The sending node's policy: only `require` packages carry a checked signature. */
  readonly policy: 'require' | 'legacy-unsigned';
  /** The sending node's token, to read the trace. */
  readonly senderToken: string;
}

/** What the acceptance check saw, for the counters. */
export interface AcceptedReport {
  readonly mutated: boolean;
  /** xmlsec1 (the independent XMLDSig implementation) disagreed: the hub verified what it did not. */
  readonly xmlsecDisagrees: string | null;
}

/** `xmlsec1 --verify` of exact bytes with the test PKI's root trusted and its issuing CA untrusted. */
export function xmlsecVerifies(bytes: Buffer, trustDir: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lienthong-fuzz-xmlsec-'));
  try {
    const file = path.join(dir, 'in.xml');
    writeFileSync(file, bytes);
    const r = spawnSync(
      'xmlsec1',
      [
        '--verify',
        '--trusted-pem',
        path.join(trustDir, 'root.pem'),
        '--untrusted-pem',
        path.join(trustDir, 'ca.pem'),
        file,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.slice(0, 600) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * "No accepted package without a verdict": the message is stored with the exact bytes and a
 * verdict (verified by the sender's certificate under `require`), the codec reads from the bytes
 * exactly what was signed (the mutation was harmless), the sender sees its trace, and a mutation
 * that changed signed content was never accepted.
 */
export async function checkAccepted(hub: FuzzHub, input: AcceptedInput): Promise<AcceptedReport> {
  const where = input.plan ? ` (mutations: ${describePlan(input.plan)})` : '';
  const stored = await getMessage(hub.db, input.id);
  if (!stored) return fail(`accepted ${input.id} but no message is stored${where}`);
  const raw = await getMessageRaw(hub.db, input.id);
  if (!raw?.equals(input.sent)) return fail(`stored bytes of ${input.id} differ from the bytes sent${where}`);
  if (stored.sha256 !== sha256Hex(input.sent))
    return fail(`stored sha256 of ${input.id} is not the sent bytes'${where}`);
  const verdict = stored.verdict as Record<string, unknown> | null;
  if (!verdict || typeof verdict !== 'object') return fail(`accepted ${input.id} without a verdict${where}`);
  if (input.policy === 'require') {
    const signer = verdict['signer'] as { sha256Thumbprint?: unknown } | undefined;
    const from = input.base?.from;
    const expected = from ? hub.t.pki.get(from)?.sha256Thumbprint : undefined;
    if (verdict['verified'] !== true || verdict['code'] !== 'OK') {
      return fail(`accepted ${input.id} with verdict ${JSON.stringify(verdict)}${where}`);
    }
    if (expected && signer?.sha256Thumbprint !== expected) {
      return fail(
        `accepted ${input.id} with signer ${String(signer?.sha256Thumbprint)}, not ${from}'s certificate${where}`,
      );
    }
  } else if (verdict['policy'] !== 'legacy-unsigned') {
    return fail(`legacy-unsigned package ${input.id} stored with verdict ${JSON.stringify(verdict)}`);
  }
  const model = modelOf(input.sent);
  if (model === null) return fail(`accepted ${input.id}, which the codec refuses on its own${where}`);
  const mutated = input.base !== null && !input.sent.equals(input.base.bytes);
  if (input.base && input.policy === 'require') {
    if (mutated && input.plan && mustBeRefused(input.plan)) {
      return fail(`ACCEPTED A TAMPERED PACKAGE ${input.id}${where}`);
    }
    if (!sameModel(model, input.base.model)) {
      return fail(
        `ACCEPTED ${input.id} BUT IT READS OTHER THAN WHAT WAS SIGNED${where}\n  signed ≠ read at ${firstDifference(input.base.model, model)}`,
      );
    }
  }
  const trace = await fetch(`${hub.url}/v1/messages/${input.id}/trace`, {
    headers: { authorization: `Bearer ${input.senderToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  const traceText = await trace.text();
  if (trace.status !== 200)
    return fail(`trace of accepted ${input.id}: ${trace.status} ${traceText.slice(0, 300)}`);
  const t = JSON.parse(traceText) as { documentId?: string; fromOrganId?: string; sha256?: string };
  if (input.base && input.policy === 'require') {
    if (t.documentId !== input.base.documentId || t.fromOrganId !== input.base.from) {
      return fail(
        `trace of ${input.id} says ${t.fromOrganId} / ${t.documentId}, the signed package ${input.base.from} / ${input.base.documentId}${where}`,
      );
    }
  }
  if (t.sha256 !== stored.sha256) return fail(`trace sha256 ${t.sha256} ≠ stored ${stored.sha256}`);
  let xmlsecDisagrees: string | null = null;
  if (mutated && input.policy === 'require') {
    const independent = xmlsecVerifies(input.sent, path.join(hub.t.dir, 'trust'));
    if (!independent.ok)
      xmlsecDisagrees = `${describePlan(input.plan ?? { mutations: [] })}: ${independent.output}`;
  }
  return { mutated, xmlsecDisagrees };
}

// ---------------------------------------------------------------- VXP envelopes

export interface VxpVerdict {
  readonly status: 'OK' | 'FAIL' | 'raw' | 'transport' | 'rate-limited';
  readonly code: string | null;
  readonly errorCode: string | null;
  readonly json: Record<string, unknown> | null;
  /** downloadEdoc: the length of the raw body (0 is its refusal). */
  readonly rawLength?: number;
}

/** VXP refusals that come before (or instead of) authentication. */
export const VXP_AUTH_CODES: ReadonlySet<string> = new Set([
  'VXP_UNSIGNED',
  'VXP_BAD_SIGN_HEADER',
  'VXP_UNKNOWN_SYSTEM',
  'VXP_BAD_SIGNATURE',
  'VXP_HEADER_MISMATCH',
  'VXP_IP_NOT_ALLOWED',
  'VXP_CLIENT_CERT_REQUIRED',
  'VXP_UNKNOWN_OPERATION',
  'VXP_METHOD_NOT_ALLOWED',
]);

/**
 * Any answer of the VXP API: HTTP 200 (the SDK ignores the status) with an ASCII-only JSON envelope
 * whose `status`, `ErrorCode` and `ErrorDesc` are strings and which holds no JSON null; a failure
 * names a registered code first in ErrorDesc and carries that code's ErrorCode family; never
 * VXP_INTERNAL (the VXP face of a 5xx); downloadEdoc answers raw bytes or an empty body. A 429, or
 * Node's own refusal of a request it could not parse, are allowed too.
 */
export function checkVxpAnswer(
  answer: Answer,
  raw: boolean,
  log: LogCapture,
  mark: number,
  request: WireRequest,
): VxpVerdict {
  if (answer.status === 0) {
    return fail(
      `no answer (${answer.noAnswer}${answer.error ? `: ${answer.error}` : ''}) after ${Math.round(answer.ms)} ms`,
    );
  }
  if (answer.status >= 500) serverError(answer, log, mark, undefined);
  if (answer.status === 429) {
    if (!answer.headers['retry-after']) fail('429 without Retry-After');
    return { status: 'rate-limited', code: null, errorCode: null, json: null };
  }
  if (answer.status !== 200) {
    if (isRouterRefusal(request, answer))
      return { status: 'transport', code: null, errorCode: null, json: null };
    if (request.transport === 'raw' && isTransportRefusal(answer)) {
      return { status: 'transport', code: null, errorCode: null, json: null };
    }
    return fail(`VXP answered HTTP ${answer.status}: ${excerpt(answer.body)}`);
  }
  const logged = log.errorsSince(mark);
  if (raw && !(answer.headers['content-type'] ?? '').startsWith('application/json')) {
    if (logged.length > 0) fail(`the hub logged an error during downloadEdoc: ${logged[0]?.text}`);
    return { status: 'raw', code: null, errorCode: null, json: null, rawLength: answer.body.length };
  }
  const text = answer.body.toString('latin1');
  if (!isAscii(text)) return fail(`VXP envelope with non-ASCII bytes: ${excerpt(answer.body)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(`VXP answer is not JSON: ${excerpt(answer.body)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail(`VXP envelope is not an object: ${text}`);
  const envelope = json as Record<string, unknown>;
  const nulls = findNulls(envelope);
  if (nulls.length > 0) return fail(`VXP envelope holds null at ${nulls.join(', ')}`);
  const { status, ErrorCode: errorCode, ErrorDesc: errorDesc } = envelope;
  if (typeof status !== 'string' || typeof errorCode !== 'string' || typeof errorDesc !== 'string') {
    return fail(`VXP envelope lacks status/ErrorCode/ErrorDesc strings: ${text.slice(0, 300)}`);
  }
  if (status === 'OK') {
    if (errorCode !== '0') return fail(`OK with ErrorCode ${errorCode}`);
    if (logged.length > 0) fail(`the hub logged an error but answered OK: ${logged[0]?.text}`);
    return { status: 'OK', code: null, errorCode, json: envelope };
  }
  if (status !== 'FAIL') return fail(`VXP status ${status}`);
  const code = /^([A-Z0-9_]+)(?::|$)/.exec(errorDesc)?.[1];
  if (code === undefined) return fail(`ErrorDesc does not start with a code: ${errorDesc}`);
  if (code === 'VXP_INTERNAL' || errorCode === '1') {
    const causes = log.errorsSince(mark).filter((e) => e.hasCause);
    return fail(
      `VXP internal failure (${code}, ErrorCode ${errorCode}) ${causes.length > 0 ? 'with its cause logged' : 'WITHOUT a logged cause'}: ${errorDesc}${
        causes.length > 0 ? `\n  logged: ${causes.map((c) => c.text.slice(0, 800)).join('\n  logged: ')}` : ''
      }`,
    );
  }
  if (!(code in codes)) return fail(`VXP code ${code} is not in the error registry`);
  if (errorCode === '0') return fail(`FAIL with ErrorCode 0 (${code})`);
  if (errorCode !== vxpErrorCode(code))
    return fail(`${code} carries ErrorCode ${errorCode}, its family is ${vxpErrorCode(code)}`);
  if (logged.length > 0) fail(`the hub logged an error while refusing with ${code}: ${logged[0]?.text}`);
  return { status: 'FAIL', code, errorCode, json: envelope };
}
