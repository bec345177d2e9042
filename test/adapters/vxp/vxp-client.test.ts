// The hub as a VXP client (src/adapters/vxp/vxp-client.ts): against a double of the national axis
// (every call, every failure class), then against lienthong's own /vxp on the real hub, which verifies
// the signature exactly as for the Java SDK. The sign-header is also compared byte for byte with the
// one the SDK stand-in (test/support/vxp-sdk-client.ts) builds for the same parameters.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkHashFile } from '../../../src/adapters/vxp/hash-file.ts';
import { createVxpClient, type VxpClient, type VxpClientOptions } from '../../../src/adapters/vxp/index.ts';
import { listEvents } from '../../../src/store/index.ts';
import { samplePackage } from '../../support/edxml-samples.ts';
import { startVxpAxisDouble, type VxpAxisDouble } from '../../support/vxp-axis-double.ts';
import { type JsonHeaders, type VxpOperation, VxpSdkClient } from '../../support/vxp-sdk-client.ts';
import { type HubPortHarness, startHubPort, type TestSystem } from './hub-port-harness.ts';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SYSTEM = { systemId: '000.00.00.H29', secret: 'axis-secret-Đ-123' } as const;
const REASON = 'Không lưu được: đĩa đầy';

const newDoc = (from: string, to: string[]) =>
  Buffer.from(samplePackage({ from, to, documentId: `${from},2026/11/20,${randomUUID()}` }), 'utf8');

/** The sign-header and hash-header the SDK stand-in builds for the same call (fresh instance, same timestamp). */
function sdkSignature(
  op: VxpOperation,
  timestamp: string,
  jsonHeaders: JsonHeaders,
  file?: Buffer,
): { signHeader: string; hashHeader: string; key: string } {
  const request = new VxpSdkClient({
    endpoint: 'http://127.0.0.1:1/vxp',
    systemId: SYSTEM.systemId,
    secret: SYSTEM.secret,
    timestamp,
  }).prepare(op, jsonHeaders, file);
  const get = (name: string) => request.headers.find(([n]) => n === name)?.[1] ?? '';
  return {
    signHeader: Buffer.from(get('XroadVnpt-sign-header'), 'latin1').toString('utf8'),
    hashHeader: get('XroadVnpt-hash-header'),
    key: get('XroadVnpt-sign-header-key'),
  };
}

