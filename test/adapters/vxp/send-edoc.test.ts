import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { VXP_ERROR_FAMILIES } from '../../../src/adapters/vxp/index.ts';
import { LienthongError } from '../../../src/core/index.ts';
import { readLikeSdk, sdkHashFileOf } from '../../support/vxp-sdk-client.ts';
import { readSdkFixture } from './fixtures.ts';
import { expectFail, expectOk, type Harness, RECEIVER, SENDER, startHarness } from './harness.ts';

const EDOC = readSdkFixture('edoc.edxml');
const GATEWAY = readSdkFixture('gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml');
const SEND_HEADERS = { from: '002.00.20.H13', servicetype: 'eDoc', messagetype: 'edoc' } as const;

let h: Harness;
beforeEach(async () => {
  await h?.close();
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('sendEdoc', () => {
  it('accepts an SDK sample package and returns its DocId; the hub gets the file without the CRLF', async () => {
    const response = await h.sdk(SENDER).sendEdoc(SEND_HEADERS, EDOC);
    const json = expectOk(response);
    expect(json).toEqual({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Success', DocId: 'msg-1' });
    expect(readLikeSdk('sendEdoc', response)).toMatchObject({ status: 'OK', errorCode: '0', docId: 'msg-1' });
    const submitted = h.port.submissions[0];
    expect(Buffer.from(submitted?.bytes ?? []).equals(EDOC)).toBe(true);
    expect(submitted).toMatchObject({
      nodeId: SENDER.systemId,
      systemId: SENDER.systemId,
      messageType: 'edoc',
      declaredFrom: '002.00.20.H13',
      declaredTo: [],
      hashFile: sdkHashFileOf(EDOC),
      remoteAddress: '127.0.0.1',
    });
  });

  it('routes a third-party gateway package and a status package (messagetype status)', async () => {
    const sender = h.sdk(SENDER);
    expectOk(
      await sender.sendEdoc({ from: 'vxp.saas.03', servicetype: 'eDoc', messagetype: 'edoc' }, GATEWAY),
    );
    const receiver = h.sdk(RECEIVER);
    const status = readSdkFixture('status_inbox_01.edxml');
    expectOk(
      await receiver.sendEdoc({ from: '000.00.00.H41', servicetype: 'eDoc', messagetype: 'status' }, status),
    );
    expect(h.port.submissions.map((s) => s.messageType)).toEqual(['edoc', 'status']);
  });

  it('passes the JSON-quoted `to` header to the hub as advisory recipients', async () => {
    await h.sdk(SENDER).sendEdoc({ ...SEND_HEADERS, to: ['000.00.15.H51', '000.00.99.H99'] }, EDOC);
    await h.sdk(SENDER).sendEdoc({ ...SEND_HEADERS, to: '000.00.15.H51' }, GATEWAY);
    expect(h.port.submissions.map((s) => s.declaredTo)).toEqual([
      ['000.00.15.H51', '000.00.99.H99'],
      ['000.00.15.H51'],
    ]);
  });

  it('a repeated send of the same bytes returns the same DocId and creates nothing', async () => {
    const sdk = h.sdk(SENDER);
    const first = expectOk(await sdk.sendEdoc(SEND_HEADERS, EDOC));
    const again = expectOk(await sdk.sendEdoc(SEND_HEADERS, EDOC));
    expect(again['DocId']).toBe(first['DocId']);
    expect(h.port.messages).toHaveLength(1);
    expect(h.port.deliveries).toHaveLength(1);
    expect(h.port.submissions).toHaveLength(2);
  });

  it('the JDK blind resend (the identical request twice) gets the same DocId', async () => {
    const sdk = h.sdk(SENDER);
    const request = sdk.prepare('sendEdoc', SEND_HEADERS, EDOC);
    const a = expectOk(await sdk.send(request));
    const b = expectOk(await sdk.send(request));
    expect(b['DocId']).toBe(a['DocId']);
    expect(h.port.messages).toHaveLength(1);
  });

  it('refuses a wrong hash-file with DocId "" and never calls the hub', async () => {
    const sdk = h.sdk(SENDER);
    const request = sdk.prepare('sendEdoc', SEND_HEADERS, EDOC);
    request.body = Buffer.concat([EDOC.subarray(0, EDOC.length - 1), Buffer.from('X\r\n')]);
    const json = expectFail(await sdk.send(request), 'VXP_BAD_HASH_FILE', VXP_ERROR_FAMILIES.invalidPackage);
    expect(json['DocId']).toBe('');
    expect(h.port.submissions).toHaveLength(0);
  });

  it('refuses an empty package', async () => {
    const json = expectFail(await h.sdk(SENDER).sendEdoc(SEND_HEADERS, Buffer.alloc(0)), 'VXP_EMPTY_PACKAGE');
    expect(json['DocId']).toBe('');
  });

  it('requires messagetype edoc or status', async () => {
    const missing = await h.sdk(SENDER).sendEdoc({ servicetype: 'eDoc' }, EDOC);
    expect(expectFail(missing, 'VXP_MISSING_PARAMETER')['DocId']).toBe('');
    const bad = await h.sdk(SENDER).sendEdoc({ messagetype: 'memo' }, EDOC);
    expectFail(bad, 'VXP_BAD_PARAMETER', VXP_ERROR_FAMILIES.badRequest);
  });

  it.each([
    ['a sender the node does not serve', RECEIVER, EDOC, 'SENDER_NOT_SERVED', VXP_ERROR_FAMILIES.forbidden],
    [
      'bytes that are not XML',
      SENDER,
      Buffer.from('not xml at all'),
      'XML_MALFORMED',
      VXP_ERROR_FAMILIES.invalidPackage,
    ],
    [
      'no routable recipient',
      SENDER,
      Buffer.from(EDOC.toString('utf8').replace('000.00.15.H51', '000.00.99.H99')),
      'NO_ROUTABLE_RECIPIENT',
      VXP_ERROR_FAMILIES.routing,
    ],
  ] as const)('maps the hub refusing %s into a FAIL envelope', async (_what, system, bytes, code, family) => {
    const response = await h.sdk(system).sendEdoc(SEND_HEADERS, bytes);
    const json = expectFail(response, code, family);
    expect(json['DocId']).toBe('');
    expect(readLikeSdk('sendEdoc', response)).toMatchObject({ status: 'FAIL', docId: '' });
  });

  it('escapes a hub message with Vietnamese text so the SDK (US-ASCII) reads it intact', async () => {
    const original = h.port.submit.bind(h.port);
    h.port.submit = async () => ({
      ok: false,
      error: { code: 'EDXML_MISSING_ELEMENT', message: 'Thiếu nơi nhận', findings: [] },
    });
    const response = await h.sdk(SENDER).sendEdoc(SEND_HEADERS, EDOC);
    h.port.submit = original;
    expectFail(response, 'EDXML_MISSING_ELEMENT');
    expect(readLikeSdk('sendEdoc', response).errorDesc).toBe('EDXML_MISSING_ELEMENT: Thiếu nơi nhận');
  });

  it('answers a hub fault with VXP_INTERNAL, DocId ""', async () => {
    h.port.faultOnce = new Error('database down');
    // The fault hits findSystem first (inside authentication): still a VXP envelope.
    const json = expectFail(await h.sdk(SENDER).sendEdoc(SEND_HEADERS, EDOC), 'VXP_INTERNAL', '1');
    expect(json['DocId']).toBe('');
    const original = h.port.submit.bind(h.port);
    h.port.submit = async () => {
      throw new Error('database down');
    };
    const again = expectFail(await h.sdk(SENDER).sendEdoc(SEND_HEADERS, EDOC), 'VXP_INTERNAL');
    h.port.submit = original;
    expect(again['DocId']).toBe('');
    expect(String(again['ErrorDesc'])).not.toContain('database');
  });

  it('never shows the text of a coded error from inside the hub: only refusals the hub returns', async () => {
    const original = h.port.submit.bind(h.port);
    h.port.submit = async () => {
      throw new LienthongError('STORE_TX_MISUSE', 'tx already closed in schema lt_secret_7f3a', {
        where: 'store/db',
      });
    };
    const json = expectFail(await h.sdk(SENDER).sendEdoc(SEND_HEADERS, EDOC), 'VXP_INTERNAL');
    h.port.submit = original;
    expect(JSON.stringify(json)).not.toContain('lt_secret_7f3a');
    expect(JSON.stringify(json)).not.toContain('STORE_TX_MISUSE');
  });
});
