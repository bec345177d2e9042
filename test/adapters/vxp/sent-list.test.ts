import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLikeSdk } from '../../support/vxp-sdk-client.ts';
import { readSdkFixture } from './fixtures.ts';
import { expectFail, expectOk, type Harness, RECEIVER, SENDER, startHarness } from './harness.ts';

// edoc_new.edxml starts with stray bytes before the XML declaration; the double only needs the
// fields, so its XML part is sent (as a vendor's fixed file would be).
const NEW_DOC = Buffer.from(
  readSdkFixture('edoc_new.edxml')
    .toString('utf8')
    .replace(/^[^<]+/, ''),
  'utf8',
);
const TWO_RECIPIENTS = Buffer.from(
  readSdkFixture('edoc.edxml')
    .toString('utf8')
    .replace('</edXML:To>', '</edXML:To><edXML:To><edXML:OrganId>vxp.saas.02</edXML:OrganId></edXML:To>'),
  'utf8',
);

let h: Harness;
let twoId = '';
let newId = '';

beforeAll(async () => {
  h = await startHarness();
  const sender = h.sdk(SENDER);
  twoId = String(
    expectOk(await sender.sendEdoc({ from: '002.00.20.H13', messagetype: 'edoc' }, TWO_RECIPIENTS))['DocId'],
  );
  newId = String(
    expectOk(await sender.sendEdoc({ from: '002.00.20.H13', messagetype: 'edoc' }, NEW_DOC))['DocId'],
  );
});
afterAll(async () => {
  await h.close();
});

describe('getSentEdocList', () => {
  it('lists one item per recipient with the StatusResult fields, before delivery', async () => {
    const response = await h
      .sdk(SENDER)
      .getSentEdocList({ servicetype: 'eDoc', messagetype: 'edoc', docId: twoId });
    const json = expectOk(response);
    expect(json['data']).toEqual([
      {
        serviceType: 'eDoc',
        messageType: 'edoc',
        senderDocId: twoId,
        receiverDocId: twoId,
        fromCode: '002.00.20.H13',
        toCode: '000.00.15.H51',
        title: 'Văn bản liên thông chỉ đạo - 190701',
        notation: '12234555512/PRO-TEST-CASE1',
        sentTime: '2026-11-25T04:30:01.000Z',
        sendStatus: 'initial',
        sendStatusDesc: 'Chờ gửi',
      },
      expect.objectContaining({ toCode: 'vxp.saas.02', sendStatus: 'initial' }),
    ]);
    expect(readLikeSdk('getSentEdocList', response).list).toHaveLength(2);
  });

  it('shows delivery once the recipient acknowledged, and its business status from a status package', async () => {
    const receiver = h.sdk(RECEIVER);
    expectOk(await receiver.updateStatus({ status: 'done', docId: newId }));
    const status = readSdkFixture('status_processing_05.edxml');
    expectOk(await receiver.sendEdoc({ from: '000.00.00.H41', messagetype: 'status' }, status));
    const json = expectOk(
      await h.sdk(SENDER).getSentEdocList({ servicetype: 'eDoc', messagetype: 'edoc', docId: newId }),
    );
    expect(json['data']).toEqual([
      expect.objectContaining({
        senderDocId: newId,
        toCode: '28.22.H17',
        sendStatus: 'done',
        sendStatusDesc: 'Đã gửi',
        receivedTime: '2026-11-25T04:30:04.000Z',
        receiveStatus: 'processing',
        receiveStatusDesc: 'Đang xử lý',
      }),
    ]);
  });

  it('lists the recent sent items without docId, newest first', async () => {
    const json = expectOk(await h.sdk(SENDER).getSentEdocList({ servicetype: 'eDoc', messagetype: 'edoc' }));
    expect((json['data'] as Record<string, unknown>[]).map((d) => d['senderDocId'])).toEqual([
      newId,
      twoId,
      twoId,
    ]);
  });

  it('refuses a docId the calling system did not send, with data []', async () => {
    const json = expectFail(await h.sdk(RECEIVER).getSentEdocList({ docId: twoId }), 'VXP_NOT_FOUND', '8');
    expect(json['data']).toEqual([]);
    expectFail(await h.sdk(SENDER).getSentEdocList({ docId: 'msg-999' }), 'VXP_NOT_FOUND');
  });
});
