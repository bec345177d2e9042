// The key VXP operations against the REAL hub (accept pipeline, store, Postgres), through the SDK-like
// client: sendEdoc (pipeline, duplicates, refusals), the inbox grouped per document and urgent first,
// getEdoc/downloadEdoc, updateStatus done/fail/remarks, getSentEdocList, and what the /v1 trace shows.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '../../../src/errors.ts';
import { listEvents } from '../../../src/store/index.ts';
import { samplePackage, sampleStatus } from '../../support/edxml-samples.ts';
import { readLikeSdk, VxpSdkClient } from '../../support/vxp-sdk-client.ts';
import { expectFail, expectOk } from './harness.ts';
import { type HubPortHarness, startHubPort, type TestSystem } from './hub-port-harness.ts';

const G22 = '000.00.00.G22';
const H13 = '002.00.20.H13';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
const G17 = '000.00.00.G17';
const EDOC = { servicetype: 'eDoc', messagetype: 'edoc' } as const;
const STATUS = { servicetype: 'eDoc', messagetype: 'status' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let h: HubPortHarness;
let A: TestSystem;
let B: TestSystem;
let C: TestSystem;

beforeAll(async () => {
  h = await startHubPort({ mount: { maxFailReports: 2 } });
  A = await h.addSystem({ id: 'sys-a', organizations: [G22, H13] });
  B = await h.addSystem({ id: 'sys-b', organizations: [H41, H14] });
  C = await h.addSystem({ id: 'sys-c', organizations: [G17] });
}, 60_000);
afterAll(async () => h?.close());

const bytes = (xml: string) => Buffer.from(xml, 'utf8');
const newDoc = (to: string[], priority = 0) =>
  bytes(samplePackage({ from: G22, to, documentId: `${G22},2026/11/20,${randomUUID()}`, priority }));

async function send(
  system: TestSystem,
  file: Buffer,
  headers: Record<string, string> = EDOC,
): Promise<string> {
  const json = expectOk(await h.sdk(system).sendEdoc({ from: G22, ...headers }, file));
  expect(json['DocId']).toMatch(UUID);
  return String(json['DocId']);
}

async function messageCount(): Promise<number> {
  const { rows } = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
  return rows[0]?.n ?? -1;
}

async function inbox(system: TestSystem, messagetype = 'edoc'): Promise<Record<string, unknown>[]> {
  const json = expectOk(await h.sdk(system).getReceivedEdocList({ servicetype: 'eDoc', messagetype }));
  return json['data'] as Record<string, unknown>[];
}

interface Trace {
  deliveries: Array<{
    recipientOrganId: string;
    state: string;
    deliveredBy: string | null;
    statuses: Array<{ code: string }>;
    events: Array<{ type: string; actor: string; data?: Record<string, unknown> }>;
  }>;
}

async function trace(system: TestSystem, docId: string): Promise<Trace> {
  const response = await h.v1('GET', `/messages/${docId}/trace`, system);
  expect(response.status).toBe(200);
  return (await response.json()) as Trace;
}

describe('sendEdoc on the real hub', () => {
  it('runs the accept pipeline; the DocId is the hub message id; the same bytes again give it back and store nothing', async () => {
    const file = newDoc([H41]);
    const docId = await send(A, file);
    const before = await messageCount();
    const again = expectOk(await h.sdk(A).sendEdoc({ from: G22, ...EDOC }, file));
    expect(again['DocId']).toBe(docId);
    expect(await messageCount()).toBe(before);
    const response = await h.v1('GET', `/messages/${docId}`, A);
    expect(Buffer.from(await response.arrayBuffer()).equals(file)).toBe(true);
  });

  it("notes a VXP system's calls as its node's last contact (the console's overview)", async () => {
    const seen = async () =>
      (
        await h.db.query<{ last_seen_at: Date | null }>('SELECT last_seen_at FROM nodes WHERE id = $1', [
          'sys-c',
        ])
      ).rows[0]?.last_seen_at ?? null;
    expect(await seen()).toBeNull();
    expectOk(await h.sdk(C).getReceivedEdocList({ ...EDOC }));
    await expect.poll(seen, { timeout: 5_000 }).toBeInstanceOf(Date);
  });

  it('refuses with the hub codes, DocId present and empty, and stores nothing', async () => {
    const before = await messageCount();
    const cases: Array<[TestSystem, Buffer, Record<string, string>, string, string]> = [
      [A, newDoc([H41]), STATUS, 'VXP_MESSAGETYPE_MISMATCH', '9'],
      [
        A,
        bytes(sampleStatus({ from: G22, responseFor: { organId: H41, documentId: 'x' }, code: '03' })),
        EDOC,
        'VXP_MESSAGETYPE_MISMATCH',
        '9',
      ],
      [B, newDoc([H41]), EDOC, 'SENDER_NOT_SERVED', '5'],
      [A, newDoc(['000.00.00.Z99']), EDOC, 'NO_ROUTABLE_RECIPIENT', '6'],
      [
        B,
        bytes(
          sampleStatus({ from: H41, responseFor: { organId: G22, documentId: 'never-sent' }, code: '03' }),
        ),
        STATUS,
        'STATUS_UNKNOWN_DOCUMENT',
        '2',
      ],
      [A, Buffer.from('not xml at all'), EDOC, 'XML_MALFORMED', '2'],
    ];
    for (const [system, file, headers, code, family] of cases) {
      const response = await h.sdk(system).sendEdoc({ from: G22, ...headers }, file);
      const envelope = expectFail(response, code, family);
      expect(envelope['DocId'], code).toBe('');
      // The e-office system shows ErrorDesc to its staff: the Vietnamese title follows the code.
      expect(String(envelope['ErrorDesc']), code).toContain(`${code}: ${codes[code]?.vi}. `);
      expect(readLikeSdk('sendEdoc', response)).toMatchObject({ status: 'FAIL', docId: '' });
    }
    expect(await messageCount()).toBe(before);
  });

  it('says why each recipient is unroutable', async () => {
    const json = expectFail(
      await h.sdk(A).sendEdoc({ from: G22, ...EDOC }, newDoc(['000.00.00.Z98'])),
      'NO_ROUTABLE_RECIPIENT',
    );
    expect(String(json['ErrorDesc'])).toContain('000.00.00.Z98: ');
  });
});

describe('the inbox on the real hub', () => {
  it('lists one row per document (several organizations of the system), urgent first; counts agree', async () => {
    const fresh = await h.addSystem({ id: 'sys-inbox', organizations: ['000.00.00.H51', '000.00.00.H52'] });
    const twoOrgs = await send(A, newDoc(['000.00.00.H52', '000.00.00.H51']));
    const urgent = await send(A, newDoc(['000.00.00.H51'], 3));
    const items = await inbox(fresh);
    expect(items.map((i) => i['docId'])).toEqual([urgent, twoOrgs]);
    expect(items[1]).toMatchObject({
      docId: twoOrgs,
      serviceType: 'eDoc',
      messageType: 'edoc',
      from: G22,
      to: '000.00.00.H51',
      status: 'initial',
    });
    for (const key of ['created_time', 'updated_time', 'status_desc'])
      expect(typeof items[1]?.[key]).toBe('string');
    expect(expectOk(await h.sdk(fresh).countReceiveEdoc())['count']).toBe(2);
    expect(expectOk(await h.sdk(fresh).countReceiveStatus())['count']).toBe(0);
    expect(await inbox(fresh, 'status')).toEqual([]);
    // The /v1 inbox of the same node holds the same messages (one entry per delivery there).
    const v1 = (await (await h.v1('GET', '/inbox', fresh)).json()) as { items: Array<{ id: string }> };
    expect(new Set(v1.items.map((i) => i.id))).toEqual(new Set([urgent, twoOrgs]));
  });

  it('getEdoc and downloadEdoc give the exact bytes to a recipient and nothing to anyone else', async () => {
    const file = newDoc([H41]);
    const docId = await send(A, file);
    const got = expectOk(await h.sdk(B).getEdoc({ docId, filePath: '/tmp/vxp' }));
    expect(Buffer.from(String(got['data']), 'base64').equals(file)).toBe(true);
    const raw = await h.sdk(B).downloadEdoc({ docId, filePath: '/tmp/vxp' });
    expect(raw.body.equals(file)).toBe(true);
    for (const [system, id] of [
      [C, docId],
      [B, randomUUID()],
      [B, 'not-a-uuid'],
    ] as const) {
      expect(expectFail(await h.sdk(system).getEdoc({ docId: id }), 'VXP_NOT_FOUND', '8')['data']).toBe('');
      expect((await h.sdk(system).downloadEdoc({ docId: id })).body.length).toBe(0);
    }
  });
});

describe('updateStatus on the real hub', () => {
  it('done acknowledges (delivered by ack, idempotent); other words are remarks on the /v1 trace', async () => {
    const docId = await send(A, newDoc([H41, H14]));
    const sdk = h.sdk(B);
    expectOk(await sdk.updateStatus({ status: 'inbox', docId }));
    expectOk(await sdk.updateStatus({ status: 'inbox', docId }));
    expectOk(await sdk.updateStatus({ status: 'processing', docId }));
    expect((await inbox(B)).map((i) => i['docId'])).toContain(docId);
    expectOk(await sdk.updateStatus({ status: 'done', docId }));
    expectOk(await sdk.updateStatus({ status: 'done', docId }));
    expect((await inbox(B)).map((i) => i['docId'])).not.toContain(docId);
    const t = await trace(A, docId);
    expect(t.deliveries.map((d) => [d.recipientOrganId, d.state, d.deliveredBy])).toEqual([
      [H14, 'delivered', 'ack'],
      [H41, 'delivered', 'ack'],
    ]);
    for (const d of t.deliveries) {
      const remarks = d.events.filter((e) => e.type === 'delivery.remark');
      expect(remarks.map((e) => [e.data?.['word'], e.actor])).toEqual([
        ['inbox', 'node:sys-b'],
        ['processing', 'node:sys-b'],
      ]);
      expect(d.events.filter((e) => e.type === 'delivery.delivered')).toHaveLength(1);
    }
  });

  it('fail keeps the document offered up to the limit, then gives up with an event; unknown ids are refused', async () => {
    const docId = await send(A, newDoc([G17]));
    const sdk = h.sdk(C);
    expectOk(await sdk.updateStatus({ status: 'fail', docId, reason: 'disk full' }));
    expect((await inbox(C)).find((i) => i['docId'] === docId)).toMatchObject({ status: 'fail' });
    expectOk(await sdk.updateStatus({ status: 'fail', docId }));
    expect((await inbox(C)).map((i) => i['docId'])).not.toContain(docId);
    expectOk(await sdk.updateStatus({ status: 'fail', docId }));
    const events = await listEvents(h.db, { messageId: docId });
    expect(events.filter((e) => e.type === 'delivery.fail_reported').map((e) => e.data['failures'])).toEqual([
      1, 2,
    ]);
    expect(events.filter((e) => e.type === 'delivery.failed')).toHaveLength(1);
    expect((await trace(A, docId)).deliveries[0]?.state).toBe('failed');
    expectFail(await sdk.updateStatus({ status: 'done', docId: randomUUID() }), 'MESSAGE_NOT_FOUND', '8');
    expectFail(await sdk.updateStatus({ status: 'inbox', docId: 'nope' }), 'MESSAGE_NOT_FOUND', '8');
    // A sender cannot acknowledge its own document for its recipients.
    expectFail(await h.sdk(A).updateStatus({ status: 'done', docId }), 'MESSAGE_NOT_FOUND');
  });
});

describe('getSentEdocList and statuses on the real hub', () => {
  it('gives per recipient the delivery and the latest business status', async () => {
    const documentId = `${G22},2026/11/20,${randomUUID()}`;
    const file = bytes(
      samplePackage({ from: G22, to: [H41, G17], documentId, subject: 'Công văn gửi hai nơi' }),
    );
    const docId = await send(A, file);
    expectOk(await h.sdk(B).updateStatus({ status: 'done', docId }));
    const status = sampleStatus({ from: H41, responseFor: { organId: G22, documentId }, code: '03' });
    expectOk(await h.sdk(B).sendEdoc({ from: H41, ...STATUS }, bytes(status)));

    const sent = expectOk(await h.sdk(A).getSentEdocList({ ...EDOC, docId }));
    const rows = sent['data'] as Record<string, unknown>[];
    expect(rows.map((r) => [r['toCode'], r['sendStatus'], r['receiveStatus'] ?? '-'])).toEqual([
      [G17, 'initial', '-'],
      [H41, 'done', 'acceptance'],
    ]);
    expect(rows[1]).toMatchObject({
      senderDocId: docId,
      fromCode: G22,
      title: 'Công văn gửi hai nơi',
      messageType: 'edoc',
    });
    expect(typeof rows[1]?.['receivedTime']).toBe('string');
    // The stale messagetype the SDK carries over does not hide a named document.
    expect(
      (expectOk(await h.sdk(A).getSentEdocList({ messagetype: 'status', docId }))['data'] as unknown[])
        .length,
    ).toBe(2);
    expectFail(await h.sdk(B).getSentEdocList({ docId }), 'VXP_NOT_FOUND', '8');
    const recent = expectOk(await h.sdk(A).getSentEdocList({ messagetype: 'edoc', pageSize: 3 }));
    expect((recent['data'] as Record<string, unknown>[]).map((r) => r['senderDocId'])).toContain(docId);
  });
});

describe('the mount', () => {
  it('serves a configured base path, and the SDK endpoint with a trailing slash (sendEdoc arrives as //sendEdoc)', async () => {
    const other = await startHubPort({ mount: { basePath: 'axis/v2/' } });
    try {
      const S = await other.addSystem({ id: 'sys-mount', organizations: [G22, H41] });
      const trailing = new VxpSdkClient({
        endpoint: `${other.origin}/axis/v2/`,
        systemId: S.systemId,
        secret: S.secret,
      });
      const docId = String(expectOk(await trailing.sendEdoc({ from: G22, ...EDOC }, newDoc([H41])))['DocId']);
      expect(docId).toMatch(UUID);
      expect(expectOk(await trailing.countReceiveEdoc())['count']).toBe(1);
      const atDefault = await fetch(`${other.origin}/vxp/countReceiveEdoc`, { method: 'POST' });
      expect(atDefault.status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
