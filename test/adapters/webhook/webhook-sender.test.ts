import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookSender,
  type WebhookRequest,
  webhookCodes,
} from '../../../src/adapters/webhook/index.ts';
import type { DeliveryOutcome } from '../../../src/queue/index.ts';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.ts';

const servers: { close(): Promise<void> }[] = [];
const senders: { close(): Promise<void> }[] = [];
const seenCodes = new Set<string>();

afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const serve = async (respond: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> => {
  const server = await startLoopbackServer(respond);
  servers.push(server);
  return server;
};

const sender = (options: Parameters<typeof createWebhookSender>[0] = {}) => {
  const s = createWebhookSender({
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    ...options,
  });
  senders.push(s);
  return s;
};

// Bytes that a re-encoding would change: a BOM, CRLF, non-ASCII, trailing whitespace.
const body = Buffer.concat([
  Buffer.from([0xef, 0xbb, 0xbf]),
  Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\r\n<edXML:edXMLEnvelope>Ủy ban nhân dân tỉnh\t </edXML:edXMLEnvelope>\n',
  ),
]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const request = (url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest => ({
  url,
  secret: 'node-secret-Đ',
  messageId: '6f1c2c8e-2a34-4d0b-9a53-6a3e3d1f0b7e',
  kind: 'package',
  attempt: 3,
  body,
  now: new Date(),
  ...overrides,
});

const send = async (req: WebhookRequest, options?: Parameters<typeof createWebhookSender>[0]) => {
  const outcome = await sender(options).send(req);
  if (outcome.attempt.errorCode !== null) seenCodes.add(outcome.attempt.errorCode);
  return outcome;
};

const statusServer = (status: number, headers: Record<string, string> = {}, text = '') =>
  serve((_req, res) => {
    res.writeHead(status, headers);
    res.end(text);
  });

describe('webhook sender against real loopback servers', () => {
  it('2xx: delivered, exact bytes, the Lienthong headers, and a full attempt record', async () => {
    const server = await statusServer(202);
    const now = new Date();
    const outcome = await send(request(server.url, { now }));
    expect(outcome.kind).toBe('delivered');
    expect(outcome.attempt).toMatchObject({
      attempt: 3,
      startedAt: now,
      httpStatus: 202,
      errorCode: null,
      errorDetail: null,
    });
    expect(outcome.attempt.durationMs).toBeGreaterThanOrEqual(0);
    expect(outcome.attempt.durationMs).toBeLessThan(2_000);
    const [received] = server.requests;
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/hooks/lienthong');
    expect(sha256(received!.body)).toBe(sha256(body));
    expect(received!.body.equals(body)).toBe(true);
    expect(received?.headers).toMatchObject({
      'content-type': 'application/xml',
      'content-length': String(body.length),
      'lienthong-message-id': '6f1c2c8e-2a34-4d0b-9a53-6a3e3d1f0b7e',
      'lienthong-kind': 'package',
      'lienthong-delivery-attempt': '3',
    });
    expect(received?.headers['lienthong-signature']).toMatch(
      new RegExp(`^t=${Math.floor(now.getTime() / 1000)},v1=[0-9a-f]{64}$`),
    );
  });

  it.each([200, 201, 204, 299])('status %i counts as delivered', async (status) => {
    const server = await statusServer(status);
    expect((await send(request(server.url))).kind).toBe('delivered');
  });

  it('503 with Retry-After in seconds: retry after that long', async () => {
    const server = await statusServer(503, { 'retry-after': '120' }, 'maintenance');
    const outcome = await send(request(server.url));
    expect(outcome).toMatchObject({
      kind: 'retry',
      retryAfterMs: 120_000,
      attempt: { httpStatus: 503, errorCode: 'WEBHOOK_HTTP_RETRYABLE', errorDetail: 'maintenance' },
    });
  });

  it('503 with Retry-After as an HTTP date: retry at that date', async () => {
    const now = new Date();
    const at = new Date(Math.ceil(now.getTime() / 1000) * 1000 + 90_000);
    const server = await statusServer(503, { 'retry-after': at.toUTCString() });
    const outcome = await send(request(server.url, { now }));
    expect(outcome.kind).toBe('retry');
    const wait = (outcome as Extract<DeliveryOutcome, { kind: 'retry' }>).retryAfterMs!;
    expect(wait).toBeGreaterThan(88_000);
    expect(wait).toBeLessThanOrEqual(91_000);
  });

  it.each([
    [429, { 'retry-after': '7' }, 7_000],
    [408, {}, undefined],
    [500, {}, undefined],
    [502, { 'retry-after': 'soon' }, undefined],
    [504, {}, undefined],
  ] as const)('%i: retry (Retry-After %o → %s ms)', async (status, headers, retryAfterMs) => {
    const server = await statusServer(status, headers);
    const outcome = await send(request(server.url));
    expect(outcome.kind).toBe('retry');
    expect(outcome.attempt).toMatchObject({ httpStatus: status, errorCode: 'WEBHOOK_HTTP_RETRYABLE' });
    expect((outcome as { retryAfterMs?: number }).retryAfterMs).toBe(retryAfterMs);
  });

  it.each([400, 401, 403, 404, 409, 410, 413, 422])(
    '%i: permanent failure with the start of the answer',
    async (status) => {
      const server = await statusServer(
        status,
        { 'content-type': 'text/plain' },
        `refused\n${'x'.repeat(1_000)}`,
      );
      const outcome = await send(request(server.url));
      expect(outcome.kind).toBe('permanent');
      expect(outcome.attempt).toMatchObject({ httpStatus: status, errorCode: 'WEBHOOK_HTTP_REJECTED' });
      expect(outcome.attempt.errorDetail?.startsWith('refused x')).toBe(true);
      expect(outcome.attempt.errorDetail!.length).toBeLessThanOrEqual(256);
    },
  );

  it('3xx: permanent, redirects are not followed', async () => {
    const server = await statusServer(301, { location: 'https://elsewhere.invalid/' });
    const outcome = await send(request(server.url));
    expect(outcome).toMatchObject({
      kind: 'permanent',
      attempt: { httpStatus: 301, errorCode: 'WEBHOOK_HTTP_REDIRECT' },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('connection refused: retry, no HTTP status', async () => {
    const server = await statusServer(200);
    const url = server.url;
    await server.close();
    const outcome = await send(request(url));
    expect(outcome).toMatchObject({
      kind: 'retry',
      attempt: { httpStatus: null, errorCode: 'WEBHOOK_CONNECTION_REFUSED', errorDetail: 'ECONNREFUSED' },
    });
  });

  it('a server slower than the headers timeout: retry once the timeout hits, not when the server answers', async () => {
    const server = await serve((_req, res) => {
      const timer = setTimeout(() => res.end('late'), 3_000);
      res.on('close', () => clearTimeout(timer));
    });
    const outcome = await send(request(server.url), { headersTimeoutMs: 250 });
    expect(outcome).toMatchObject({
      kind: 'retry',
      attempt: { httpStatus: null, errorCode: 'WEBHOOK_HEADERS_TIMEOUT' },
    });
    expect(outcome.attempt.durationMs).toBeGreaterThanOrEqual(200);
    expect(outcome.attempt.durationMs).toBeLessThan(2_000);
  });

  it('a TLS endpoint that never completes the handshake: connect timeout', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createTcpServer((socket) => {
      sockets.add(socket); // accept and say nothing
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    servers.push({
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    });
    const { port } = silent.address() as AddressInfo;
    const outcome = await send(request(`https://127.0.0.1:${port}/hook`), { connectTimeoutMs: 250 });
    expect(outcome).toMatchObject({
      kind: 'retry',
      attempt: { httpStatus: null, errorCode: 'WEBHOOK_CONNECT_TIMEOUT' },
    });
    expect(outcome.attempt.durationMs).toBeLessThan(2_000);
  });

  it('a whole request longer than requestTimeoutMs: WEBHOOK_TIMEOUT', async () => {
    const server = await serve((_req, res) => {
      const timer = setTimeout(() => res.end(), 3_000);
      res.on('close', () => clearTimeout(timer));
    });
    const outcome = await send(request(server.url), { headersTimeoutMs: 5_000, requestTimeoutMs: 200 });
    expect(outcome).toMatchObject({ kind: 'retry', attempt: { errorCode: 'WEBHOOK_TIMEOUT' } });
  });

  it('a connection reset before any answer: retry as a network error', async () => {
    const server = await serve((_req, res) => {
      res.socket?.destroy();
    });
    const outcome = await send(request(server.url));
    expect(outcome).toMatchObject({
      kind: 'retry',
      attempt: { httpStatus: null, errorCode: 'WEBHOOK_NETWORK' },
    });
  });

  it('a 2xx followed by a huge, stalling body is delivered without waiting for the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    const started = Date.now();
    const outcome = await send(request(server.url), { bodyTimeoutMs: 5_000 });
    expect(outcome.kind).toBe('delivered');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('an invalid or non-http URL is a permanent failure and sends nothing', async () => {
    for (const url of ['not a url', 'ftp://127.0.0.1/x', 'file:///etc/passwd']) {
      const outcome = await send(request(url));
      expect(outcome).toMatchObject({
        kind: 'permanent',
        attempt: { httpStatus: null, errorCode: 'WEBHOOK_INVALID_URL' },
      });
    }
  });

  it('a message id that cannot be a header value, or a bad attempt number, is refused before sending', async () => {
    const server = await statusServer(200);
    for (const bad of [
      { messageId: 'a\r\nx-evil: 1' },
      { messageId: '' },
      { messageId: 'có dấu' },
      { attempt: 0 },
    ]) {
      const outcome = await send(request(server.url, bad));
      expect(outcome).toMatchObject({ kind: 'permanent', attempt: { errorCode: 'WEBHOOK_INVALID_REQUEST' } });
    }
    expect(server.requests).toHaveLength(0);
  });

  it('reuses pooled keep-alive connections across sends', async () => {
    const server = await statusServer(200, {}, 'ok');
    const s = sender();
    for (let i = 1; i <= 5; i++)
      expect((await s.send(request(server.url, { attempt: i }))).kind).toBe('delivered');
    expect(server.requests).toHaveLength(5);
    // undici may open a second socket while the first is finishing its answer; it never opens one per send.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('uses application/json for receipts unless told otherwise', async () => {
    const server = await statusServer(200);
    await send(request(server.url, { kind: 'receipt', body: Buffer.from('{}') }));
    await send(request(server.url, { kind: 'status', contentType: 'text/xml' }));
    expect(server.requests.map((r) => [r.headers['lienthong-kind'], r.headers['content-type']])).toEqual([
      ['receipt', 'application/json'],
      ['status', 'text/xml'],
    ]);
  });

  it('only produces codes listed in webhookCodes', () => {
    expect(seenCodes.size).toBeGreaterThanOrEqual(9);
    for (const code of seenCodes) expect(Object.keys(webhookCodes)).toContain(code);
  });
});
