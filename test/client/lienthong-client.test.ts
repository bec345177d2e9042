// lienthong/client against a real hub on loopback (Postgres schema of its own): send → receipt (and
// the same bytes again → duplicate), a long-polled inbox, byte-identical fetch, ack, trace with a
// status; the hub's refusals as LienthongApiError with its codes; 429 RATE_LIMITED retried after
// Retry-After. Then, on a small node:http server of this file, what the hub cannot be made to do on
// demand: an HTTP-date Retry-After, 503 backoff, a dropped connection, a Retry-After beyond the cap,
// and bytes that do not match their stated SHA-256.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isLienthongApiError,
  LienthongApiError,
  LienthongClient,
  LienthongIntegrityError,
  parseRetryAfter,
} from '../../src/client/index.ts';
import { setNodeLimits } from '../../src/store/index.ts';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../support/hub-harness.ts';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const R = '000.00.00.Z08';

const quickRetry = { attempts: 4, baseDelayMs: 50, maxDelayMs: 5_000 };

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('LienthongClient against a real hub', () => {
  let t: TestHub;
  let a: LienthongClient;
  let b: LienthongClient;
  let tokenR: string;

  beforeAll(async () => {
    t = await startTestHub({ backend: 'server', organIds: [A, B] });
    a = new LienthongClient({ url: t.url, token: await t.addNode({ id: 'node-a', organizations: [A] }) });
    // A trailing /v1 is accepted as well.
    b = new LienthongClient({
      url: `${t.url}/v1/`,
      token: await t.addNode({ id: 'node-b', organizations: [B] }),
      retry: quickRetry,
    });
    tokenR = await t.addNode({ id: 'node-r', organizations: [R] });
  }, 60_000);
  afterAll(async () => t?.close());

  it('sends, long-polls, fetches the exact bytes, acks, and traces the status that came back', async () => {
    const documentId = `${A},2026/11/20,77/VPCP-CLIENT`;
    const pkg = await t.sign(samplePackage({ from: A, to: [B], documentId }), A);

    // B waits on its inbox before anything is sent: the answer comes with the package.
    const polled = b.inbox({ wait: 10 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const receipt = await a.send(pkg);
    expect(receipt).toMatchObject({ kind: 'package', documentId, duplicate: false });
    expect(receipt.recipients).toEqual([expect.objectContaining({ organId: B, state: 'queued' })]);
    // The same bytes again (as bytes this time): the first receipt, marked duplicate.
    const again = await a.send(new TextEncoder().encode(pkg));
    expect(again).toMatchObject({ id: receipt.id, duplicate: true });

    const items = await polled;
    expect(items.map((i) => [i.id, i.kind, i.fromOrganId, i.toOrganId])).toEqual([
      [receipt.id, 'package', A, B],
    ]);

    const message = await b.fetch(receipt.id);
    expect(Buffer.from(message.bytes).equals(Buffer.from(pkg, 'utf8'))).toBe(true);
    expect(message).toMatchObject({
      messageId: receipt.id,
      kind: 'package',
      sha256: createHash('sha256').update(pkg).digest('hex'),
    });
    expect(message.contentType).toContain('application/xml');
    expect(message.hops).toBeUndefined();

    expect(await b.ack(receipt.id)).toEqual({ id: receipt.id, changed: true });
    expect(await b.ack(receipt.id)).toEqual({ id: receipt.id, changed: false });
    expect(await b.inbox()).toEqual([]);

    const status = await t.sign(
      sampleStatus({ from: B, responseFor: { organId: A, documentId }, code: '03' }),
      B,
    );
    expect(await b.send(status)).toMatchObject({ kind: 'status', duplicate: false });
    const statusItems = await a.inbox({ kind: 'status', wait: 5, limit: 10 });
    expect(statusItems.map((i) => [i.kind, i.statusCode, i.fromOrganId])).toEqual([['status', '03', B]]);
    expect(await a.inbox({ kind: 'package' })).toEqual([]);

    const trace = await a.trace(receipt.id);
    expect(trace).toMatchObject({ id: receipt.id, kind: 'package', documentId, fromOrganId: A });
    expect(trace.deliveries).toHaveLength(1);
    expect(trace.deliveries[0]).toMatchObject({
      recipientOrganId: B,
      state: 'delivered',
      deliveredBy: 'ack',
    });
    expect(trace.deliveries[0]?.statuses.map((s) => s.code)).toEqual(['03']);
    expect(await a.statuses(receipt.id)).toEqual([
      expect.objectContaining({ recipientOrganId: B, code: '03', description: 'Trạng thái 03' }),
    ]);
    const byDocument = await a.traceDocument(documentId);
    expect(byDocument.map((tr) => tr.id)).toEqual([receipt.id]);
  });

  it("throws LienthongApiError with the hub's code, status, detail and findings", async () => {
    const documentId = `${A},2026/11/20,78/VPCP-CLIENT`;
    const signed = await t.sign(samplePackage({ from: A, to: [B], documentId, subject: 'Gốc' }), A);
    const tampered = signed.replace(
      '<edXML:Subject>Gốc</edXML:Subject>',
      '<edXML:Subject>Sửa</edXML:Subject>',
    );
    const invalid = await rejection(a.send(tampered));
    expect(invalid).toBeInstanceOf(LienthongApiError);
    expect(isLienthongApiError(invalid, 'SIGNATURE_INVALID')).toBe(true);
    expect(invalid).toMatchObject({
      code: 'SIGNATURE_INVALID',
      status: 422,
      title: 'SIGNATURE_INVALID',
      type: 'urn:lienthong:error:SIGNATURE_INVALID',
      attempts: 1,
      retryAfterSeconds: undefined,
    });
    const error = invalid as LienthongApiError;
    expect(error.detail).not.toBe('');
    expect(error.requestId).toEqual(expect.any(String));
    expect(Array.isArray(error.findings)).toBe(true);
    expect(error.message).toContain('SIGNATURE_INVALID');

    const unsigned = await rejection(a.send(samplePackage({ from: A, to: [B], documentId })));
    expect(unsigned).toMatchObject({ name: 'LienthongApiError', code: 'SIGNATURE_MISSING', status: 422 });
    expect(await rejection(a.send('<edXML><unclosed></edXML>'))).toMatchObject({
      code: 'XML_MALFORMED',
      status: 422,
    });
    const missing = await rejection(b.fetch(randomUUID()));
    expect(missing).toMatchObject({ code: 'MESSAGE_NOT_FOUND', status: 404 });
    expect(await rejection(b.ack(randomUUID()))).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect(await rejection(b.trace('not-a-uuid'))).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    const stranger = new LienthongClient({ url: t.url, token: 'lt_not-a-token', retry: false });
    expect(await rejection(stranger.inbox())).toMatchObject({ code: 'AUTH_REQUIRED', status: 401 });

    expect(isLienthongApiError(missing)).toBe(true);
    expect(isLienthongApiError(missing, 'SIGNATURE_INVALID')).toBe(false);
    expect(isLienthongApiError(new Error('x'))).toBe(false);
    // An error that crossed a module copy (or structuredClone) is still recognised by its shape.
    expect(isLienthongApiError({ name: 'LienthongApiError', code: 'RATE_LIMITED', status: 429 })).toBe(true);
  });

  it('waits out a 429 RATE_LIMITED for its Retry-After, then succeeds', async () => {
    // node-r may make one request per second with a burst of one.
    await setNodeLimits(t.hub.database.db, {
      nodeId: 'node-r',
      limits: { rate: 1, burst: 1 },
      at: new Date(),
      actor: 'test',
    });
    const once = new LienthongClient({ url: t.url, token: tokenR, retry: false });
    let limited: unknown = null;
    for (let i = 0; i < 5 && limited === null; i += 1) {
      limited = await once.inbox().then(
        () => null,
        (error: unknown) => error,
      );
    }
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', status: 429, attempts: 1 });
    expect((limited as LienthongApiError).retryAfterSeconds).toBeGreaterThanOrEqual(1);

    const statuses: number[] = [];
    const counted: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    const patient = new LienthongClient({ url: t.url, token: tokenR, fetch: counted, retry: quickRetry });
    const started = Date.now();
    expect(await patient.inbox()).toEqual([]);
    expect(statuses[0]).toBe(429);
    expect(statuses.at(-1)).toBe(200);
    // Retry-After is whole seconds: the retry came after it, not after the 50 ms backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

type Behaviour =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfter?: string;
      readonly problem?: boolean;
    }
  | { readonly kind: 'drop' }
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'bytes'; readonly body: string; readonly sha256: string };

interface Seen {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A real HTTP server on loopback that answers each request with the next behaviour of its script. */
async function scriptedServer() {
  let script: Behaviour[] = [];
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    const next = script.shift() ?? { kind: 'status', status: 500 };
    if (next.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (next.kind === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
      return;
    }
    if (next.kind === 'bytes') {
      res
        .writeHead(200, {
          'content-type': 'application/xml',
          'lienthong-message-id': 'm-1',
          'lienthong-kind': 'package',
          'lienthong-sha256': next.sha256,
        })
        .end(next.body);
      return;
    }
    const headers: Record<string, string> = next.retryAfter ? { 'retry-after': next.retryAfter } : {};
    if (next.problem) {
      headers['content-type'] = 'application/problem+json';
      res.writeHead(next.status, headers).end(
        JSON.stringify({
          type: 'urn:lienthong:error:RATE_LIMITED',
          title: 'RATE_LIMITED',
          status: next.status,
          code: 'RATE_LIMITED',
          detail: 'Too many requests.',
          findings: [],
          requestId: 'req-1',
        }),
      );
      return;
    }
    res.writeHead(next.status, { ...headers, 'content-type': 'text/html' }).end('<html>busy</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    play(next: Behaviour[]) {
      script = [...next];
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('LienthongClient retries and checks (scripted server)', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  let client: LienthongClient;
  beforeAll(async () => {
    server = await scriptedServer();
    client = new LienthongClient({
      url: server.url,
      token: 'lt_test-token',
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 },
      userAgent: 'client-test/1',
    });
  });
  afterAll(async () => server?.close());

  it('honours an HTTP-date Retry-After, backs off on 503, and retries a dropped connection', async () => {
    const date = new Date(Date.now() + 2_000).toUTCString(); // whole seconds: 1–2 s from now
    server.play([
      { kind: 'status', status: 429, retryAfter: date, problem: true },
      { kind: 'status', status: 503 },
      { kind: 'drop' },
      { kind: 'json', body: { items: [] } },
    ]);
    expect(await client.inbox({ wait: 1, limit: 5, kind: 'status' })).toEqual([]);
    expect(server.seen).toHaveLength(4);
    const gaps = server.seen.slice(1).map((s, i) => s.at - server.seen[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(900); // the date, not the 100 ms backoff
    expect(gaps[1]).toBeGreaterThanOrEqual(95); // 2nd backoff: between 100 and 200 ms
    expect(gaps[1]).toBeLessThan(900);
    expect(gaps[2]).toBeGreaterThanOrEqual(195); // 3rd: between 200 and 400 ms
    expect(server.seen[0]).toMatchObject({ method: 'GET', url: '/v1/inbox?wait=1&limit=5&kind=status' });
    expect(server.seen[0]?.headers).toMatchObject({
      authorization: 'Bearer lt_test-token',
      'user-agent': 'client-test/1',
    });
  });

  it('retries a send after a dropped connection (the hub answers the same bytes with the first receipt)', async () => {
    const receipt = {
      id: 'm-1',
      kind: 'package',
      documentId: 'd',
      duplicate: true,
      recipients: [],
      findings: [],
    };
    server.play([{ kind: 'drop' }, { kind: 'json', body: receipt }]);
    expect(await client.send('<edXML/>')).toEqual(receipt);
    expect(server.seen.map((s) => [s.method, s.url, s.headers['content-type']])).toEqual([
      ['POST', '/v1/messages', 'application/xml'],
      ['POST', '/v1/messages', 'application/xml'],
    ]);
  });

  it('does not wait for a Retry-After beyond maxDelayMs, and gives up after the last attempt', async () => {
    server.play([{ kind: 'status', status: 429, retryAfter: '120', problem: true }]);
    const started = Date.now();
    const long = await rejection(client.trace('m-1'));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(long).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      retryAfterSeconds: 120,
      attempts: 1,
      requestId: 'req-1',
    });

    server.play(Array(4).fill({ kind: 'status', status: 503 }));
    const busy = await rejection(client.ack('m-1'));
    expect(busy).toMatchObject({ code: 'HTTP_503', status: 503, attempts: 4, detail: '' });
    expect(server.seen).toHaveLength(4);

    // Other statuses are not retried.
    server.play([{ kind: 'status', status: 500 }]);
    expect(await rejection(client.trace('m-1'))).toMatchObject({ code: 'HTTP_500', attempts: 1 });
  });

  it('refuses bytes that do not match the SHA-256 the hub stated', async () => {
    const body = '<edXML>ok</edXML>';
    const good = createHash('sha256').update(body).digest('hex');
    server.play([{ kind: 'bytes', body, sha256: good }]);
    expect(new TextDecoder().decode((await client.fetch('m-1')).bytes)).toBe(body);
    server.play([{ kind: 'bytes', body, sha256: '0'.repeat(64) }]);
    const broken = await rejection(client.fetch('m-1'));
    expect(broken).toBeInstanceOf(LienthongIntegrityError);
    expect(broken).toMatchObject({ messageId: 'm-1', actualSha256: good });
  });

  it('stops at once when the caller aborts', async () => {
    server.play([{ kind: 'status', status: 503, retryAfter: '3' }]);
    const controller = new AbortController();
    const call = rejection(client.inbox({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    expect(await call).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.seen).toHaveLength(1);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-05-04T08:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Mon, 04 May 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 04 May 2026 07:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(() => new LienthongClient({ url: 'ftp://hub', token: 'lt_x' })).toThrow(TypeError);
    expect(() => new LienthongClient({ url: 'http://hub', token: ' ' })).toThrow(TypeError);
  });
});