describe('the VXP client against the axis double', () => {
  let axis: VxpAxisDouble;
  let client: VxpClient;
  const others: VxpClient[] = [];
  const clientWith = (extra: Partial<VxpClientOptions>) => {
    const c = createVxpClient({ endpoint: axis.endpoint, ...SYSTEM, ...extra });
    others.push(c);
    return c;
  };
  const lastCall = () => axis.calls[axis.calls.length - 1];

  beforeAll(async () => {
    axis = await startVxpAxisDouble([SYSTEM]);
    // A trailing slash, as vendors often write the endpoint: the client still calls <base>/<op>.
    client = createVxpClient({ endpoint: `${axis.endpoint}/`, ...SYSTEM });
  });
  afterAll(async () => {
    await client?.close();
    for (const c of others) await c.close();
    await axis?.close();
  });

  it('sendEdoc: the stored bytes are the file, hash-file matches, and it signs what the SDK signs', async () => {
    const file = newDoc(G22, [H41, H14]);
    const outcome = await client.sendEdoc(file, { messageType: 'edoc', from: G22, to: [H41, H14] });
    expect(outcome).toEqual({ ok: true, docId: expect.stringMatching(UUID) });
    const stored = axis.sent[axis.sent.length - 1];
    expect(stored?.docId).toBe(outcome.ok ? outcome.docId : '');
    expect(stored?.bytes.equals(file)).toBe(true);
    expect(stored).toMatchObject({
      messageType: 'edoc',
      from: G22,
      to: [H41, H14],
      systemId: SYSTEM.systemId,
    });
    expect(stored?.hashFile).toBe(sdkHashFile(file));

    const call = lastCall();
    expect(call?.path).toBe('/vxp/sendEdoc');
    expect(call?.body.equals(Buffer.concat([file, Buffer.from('\r\n')]))).toBe(true);
    expect(Object.keys(call?.params ?? {}).sort()).toEqual(
      [
        'Content-Type',
        'from',
        'hash-file',
        'messagetype',
        'servicetype',
        'systemid',
        'timestamp',
        'to',
      ].sort(),
    );
    expect(call?.params).toMatchObject({
      'Content-Type': 'application/octet-stream',
      servicetype: 'eDoc',
      to: `["${H41}","${H14}"]`,
    });
    const sdk = sdkSignature(
      'sendEdoc',
      call?.params['timestamp'] ?? '',
      { from: G22, to: [H41, H14], servicetype: 'eDoc', messagetype: 'edoc' },
      file,
    );
    expect(call?.headers['xroadvnpt-sign-header']).toBe(sdk.signHeader);
    expect(call?.headers['xroadvnpt-hash-header']).toBe(sdk.hashHeader);
    expect(call?.headers['xroadvnpt-sign-header-key']).toBe(sdk.key);
  });

  it('lists, fetches byte for byte and acknowledges what waits; fail keeps it offered with a non-ASCII reason', async () => {
    // Not text at all: the client must give back the exact bytes, whatever they are.
    const binary = Buffer.from([0x3c, 0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x80, 0x3e]);
    const doc = axis.offer(binary, { messageType: 'edoc', from: G22, to: [SYSTEM.systemId] });
    const other = axis.offer(newDoc(G22, [H41]), { messageType: 'edoc', from: G22, to: [H41] });
    const status = axis.offer(Buffer.from('<status/>'), { messageType: 'status', from: H41, to: [G22] });

    const listed = await client.getReceivedEdocList({ messageType: 'edoc' });
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    expect(listed.skipped).toBe(0);
    expect(listed.items.map((i) => i.docId)).toEqual([doc, other]);
    expect(listed.items[0]).toMatchObject({
      docId: doc,
      messageType: 'edoc',
      from: G22,
      to: SYSTEM.systemId,
      status: 'initial',
      createdTime: expect.any(String),
    });
    const listCall = lastCall();
    expect(listCall?.body.length).toBe(0);
    expect(listCall?.headers['xroadvnpt-sign-header']).toBe(
      sdkSignature('getReceivedEdocList', listCall?.params['timestamp'] ?? '', {
        servicetype: 'eDoc',
        messagetype: 'edoc',
      }).signHeader,
    );

    const statuses = await client.getReceivedEdocList({ messageType: 'status' });
    expect(statuses.ok && statuses.items.map((i) => [i.docId, i.messageType])).toEqual([[status, 'status']]);

    const fetched = await client.getEdoc(doc);
    expect(fetched.ok && Buffer.from(fetched.bytes).equals(binary)).toBe(true);
    const getCall = lastCall();
    expect(getCall?.body.toString()).toBe('{}');
    expect(getCall?.headers['xroadvnpt-sign-header']).toBe(
      sdkSignature('getEdoc', getCall?.params['timestamp'] ?? '', { docId: doc, filePath: '/tmp/vxp' })
        .signHeader,
    );

    expect(await client.updateStatus(doc, 'done')).toEqual({ ok: true });
    expect(axis.offered.get(doc)?.status).toBe('done');
    expect(await client.updateStatus(other, 'fail', REASON)).toEqual({ ok: true });
    const failCall = lastCall();
    // The reason arrives as UTF-8 header bytes, equal to its signed value (else the double refuses).
    expect(failCall?.headers['xroadvnpt-reason']).toBe(REASON);
    expect(failCall?.headers['xroadvnpt-sign-header']).toBe(
      sdkSignature('updateStatus', failCall?.params['timestamp'] ?? '', {
        status: 'fail',
        docId: other,
        reason: REASON,
      }).signHeader,
    );
    expect(axis.offered.get(other)?.reports).toEqual([{ status: 'fail', reason: REASON }]);

    const after = await client.getReceivedEdocList({ messageType: 'edoc' });
    expect(after.ok && after.items.map((i) => [i.docId, i.status])).toEqual([[other, 'fail']]);
  });

  it('signs a fresh member map per call: nothing of an earlier call rides along', async () => {
    await client.getEdoc(randomUUID());
    await client.updateStatus(randomUUID(), 'done');
    expect(Object.keys(lastCall()?.params ?? {}).sort()).toEqual(
      ['Content-Type', 'docId', 'status', 'systemid', 'timestamp'].sort(),
    );
  });

  it('keeps the server refusal: a wrong secret, an unknown document, a FAIL envelope', async () => {
    const wrong = clientWith({ secret: 'not-the-secret' });
    expect(await wrong.getReceivedEdocList({ messageType: 'edoc' })).toEqual({
      ok: false,
      kind: 'refused',
      code: '4',
      retry: false,
      message: expect.stringMatching(/^VXP_BAD_SIGNATURE: /),
      stableCode: 'VXP_BAD_SIGNATURE',
    });
    expect(await client.getEdoc(randomUUID())).toMatchObject({
      ok: false,
      kind: 'refused',
      code: '8',
      stableCode: 'VXP_NOT_FOUND',
    });
    axis.override('sendEdoc', { errorCode: '6', errorDesc: 'NO_ROUTABLE_RECIPIENT: Không có nơi nhận' });
    expect(await client.sendEdoc(newDoc(G22, [H41]), { messageType: 'edoc', from: G22, to: [H41] })).toEqual({
      ok: false,
      kind: 'refused',
      code: '6',
      retry: false,
      message: 'NO_ROUTABLE_RECIPIENT: Không có nơi nhận',
      stableCode: 'NO_ROUTABLE_RECIPIENT',
    });
    // Family 1 is the server's own failure: try again later.
    axis.override('updateStatus', {
      errorCode: '1',
      errorDesc: 'VXP_INTERNAL: the hub could not serve this call',
    });
    expect(await client.updateStatus(randomUUID(), 'done')).toMatchObject({
      kind: 'refused',
      code: '1',
      retry: true,
    });
  });

  it('classifies HTTP failures: 5xx and 429 retry (with Retry-After), other statuses do not', async () => {
    axis.override('getEdoc', { httpStatus: 500, body: '<html>Internal Server Error</html>' });
    expect(await client.getEdoc(randomUUID())).toMatchObject({
      ok: false,
      kind: 'transport',
      code: 'VXP_CLIENT_HTTP_UNAVAILABLE',
      retry: true,
      httpStatus: 500,
    });
    axis.override('getReceivedEdocList', { httpStatus: 429, headers: { 'retry-after': '120' } });
    expect(await client.getReceivedEdocList({ messageType: 'edoc' })).toMatchObject({
      code: 'VXP_CLIENT_HTTP_UNAVAILABLE',
      retry: true,
      httpStatus: 429,
      retryAfterMs: 120_000,
    });
    axis.override('updateStatus', { httpStatus: 404, body: 'Not Found' });
    expect(await client.updateStatus(randomUUID(), 'done')).toMatchObject({
      code: 'VXP_CLIENT_HTTP_REFUSED',
      retry: false,
      httpStatus: 404,
    });
  });

  it('classifies unreadable and oversized answers', async () => {
    axis.override('sendEdoc', { httpStatus: 200, body: '<html>proxy login</html>' });
    expect(await client.sendEdoc(Buffer.from('x'), { messageType: 'edoc', from: G22, to: [] })).toMatchObject(
      {
        code: 'VXP_CLIENT_BAD_RESPONSE',
        retry: true,
      },
    );
    axis.override('sendEdoc', { httpStatus: 200, body: '{"status":"OK","ErrorCode":"0","ErrorDesc":""}' });
    expect(await client.sendEdoc(Buffer.from('x'), { messageType: 'edoc', from: G22, to: [] })).toMatchObject(
      {
        code: 'VXP_CLIENT_BAD_RESPONSE',
      },
    );
    axis.override('getEdoc', {
      httpStatus: 200,
      body: '{"status":"OK","ErrorCode":"0","ErrorDesc":"","data":"not base64!"}',
    });
    expect(await client.getEdoc(randomUUID())).toMatchObject({ code: 'VXP_CLIENT_BAD_RESPONSE' });

    const small = clientWith({ maxResponseBytes: 1024, maxPackageBytes: 1024 });
    axis.override('getReceivedEdocList', {
      httpStatus: 200,
      body: JSON.stringify({ status: 'OK', ErrorCode: '0', ErrorDesc: '', data: [], pad: 'x'.repeat(4096) }),
    });
    expect(await small.getReceivedEdocList({ messageType: 'edoc' })).toMatchObject({
      code: 'VXP_CLIENT_RESPONSE_TOO_LARGE',
      retry: false,
    });
    const big = axis.offer(Buffer.alloc(2048, 0x41), { messageType: 'edoc', from: G22, to: [] });
    expect(await small.getEdoc(big)).toMatchObject({ code: 'VXP_CLIENT_RESPONSE_TOO_LARGE', retry: false });
  });

  it('a closed port is unreachable and a silent server times out; both retry', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = clientWith({ endpoint: `http://127.0.0.1:${port}/vxp` });
    expect(await down.sendEdoc(Buffer.from('x'), { messageType: 'edoc', from: G22, to: [] })).toMatchObject({
      ok: false,
      kind: 'transport',
      code: 'VXP_CLIENT_UNREACHABLE',
      retry: true,
    });

    // Accepts the request and never answers.
    const silent = http.createServer((req) => req.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const slow = clientWith({
        endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/vxp`,
        headersTimeoutMs: 200,
      });
      expect(await slow.getReceivedEdocList({ messageType: 'edoc' })).toMatchObject({
        code: 'VXP_CLIENT_TIMEOUT',
        retry: true,
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a bad configuration when built, not when called', () => {
    expect(() => createVxpClient({ ...SYSTEM, endpoint: 'ftp://axis/vxp' })).toThrow(TypeError);
    expect(() => createVxpClient({ ...SYSTEM, endpoint: 'not a url' })).toThrow(TypeError);
    expect(() => createVxpClient({ endpoint: axis.endpoint, systemId: ' ', secret: 'x' })).toThrow(TypeError);
  });
});

describe("the VXP client against lienthong's real /vxp", () => {
  let h: HubPortHarness;
  let A: TestSystem;
  let B: TestSystem;
  const clients: VxpClient[] = [];
  const clientOf = (system: TestSystem, secret = system.secret) => {
    const c = createVxpClient({ endpoint: `${h.origin}/vxp`, systemId: system.systemId, secret });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    h = await startHubPort();
    A = await h.addSystem({ id: 'client-a', organizations: [G22] });
    B = await h.addSystem({ id: 'client-b', organizations: [H41] });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await h?.close();
  });

  it('sendEdoc is accepted; the other system lists, fetches and acknowledges it through the client', async () => {
    const a = clientOf(A);
    const b = clientOf(B);
    const file = newDoc(G22, [H41]);
    const sent = await a.sendEdoc(file, { messageType: 'edoc', from: G22, to: [H41] });
    expect(sent).toEqual({ ok: true, docId: expect.stringMatching(UUID) });
    if (!sent.ok) return;
    // The same bytes again: the same DocId (a retry after a network error is safe).
    expect(await a.sendEdoc(file, { messageType: 'edoc', from: G22, to: [H41] })).toEqual(sent);

    const listed = await b.getReceivedEdocList({ messageType: 'edoc' });
    expect(listed.ok && listed.items.find((i) => i.docId === sent.docId)).toMatchObject({
      docId: sent.docId,
      messageType: 'edoc',
      from: G22,
      to: H41,
      status: 'initial',
    });
    const fetched = await b.getEdoc(sent.docId);
    expect(fetched.ok && Buffer.from(fetched.bytes).equals(file)).toBe(true);

    expect(await b.updateStatus(sent.docId, 'done')).toEqual({ ok: true });
    const after = await b.getReceivedEdocList({ messageType: 'edoc' });
    expect(after.ok && after.items.map((i) => i.docId)).not.toContain(sent.docId);
    const trace = (await (await h.v1('GET', `/messages/${sent.docId}/trace`, A)).json()) as {
      deliveries: Array<{ recipientOrganId: string; state: string; deliveredBy: string | null }>;
    };
    expect(trace.deliveries.map((d) => [d.recipientOrganId, d.state, d.deliveredBy])).toEqual([
      [H41, 'delivered', 'ack'],
    ]);
  });

  it('a fail report carries a non-ASCII reason intact through the real signature check', async () => {
    const sent = await clientOf(A).sendEdoc(newDoc(G22, [H41]), {
      messageType: 'edoc',
      from: G22,
      to: [H41],
    });
    if (!sent.ok) throw new Error(`sendEdoc failed: ${sent.code} ${sent.message}`);
    expect(await clientOf(B).updateStatus(sent.docId, 'fail', REASON)).toEqual({ ok: true });
    const events = await listEvents(h.db, { messageId: sent.docId });
    expect(events.filter((e) => e.type === 'delivery.fail_reported').map((e) => e.data['reason'])).toEqual([
      REASON,
    ]);
  });

  it("keeps the hub's refusals: wrong secret, sender not served, unknown document", async () => {
    expect(await clientOf(A, 'wrong-secret').getReceivedEdocList({ messageType: 'edoc' })).toMatchObject({
      ok: false,
      kind: 'refused',
      code: '4',
      retry: false,
      stableCode: 'VXP_BAD_SIGNATURE',
    });
    expect(
      await clientOf(B).sendEdoc(newDoc(G22, [H41]), { messageType: 'edoc', from: G22, to: [H41] }),
    ).toMatchObject({ kind: 'refused', code: '5', stableCode: 'SENDER_NOT_SERVED' });
    expect(await clientOf(B).getEdoc(randomUUID())).toMatchObject({
      kind: 'refused',
      code: '8',
      stableCode: 'VXP_NOT_FOUND',
    });
  });
});
