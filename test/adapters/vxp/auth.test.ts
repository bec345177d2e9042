import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VXP_ERROR_FAMILIES } from '../../../src/adapters/vxp/index.ts';
import { readLikeSdk, type SdkRequest } from '../../support/vxp-sdk-client.ts';
import { readSdkFixture } from './fixtures.ts';
import {
  EMPTY_PAYLOAD,
  envelopeOf,
  expectFail,
  expectOk,
  type Harness,
  RECEIVER,
  SENDER,
  startHarness,
} from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  for (const s of [SENDER, RECEIVER]) h.port.addSystem({ ...s });
});

const setHeader = (request: SdkRequest, name: string, value: string) => {
  request.headers = request.headers.map(([n, v]) => [n, n === name ? value : v]);
};

describe('XroadVnpt authentication', () => {
  it("refuses the wrong secret on every operation, with that operation's empty payload", async () => {
    const wrong = h.sdk({ systemId: SENDER.systemId, secret: 'not-the-secret' });
    for (const [op, payload] of Object.entries(EMPTY_PAYLOAD)) {
      const response = await wrong.call(
        op as keyof typeof EMPTY_PAYLOAD,
        { docId: 'x', status: 'done' },
        Buffer.from('x'),
      );
      const json = expectFail(response, 'VXP_BAD_SIGNATURE', VXP_ERROR_FAMILIES.authentication);
      expect(json, op).toEqual({ status: 'FAIL', ErrorCode: '4', ErrorDesc: json['ErrorDesc'], ...payload });
    }
    expect(h.port.submissions).toHaveLength(0);
  });

  it('refuses an unknown system exactly as a bad signature: the answer reveals no system id', async () => {
    const stranger = h.sdk({ systemId: 'vxp.unknown', secret: 'whatever' });
    const unknown = expectFail(
      await stranger.getReceivedEdocList({ messagetype: 'edoc' }),
      'VXP_BAD_SIGNATURE',
      '4',
    );
    const wrong = h.sdk({ ...SENDER, secret: 'whatever' });
    const badSignature = expectFail(
      await wrong.getReceivedEdocList({ messagetype: 'edoc' }),
      'VXP_BAD_SIGNATURE',
      '4',
    );
    expect(unknown).toEqual(badSignature);
  });

  it('refuses a request without the signature headers', async () => {
    const sdk = h.sdk(SENDER);
    const request = sdk.prepare('countReceiveEdoc');
    request.headers = request.headers.filter(([n]) => n !== 'XroadVnpt-hash-header');
    expectFail(await sdk.send(request), 'VXP_UNSIGNED');
  });

  it('refuses a signed member whose header was changed (header mismatch)', async () => {
    const sdk = h.sdk(SENDER);
    const request = sdk.prepare('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' });
    setHeader(request, 'XroadVnpt-messagetype', 'status');
    expectFail(await sdk.send(request), 'VXP_HEADER_MISMATCH', '4');
  });

  it('refuses a sign-header changed after signing (a replayed hash on other parameters)', async () => {
    const sdk = h.sdk(RECEIVER);
    const request = sdk.prepare('updateStatus', { status: 'done', docId: 'a' });
    const other = h.sdk(RECEIVER).prepare('updateStatus', { status: 'done', docId: 'b' });
    const sign = other.headers.find(([n]) => n === 'XroadVnpt-sign-header')?.[1] ?? '';
    setHeader(request, 'XroadVnpt-sign-header', sign);
    setHeader(request, 'XroadVnpt-docId', 'b');
    expectFail(await sdk.send(request), 'VXP_BAD_SIGNATURE');
  });

  it('reads parameters only from signed members: an unsigned XroadVnpt-docId is ignored', async () => {
    const sdk = h.sdk(RECEIVER);
    const request = sdk.prepare('getEdoc', {});
    request.headers.push(['XroadVnpt-docId', 'msg-1']);
    expectFail(await sdk.send(request), 'VXP_MISSING_PARAMETER', VXP_ERROR_FAMILIES.badRequest);
  });

  it('keeps working over many calls with the frozen timestamp and carried-over headers', async () => {
    const receiver = h.sdk(RECEIVER, { constructedAt: new Date(2019, 0, 1) });
    expectOk(await receiver.getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'edoc' }));
    expectOk(await receiver.countReceiveEdoc());
    expectFail(await receiver.getEdoc({ filePath: '/tmp/vxp-store', docId: 'nope' }), 'VXP_NOT_FOUND');
    // updateStatus now carries servicetype, messagetype, filePath from the earlier calls: tolerated.
    expectFail(await receiver.updateStatus({ status: 'done', docId: 'nope' }), 'MESSAGE_NOT_FOUND');
    expect(receiver.mapOf('knobstick').map(([k]) => k)).toEqual(
      expect.arrayContaining(['servicetype', 'messagetype', 'filePath', 'docId', 'status', 'timestamp']),
    );
  });

  it('refuses docId and docid carrying different values (a stale carried-over parameter)', async () => {
    const receiver = h.sdk(RECEIVER);
    await receiver.getEdoc({ docId: 'old' });
    expectFail(await receiver.updateStatus({ status: 'done', docid: 'new' }), 'VXP_AMBIGUOUS_PARAMETER');
    // The same value under both spellings is not ambiguous.
    expectFail(
      await h.sdk(RECEIVER).updateStatus({ status: 'done', docid: 'same', docId: 'same' }),
      'MESSAGE_NOT_FOUND',
    );
  });

  it('enforces the per-system IP allow-list', async () => {
    h.port.addSystem({ ...SENDER, ipAllowList: ['10.0.0.0/8', '2001:db8::/32'] });
    expectFail(await h.sdk(SENDER).countReceiveEdoc(), 'VXP_IP_NOT_ALLOWED', '4');
    h.port.addSystem({ ...SENDER, ipAllowList: ['10.0.0.0/8', '127.0.0.1/32'] });
    expectOk(await h.sdk(SENDER).countReceiveEdoc());
    h.port.addSystem({ ...SENDER, ipAllowList: ['127.0.0.1'] });
    expectOk(await h.sdk(SENDER).countReceiveEdoc());
    h.port.addSystem({ ...SENDER, ipAllowList: ['not-an-address'] });
    expectFail(await h.sdk(SENDER).countReceiveEdoc(), 'VXP_IP_NOT_ALLOWED');
  });

  it('refuses a system whose node must present a TLS client certificate, on plain HTTP', async () => {
    // The positive case (over TLS with the registered certificate) runs through the same rule and
    // the same socket reading as the node API: test/e2e/client-certificates.test.ts.
    h.port.addSystem({ ...SENDER, clientCertificates: ['ab'.repeat(32)] });
    expectFail(await h.sdk(SENDER).countReceiveEdoc(), 'VXP_CLIENT_CERT_REQUIRED', '4');
    h.port.addSystem({ ...SENDER, clientCertificates: [] });
    expectOk(await h.sdk(SENDER).countReceiveEdoc());
  });

  it('answers an unauthenticated downloadEdoc with an empty body (the SDK then reports FAIL)', async () => {
    const response = await h
      .sdk({ systemId: RECEIVER.systemId, secret: 'wrong' })
      .downloadEdoc({ docId: 'msg-1' });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
    expect(readLikeSdk('downloadEdoc', response).status).toBe('FAIL');
  });

  it('answers downloadEdoc2 (no XroadVnpt headers at all, Apache user agent) with an empty body', async () => {
    const body = await new Promise<Buffer>((resolve, reject) => {
      const url = new URL(`${h.origin}/vxp/downloadEdoc`);
      http
        .get(url, { headers: { 'User-Agent': 'Apache-HttpClient/4.5.6 (Java/17.0.15)' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
        .on('error', reject);
    });
    expect(body.length).toBe(0);
  });

  it('verifies a UTF-8 non-ASCII parameter (HttpClient without an explicit port)', async () => {
    const response = await h.sdk(SENDER).getAgenciesList({ note: 'Hà Nội' });
    envelopeOf(response);
    expectOk(response);
  });

  it('refuses non-ASCII parameters truncated to their low byte (explicit port): documented limit', async () => {
    const response = await h.sdk(SENDER, { headerCharset: 'low-byte' }).getAgenciesList({ note: 'Hà Nội' });
    expectFail(response, 'VXP_BAD_SIGNATURE');
  });

  it('accepts a replayed sendEdoc as is (documented weakness), but it creates nothing new', async () => {
    // A captured sendEdoc of the sender is valid again as is (documented replay weakness): it
    // stays idempotent, so the replay creates nothing.
    const sdk = h.sdk(SENDER);
    const file = readSdkFixture('edoc.edxml');
    const captured = sdk.prepare('sendEdoc', { from: '002.00.20.H13', messagetype: 'edoc' }, file);
    const first = expectOk(await sdk.send(captured));
    const replay = expectOk(await h.sdk(RECEIVER).send(captured));
    expect(replay['DocId']).toBe(first['DocId']);
    expect(h.port.messages.filter((m) => m.sha256 === h.port.messages[0]?.sha256)).toHaveLength(1);
  });
});
