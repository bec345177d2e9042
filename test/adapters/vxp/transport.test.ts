import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { vxpPlugin } from '../../../src/adapters/vxp/index.ts';
import { readLikeSdk } from '../../support/vxp-sdk-client.ts';
import { readSdkFixture } from './fixtures.ts';
import { envelopeOf, expectFail, expectOk, type Harness, RECEIVER, SENDER, startHarness } from './harness.ts';
import { InMemoryVxpPort } from './in-memory-vxp-port.ts';

const EDOC = readSdkFixture('edoc.edxml');
const SEND_HEADERS = { from: '002.00.20.H13', servicetype: 'eDoc', messagetype: 'edoc' } as const;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('routing on the last path segment', () => {
  it('serves a configurable base path', async () => {
    h = await startHarness({ basePath: '/axis/v2/' });
    expectOk(await h.sdk(SENDER).countReceiveEdoc());
    const other = h.sdk(SENDER, { endpoint: `${h.origin}/vxp` });
    expect((await other.countReceiveEdoc()).status).toBe(404);
  });

  it('accepts the verbatim //sendEdoc of an endpoint with a trailing slash, at the root too', async () => {
    h = await startHarness({ basePath: '' });
    const sdk = h.sdk(SENDER, { endpoint: `${h.origin}/` });
    expect(sdk.prepare('sendEdoc', SEND_HEADERS, EDOC).path).toBe('//sendEdoc');
    expectOk(await h.sdk(SENDER, { endpoint: `${h.origin}/` }).sendEdoc(SEND_HEADERS, EDOC));
    expectOk(await h.sdk(SENDER, { endpoint: `${h.origin}/` }).getAgenciesList({}));
  });

  it('routes /vxp//sendEdoc and deeper paths by their last segment, ignoring a query string', async () => {
    h = await startHarness();
    expectOk(await h.sdk(SENDER, { endpoint: `${h.origin}/vxp/` }).sendEdoc(SEND_HEADERS, EDOC));
    const sdk = h.sdk(RECEIVER);
    const request = sdk.prepare('countReceiveEdoc');
    const deeper = { ...request, path: '/vxp/tenant/7/countReceiveEdoc?x=1' };
    expect(expectOk(await sdk.send(deeper))['count']).toBe(1);
  });

  it('answers an unknown operation and a wrong method with an HTTP 200 FAIL envelope', async () => {
    h = await startHarness();
    const sdk = h.sdk(SENDER);
    const unknown = { ...sdk.prepare('getAgenciesList'), path: '/vxp/getEverything' };
    expectFail(await sdk.send(unknown), 'VXP_UNKNOWN_OPERATION', '9');
    const get = { ...sdk.prepare('getEdoc', { docId: 'x' }), method: 'GET' as const };
    const json = expectFail(await sdk.send(get), 'VXP_METHOD_NOT_ALLOWED');
    expect(json['data']).toBe('');
  });
});

describe('encapsulation', () => {
  it("leaves the host app's own JSON parsing and routes alone", async () => {
    const app = Fastify();
    app.post('/v1/echo', async (request) => ({ got: request.body }));
    await app.register(vxpPlugin({ port: new InMemoryVxpPort() }));
    const echo = await app.inject({ method: 'POST', url: '/v1/echo', payload: { a: 1 } });
    expect(echo.json()).toEqual({ got: { a: 1 } });
    const empty = await app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.statusCode).toBe(400);
    await app.close();
  });
});

describe('bodies and headers', () => {
  it('reads empty application/json bodies raw (no FST_ERR_CTP_EMPTY_JSON_BODY), through inject too', async () => {
    h = await startHarness();
    const request = h
      .sdk(RECEIVER)
      .prepare('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' });
    const injected = await h.app.inject({
      method: 'POST',
      url: request.path,
      headers: Object.fromEntries(request.headers.filter(([n]) => !['Host', 'Connection'].includes(n))),
      payload: '',
    });
    expect(injected.statusCode).toBe(200);
    expect(injected.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(injected.body)).toEqual({
      status: 'OK',
      ErrorCode: '0',
      ErrorDesc: 'Success',
      data: [],
    });
  });

  it('answers Expect: 100-continue at once, so the SDK does not wait its ~3 s', async () => {
    h = await startHarness();
    const response = await h.sdk(RECEIVER).updateStatus({ status: 'inbox', docId: 'msg-1' });
    expect(response.gotContinue).toBe(true);
    expect(response.bodyDelayMs).toBeLessThan(1000);
    envelopeOf(response);
  });

  it('accepts a 12 KiB header block (the sign-header repeats every value)', async () => {
    h = await startHarness();
    const response = await h.sdk(SENDER).getAgenciesList({ note: 'x'.repeat(6000) });
    expectOk(response);
  });

  it('refuses a package over the limit by its Content-Length, before reading it', async () => {
    h = await startHarness({ maxPackageBytes: 1000 });
    const json = expectFail(await h.sdk(SENDER).sendEdoc(SEND_HEADERS, EDOC), 'VXP_PAYLOAD_TOO_LARGE', '7');
    expect(json['DocId']).toBe('');
    expect(h.port.submissions).toHaveLength(0);
  });

  it('refuses a chunked package over the limit with the sendEdoc envelope', async () => {
    h = await startHarness({ maxPackageBytes: 1000 });
    const sdk = h.sdk(SENDER);
    const request = sdk.prepare('sendEdoc', SEND_HEADERS, EDOC);
    const body = request.body ?? Buffer.alloc(0);
    request.headers = [
      ...request.headers.filter(([n]) => n !== 'Content-Length'),
      ['Transfer-Encoding', 'chunked'],
    ];
    request.body = Buffer.concat([
      Buffer.from(`${body.length.toString(16)}\r\n`),
      body,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const response = await sdk.send(request);
    const json = expectFail(response, 'VXP_PAYLOAD_TOO_LARGE');
    expect(json['DocId']).toBe('');
    expect(readLikeSdk('sendEdoc', response)).toMatchObject({ status: 'FAIL', docId: '' });
  });

  it('accepts a chunked package within the limit', async () => {
    h = await startHarness();
    const sdk = h.sdk(SENDER);
    const request = sdk.prepare('sendEdoc', SEND_HEADERS, EDOC);
    const body = request.body ?? Buffer.alloc(0);
    request.headers = [
      ...request.headers.filter(([n]) => n !== 'Content-Length'),
      ['Transfer-Encoding', 'chunked'],
    ];
    request.body = Buffer.concat([
      Buffer.from(`${body.length.toString(16)}\r\n`),
      body,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    expectOk(await sdk.send(request));
    expect(Buffer.from(h.port.submissions[0]?.bytes ?? []).equals(EDOC)).toBe(true);
  });

  it('limits the bodies of the other calls', async () => {
    h = await startHarness({ maxSmallBodyBytes: 100 });
    h.port.addSystem({ ...SENDER, agencyPolicy: 'pending-approval' });
    const big = JSON.stringify({ code: 'x', name: 'y'.repeat(200) });
    expectFail(await h.sdk(SENDER).registerAgency({}, big), 'VXP_PAYLOAD_TOO_LARGE');
  });

  it('never compresses, even though HttpClient sends Accept-Encoding: gzip,deflate', async () => {
    h = await startHarness();
    const response = await h.sdk(SENDER).getAgenciesList({});
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.raw.equals(response.body)).toBe(true);
  });
});
