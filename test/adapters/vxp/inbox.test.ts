import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLikeSdk } from '../../support/vxp-sdk-client.ts';
import { readSdkFixture } from './fixtures.ts';
import { expectFail, expectOk, type Harness, RECEIVER, SENDER, startHarness } from './harness.ts';

// edoc.edxml (priority 0) first, then an urgent copy (priority 4), then a gateway package (priority 0),
// then a status package from the receiver to the sender.
const EDOC = readSdkFixture('edoc.edxml');
const URGENT = Buffer.from(
  EDOC.toString('utf8').replace('<edXML:Priority>0</edXML:Priority>', '<edXML:Priority>4</edXML:Priority>'),
  'utf8',
);
const GATEWAY = readSdkFixture('gateway-upload-1f881896-6e3a-4a5f-87f1-c380878e148e.edxml');

let h: Harness;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  const sender = h.sdk(SENDER);
  const send = async (name: string, bytes: Buffer, from: string) => {
    const json = expectOk(await sender.sendEdoc({ from, servicetype: 'eDoc', messagetype: 'edoc' }, bytes));
    ids[name] = String(json['DocId']);
  };
  await send('normal', EDOC, '002.00.20.H13');
  await send('urgent', URGENT, '002.00.20.H13');
  await send('gateway', GATEWAY, 'vxp.saas.03');
  const status = readSdkFixture('status_inbox_01.edxml');
  const json = expectOk(
    await h
      .sdk(RECEIVER)
      .sendEdoc({ from: '000.00.00.H41', servicetype: 'eDoc', messagetype: 'status' }, status),
  );
  ids['status'] = String(json['DocId']);
});
afterAll(async () => {
  await h.close();
});

describe('getReceivedEdocList', () => {
  it('lists the pending documents of the calling system, urgent first, with the Knobstick fields', async () => {
    const response = await h.sdk(RECEIVER).getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'edoc' });
    const json = expectOk(response);
    const data = json['data'] as Record<string, unknown>[];
    expect(data.map((d) => d['docId'])).toEqual([ids['urgent'], ids['normal'], ids['gateway']]);
    expect(data[1]).toEqual({
      docId: ids['normal'],
      serviceType: 'eDoc',
      messageType: 'edoc',
      created_time: '2026-11-25T04:30:01.000Z',
      updated_time: '2026-11-25T04:30:01.000Z',
      from: '002.00.20.H13',
      to: '000.00.15.H51',
      status: 'initial',
      status_desc: 'Văn bản mới',
    });
    const sdk = readLikeSdk('getReceivedEdocList', response);
    expect(sdk.list).toHaveLength(3);
  });

  it('lists status packages only for messagetype status', async () => {
    const json = expectOk(
      await h.sdk(SENDER).getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'status' }),
    );
    expect(json['data']).toEqual([
      expect.objectContaining({ docId: ids['status'], messageType: 'status', to: '000.00.00.G22' }),
    ]);
    const docs = expectOk(
      await h.sdk(SENDER).getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'edoc' }),
    );
    expect(docs['data']).toEqual([]);
  });

  it('honours pageSize within the limit', async () => {
    const json = expectOk(await h.sdk(RECEIVER).getReceivedEdocList({ messagetype: 'edoc', pageSize: 1 }));
    expect((json['data'] as unknown[]).map((d) => (d as Record<string, unknown>)['docId'])).toEqual([
      ids['urgent'],
    ]);
  });

  it('refuses a messagetype other than edoc/status with data []', async () => {
    const json = expectFail(
      await h.sdk(RECEIVER).getReceivedEdocList({ messagetype: 'fax' }),
      'VXP_BAD_PARAMETER',
    );
    expect(json['data']).toEqual([]);
  });
});

describe('getEdoc and downloadEdoc', () => {
  it('getEdoc returns the exact bytes in standard base64; the SDK decodes them byte-identical', async () => {
    const response = await h.sdk(RECEIVER).getEdoc({ filePath: 'xml', docId: ids['normal'] ?? '' });
    const json = expectOk(response);
    expect(Buffer.from(String(json['data']), 'base64').equals(EDOC)).toBe(true);
    expect(readLikeSdk('getEdoc', response).data).toBe(EDOC.toString('utf8'));
  });

  it('getEdoc refuses an unknown docId and another system\'s document, always with data ""', async () => {
    const unknown = expectFail(await h.sdk(RECEIVER).getEdoc({ docId: 'msg-999' }), 'VXP_NOT_FOUND', '8');
    expect(unknown['data']).toBe('');
    // The sender is not a recipient of its own document.
    expect(
      expectFail(await h.sdk(SENDER).getEdoc({ docId: ids['normal'] ?? '' }), 'VXP_NOT_FOUND')['data'],
    ).toBe('');
    expect(expectFail(await h.sdk(RECEIVER).getEdoc({}), 'VXP_MISSING_PARAMETER')['data']).toBe('');
  });

  it('downloadEdoc (GET) returns the raw bytes, or an empty body when unknown', async () => {
    const found = await h.sdk(RECEIVER).downloadEdoc({ docId: ids['gateway'] ?? '', filePath: 'xml' });
    expect(found.status).toBe(200);
    expect(found.body.equals(GATEWAY)).toBe(true);
    expect(readLikeSdk('downloadEdoc', found).status).toBe('SUCCESS');
    const missing = await h.sdk(RECEIVER).downloadEdoc({ docId: 'msg-999', filePath: 'xml' });
    expect(missing.body.length).toBe(0);
    expect(readLikeSdk('downloadEdoc', missing).status).toBe('FAIL');
    const other = await h.sdk(SENDER).downloadEdoc({ docId: ids['normal'] ?? '' });
    expect(other.body.length).toBe(0);
  });
});

describe('countReceiveEdoc and countReceiveStatus', () => {
  it("count the calling system's pending messages of each kind", async () => {
    expect(expectOk(await h.sdk(RECEIVER).countReceiveEdoc())['count']).toBe(3);
    expect(expectOk(await h.sdk(RECEIVER).countReceiveStatus())['count']).toBe(0);
    const sender = h.sdk(SENDER);
    expect(readLikeSdk('countReceiveEdoc', await sender.countReceiveEdoc()).count).toBe(0);
    expect(readLikeSdk('countReceiveStatus', await sender.countReceiveStatus()).count).toBe(1);
  });

  it('answer a failure with count 0', async () => {
    h.port.faultOnce = new Error('down');
    const json = expectFail(await h.sdk(RECEIVER).countReceiveEdoc(), 'VXP_INTERNAL');
    expect(json['count']).toBe(0);
  });
});
