// verifyWebhook (lienthong/client) on a real push: a hub on loopback pushes a package to a node whose
// webhook is a node:http server of this file; the request it received passes the check, in every
// header shape a receiver has, and fails it once its body, secret, message id or time is changed.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LienthongClient, verifyWebhook } from '../../src/client/index.ts';
import { generateWebhookSecret, setNodeWebhook } from '../../src/store/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import { samplePackage } from '../support/edxml-samples.ts';
import { startTestHub, type TestHub } from '../support/hub-harness.ts';

const A = '000.00.00.G22';
const W = '000.00.00.H29';

interface Pushed {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

describe('verifyWebhook on a push from a real hub', () => {
  let t: TestHub;
  let server: Server;
  const pushes: Pushed[] = [];
  const secret = generateWebhookSecret();
  let pkg: string;
  let messageId: string;
  let push: Pushed;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        pushes.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lienthong`;

    t = await startTestHub({ backend: 'server', organIds: [A], env: { LIENTHONG_RELAY_INTERVAL_MS: '50' } });
    const sender = new LienthongClient({
      url: t.url,
      token: await t.addNode({ id: 'node-a', organizations: [A] }),
    });
    await t.addNode({ id: 'node-w', organizations: [W] });
    await setNodeWebhook(t.hub.database.db, { nodeId: 'node-w', url, secret, at: new Date(), actor: 'test' });

    pkg = await t.sign(samplePackage({ from: A, to: [W], documentId: `${A},2026/11/20,90/VPCP-HOOK` }), A);
    messageId = (await sender.send(pkg)).id;
    await waitFor(
      () => pushes.some((p) => p.headers['lienthong-message-id'] === messageId),
      20_000,
      'the push',
    );
    push = pushes.find((p) => p.headers['lienthong-message-id'] === messageId)!;
    // The hub recorded the push as the delivery.
    await waitFor(
      async () => (await sender.trace(messageId)).deliveries[0]?.state === 'delivered',
      10_000,
      'delivered',
    );
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('accepts the push as received: the exact bytes, with its id, kind, attempt and time', () => {
    expect(push.body.equals(Buffer.from(pkg, 'utf8'))).toBe(true);
    const result = verifyWebhook({ headers: push.headers, body: push.body, secret });
    expect(result).toMatchObject({ ok: true, messageId, kind: 'package', attempt: 1 });
    if (!result.ok) throw new Error('not ok');
    expect(Math.abs(result.signedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(result.signedAt.getTime() % 1000).toBe(0);

    // The positional form, a fetch Headers object, mixed-case names, a string body.
    expect(verifyWebhook(push.headers, push.body, secret)).toMatchObject({ ok: true, messageId });
    const headers = new Headers();
    for (const [name, value] of Object.entries(push.headers))
      if (typeof value === 'string') headers.set(name, value);
    expect(verifyWebhook({ headers, body: new Uint8Array(push.body), secret })).toMatchObject({ ok: true });
    const mixed = {
      'Lienthong-Signature': String(push.headers['lienthong-signature']),
      'Lienthong-Message-Id': messageId,
    };
    expect(verifyWebhook({ headers: mixed, body: pkg, secret })).toMatchObject({ ok: true, kind: 'package' });
  });

  it('refuses a changed body, another secret, another message id', () => {
    const tampered = Buffer.from(push.body);
    const at = tampered.length - 10;
    tampered[at] = (tampered[at] ?? 0) ^ 1;
    expect(verifyWebhook({ headers: push.headers, body: tampered, secret })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook({ headers: push.headers, body: push.body, secret: `${secret}x` })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const otherId = { ...push.headers, 'lienthong-message-id': '00000000-0000-4000-8000-000000000000' };
    expect(verifyWebhook({ headers: otherId, body: push.body, secret })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a signature older (or newer) than the tolerance, 300 s by default', () => {
    const result = verifyWebhook({ headers: push.headers, body: push.body, secret });
    if (!result.ok) throw new Error('not ok');
    const signed = result.signedAt.getTime();
    const at = (seconds: number, toleranceSeconds?: number) =>
      verifyWebhook({
        headers: push.headers,
        body: push.body,
        secret,
        now: new Date(signed + seconds * 1000),
        ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
      });
    expect(at(300)).toMatchObject({ ok: true });
    expect(at(301)).toEqual({ ok: false, reason: 'stale' });
    expect(at(-301)).toEqual({ ok: false, reason: 'stale' });
    expect(at(301, 600)).toMatchObject({ ok: true });
    expect(at(31, 30)).toEqual({ ok: false, reason: 'stale' });
    // A stale replay with the secret known is still stale: time is checked on its own.
    expect(verifyWebhook(push.headers, push.body, secret, { now: signed + 3_600_000 })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('refuses missing and malformed headers', () => {
    const { 'lienthong-signature': _signature, ...unsigned } = push.headers;
    expect(verifyWebhook({ headers: unsigned, body: push.body, secret })).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
    const { 'lienthong-message-id': _id, ...anonymous } = push.headers;
    expect(verifyWebhook({ headers: anonymous, body: push.body, secret })).toEqual({
      ok: false,
      reason: 'missing-message-id',
    });
    for (const bad of ['', 't=abc,v1=00', `v1=${'a'.repeat(64)}`, 't=1767225600', 't=1767225600,v1=xyz']) {
      expect([
        bad,
        verifyWebhook({ headers: { ...push.headers, 'lienthong-signature': bad }, body: push.body, secret }),
      ]).toEqual([bad, { ok: false, reason: 'malformed' }]);
    }
  });
});
