import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readSdkFixture } from './fixtures.ts';
import { expectFail, expectOk, type Harness, RECEIVER, SENDER, startHarness } from './harness.ts';

const EDOC = readSdkFixture('edoc.edxml');

let h: Harness;
let docId = '';

beforeEach(async () => {
  await h?.close();
  h = await startHarness({ maxFailReports: 3 });
  const json = expectOk(
    await h.sdk(SENDER).sendEdoc({ from: '002.00.20.H13', servicetype: 'eDoc', messagetype: 'edoc' }, EDOC),
  );
  docId = String(json['DocId']);
});
afterAll(async () => {
  await h?.close();
});

async function pendingIds(): Promise<unknown[]> {
  const json = expectOk(
    await h.sdk(RECEIVER).getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'edoc' }),
  );
  return (json['data'] as Record<string, unknown>[]).map((d) => d['docId']);
}

describe('updateStatus', () => {
  it('refuses headers signed for getEdoc (audit: replayed to updateStatus they acknowledged the document)', async () => {
    const receiver = h.sdk(RECEIVER);
    const captured = receiver.prepare('getEdoc', { docId, filePath: '/tmp/vxp-store' });
    const replayed = {
      ...captured,
      op: 'updateStatus' as const,
      path: captured.path.replace('getEdoc', 'updateStatus'),
    };
    expectFail(await receiver.send(replayed), 'VXP_MISSING_PARAMETER', '9');
    expect(h.port.events.filter((e) => e.type === 'acknowledged')).toHaveLength(0);
    expect(await pendingIds()).toEqual([docId]);
  });

  it('refuses headers signed for sendEdoc on any other operation (their Content-Type names sendEdoc)', async () => {
    const sender = h.sdk(SENDER);
    // sendEdoc headers with the status and docId of an acknowledgement riding along, as the SDK's
    // never-cleared map would carry them.
    const captured = sender.prepare(
      'sendEdoc',
      { from: '002.00.20.H13', servicetype: 'eDoc', messagetype: 'edoc', status: 'done', docId },
      EDOC,
    );
    const replayed = {
      ...captured,
      op: 'updateStatus' as const,
      path: captured.path.replace(/\/+sendEdoc$/, '/updateStatus'),
      body: Buffer.from('{}'),
      headers: captured.headers.map(([n, v]): [string, string] =>
        n.toLowerCase() === 'content-length' ? [n, '2'] : [n, v],
      ),
    };
    expectFail(await sender.send(replayed), 'VXP_WRONG_OPERATION', '4');
  });

  it('done acknowledges: the message leaves the inbox; repeating it is still OK (idempotent)', async () => {
    const receiver = h.sdk(RECEIVER);
    expect(expectOk(await receiver.updateStatus({ status: 'done', docId }))).toEqual({
      status: 'OK',
      ErrorCode: '0',
      ErrorDesc: 'Success',
    });
    expect(await pendingIds()).toEqual([]);
    expectOk(await receiver.updateStatus({ status: 'done', docId }));
    expect(h.port.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
    expect(h.port.deliveries[0]?.state).toBe('delivered');
  });

  it('fail keeps the message offered (marked), then done acknowledges it', async () => {
    const receiver = h.sdk(RECEIVER);
    expectOk(await receiver.updateStatus({ status: 'fail', docId }));
    const json = expectOk(await receiver.getReceivedEdocList({ messagetype: 'edoc' }));
    expect(json['data']).toEqual([expect.objectContaining({ docId, status: 'fail' })]);
    expect(h.port.events.filter((e) => e.type === 'fail-reported')).toHaveLength(1);
    expectOk(await receiver.updateStatus({ status: 'done', docId }));
    expect(await pendingIds()).toEqual([]);
    expect(h.port.deliveries[0]?.state).toBe('delivered');
  });

  it('fail stops offering the message after the limit, with an event for the operator', async () => {
    const receiver = h.sdk(RECEIVER);
    for (let i = 0; i < 3; i++) expectOk(await receiver.updateStatus({ status: 'FAIL', docId }));
    expect(await pendingIds()).toEqual([]);
    expect(h.port.deliveries[0]?.state).toBe('failed');
    expect(h.port.events.filter((e) => e.type === 'gave-up')).toHaveLength(1);
    expect(h.port.events.find((e) => e.type === 'fail-reported')?.data).toMatchObject({ failures: 1 });
  });

  it("records the other words as the system's transport remarks, changing no state", async () => {
    const receiver = h.sdk(RECEIVER);
    for (const word of ['inbox', 'acceptance', 'processing', 'Assignment']) {
      expectOk(await receiver.updateStatus({ status: word, docId }));
    }
    expect(h.port.events.filter((e) => e.type === 'transport-remark').map((e) => e.data?.['word'])).toEqual([
      'inbox',
      'acceptance',
      'processing',
      'assignment',
    ]);
    expect(await pendingIds()).toEqual([docId]);
  });

  it('refuses a malformed word, a missing status or docId, and unknown or foreign documents', async () => {
    const receiver = h.sdk(RECEIVER);
    expectFail(await receiver.updateStatus({ status: 'đã xong', docId }), 'VXP_BAD_PARAMETER');
    expectFail(await h.sdk(RECEIVER).updateStatus({ docId }), 'VXP_MISSING_PARAMETER');
    expectFail(await h.sdk(RECEIVER).updateStatus({ status: 'done' }), 'VXP_MISSING_PARAMETER');
    expectFail(
      await h.sdk(RECEIVER).updateStatus({ status: 'done', docId: 'msg-999' }),
      'MESSAGE_NOT_FOUND',
      '8',
    );
    // The sender may not acknowledge a delivery addressed to someone else.
    expectFail(await h.sdk(SENDER).updateStatus({ status: 'done', docId }), 'MESSAGE_NOT_FOUND');
    expect(h.port.deliveries[0]?.state).toBe('queued');
  });

  it('survives the SDK retrying the identical done request', async () => {
    const receiver = h.sdk(RECEIVER);
    const request = receiver.prepare('updateStatus', { status: 'done', docId });
    expectOk(await receiver.send(request));
    expectOk(await receiver.send(request));
    expectOk(await receiver.send(request));
    expect(h.port.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
  });
});
