// The VXP end-to-end flow on the real hub and the real Postgres, with signed packages
// (development PKI, signature policy `require`): system A sends a package through the VXP API to an
// organization of system B; B lists, fetches byte-identical, sends done; B sends statuses 03 then 06
// as status packages; A sees them in getReceivedEdocList (messagetype status) and getSentEdocList;
// the /v1 trace of the same document agrees. Then /v1 ↔ VXP both ways: what one API sends, the other
// lists, fetches and acknowledges.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../adapters/vxp/harness.ts';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { readLikeSdk, type VxpSdkClient } from '../support/vxp-sdk-client.ts';
import { startVxpTestHub, type VxpTestHub, type VxpTestSystem } from './vxp-hub.ts';

const A_ORG = '000.00.00.G22';
const B_ORG = '000.00.00.H41';
const X_ORG = '000.00.00.H29';
const EDOC = { servicetype: 'eDoc', messagetype: 'edoc' } as const;
const STATUS = { servicetype: 'eDoc', messagetype: 'status' } as const;

interface Trace {
  id: string;
  deliveries: Array<{
    recipientOrganId: string;
    state: string;
    deliveredBy: string | null;
    statuses: Array<{ code: string; statusMessageId: string; inconsistent: boolean }>;
  }>;
}

let hub: VxpTestHub;
let A: VxpTestSystem;
let B: VxpTestSystem;
/** A node that speaks only /v1 (bearer token). */
let xToken: string;

beforeAll(async () => {
  hub = await startVxpTestHub({ backend: 'server', organIds: [A_ORG, B_ORG, X_ORG] });
  A = await hub.addSystem({ id: 'vxp.system.a', organizations: [A_ORG] });
  B = await hub.addSystem({ id: 'vxp.system.b', organizations: [B_ORG] });
  xToken = await hub.t.addNode({ id: 'node-x', organizations: [X_ORG] });
}, 120_000);
afterAll(async () => hub?.close());

const docIdOf = (json: Record<string, unknown>) => String(json['DocId']);
const items = (json: Record<string, unknown>) => json['data'] as Record<string, string>[];

async function signedPackage(from: string, to: string[]): Promise<{ bytes: Buffer; documentId: string }> {
  const documentId = `${from},2026/11/20,${randomUUID().slice(0, 8)}/VXP`;
  return { bytes: Buffer.from(await hub.t.sign(samplePackage({ from, to, documentId }), from)), documentId };
}

async function signedStatus(from: string, original: { organId: string; documentId: string }, code: string) {
  return Buffer.from(await hub.t.sign(sampleStatus({ from, responseFor: original, code }), from));
}

async function v1Json<T>(method: string, path: string, token: string, body?: Uint8Array): Promise<T> {
  const response = await hub.t.call(method, path, token, body);
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return (await response.json()) as T;
}

async function fetchV1(id: string, token: string): Promise<Buffer> {
  const response = await hub.t.call('GET', `/v1/messages/${id}`, token);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('VXP end to end on the real hub (Postgres, signed packages)', () => {
  it('A → B through VXP; B acknowledges and sends 03 and 06 as status packages; A sees them; /v1 agrees', async () => {
    const a: VxpSdkClient = hub.sdk(A);
    const b: VxpSdkClient = hub.sdk(B);
    const pkg = await signedPackage(A_ORG, [B_ORG]);

    const sent = expectOk(await a.sendEdoc({ from: A_ORG, ...EDOC }, pkg.bytes));
    const docId = docIdOf(sent);
    expect(readLikeSdk('sendEdoc', await a.sendEdoc({ from: A_ORG, ...EDOC }, pkg.bytes))).toMatchObject({
      status: 'OK',
      docId,
    });

    const listed = items(expectOk(await b.getReceivedEdocList(EDOC)));
    expect(listed).toEqual([
      expect.objectContaining({ docId, from: A_ORG, to: B_ORG, messageType: 'edoc', status: 'initial' }),
    ]);
    expect(expectOk(await b.countReceiveEdoc())['count']).toBe(1);
    const fetched = expectOk(await b.getEdoc({ docId, filePath: '/tmp/vxp' }));
    expect(Buffer.from(String(fetched['data']), 'base64').equals(pkg.bytes)).toBe(true);
    expect(readLikeSdk('getEdoc', await b.getEdoc({ docId })).data).toBe(pkg.bytes.toString('utf8'));
    expectOk(await b.updateStatus({ status: 'done', docId }));
    expect(items(expectOk(await b.getReceivedEdocList(EDOC)))).toEqual([]);

    const original = { organId: A_ORG, documentId: pkg.documentId };
    const s03 = await signedStatus(B_ORG, original, '03');
    const s06 = await signedStatus(B_ORG, original, '06');
    const statusIds: string[] = [];
    for (const file of [s03, s06]) {
      statusIds.push(docIdOf(expectOk(await b.sendEdoc({ from: B_ORG, ...STATUS }, file))));
    }

    const statusInbox = items(expectOk(await a.getReceivedEdocList(STATUS)));
    expect(statusInbox.map((i) => [i['docId'], i['messageType'], i['from'], i['to']])).toEqual([
      [statusIds[0], 'status', B_ORG, A_ORG],
      [statusIds[1], 'status', B_ORG, A_ORG],
    ]);
    expect(expectOk(await a.countReceiveStatus())['count']).toBe(2);
    expect(items(expectOk(await a.getReceivedEdocList(EDOC)))).toEqual([]);
    for (const [i, file] of [s03, s06].entries()) {
      const got = expectOk(await a.getEdoc({ docId: statusIds[i]! }));
      expect(Buffer.from(String(got['data']), 'base64').equals(file)).toBe(true);
      expectOk(await a.updateStatus({ status: 'done', docId: statusIds[i]! }));
    }
    expect(expectOk(await a.countReceiveStatus())['count']).toBe(0);

    const sentList = items(expectOk(await a.getSentEdocList({ ...EDOC, docId })));
    expect(sentList).toEqual([
      expect.objectContaining({
        senderDocId: docId,
        fromCode: A_ORG,
        toCode: B_ORG,
        sendStatus: 'done',
        receiveStatus: 'done',
      }),
    ]);

    // The same document through the node API: delivered by B's acknowledgement, statuses 03 then 06.
    const trace = await v1Json<Trace>('GET', `/v1/messages/${docId}/trace`, A.token);
    expect(trace.deliveries.map((d) => [d.recipientOrganId, d.state, d.deliveredBy])).toEqual([
      [B_ORG, 'delivered', 'ack'],
    ]);
    expect(trace.deliveries[0]?.statuses.map((s) => [s.code, s.statusMessageId, s.inconsistent])).toEqual([
      ['03', statusIds[0], false],
      ['06', statusIds[1], false],
    ]);
    const byDocument = await v1Json<{ items: Trace[] }>(
      'GET',
      `/v1/documents?documentId=${encodeURIComponent(pkg.documentId)}`,
      A.token,
    );
    expect(byDocument.items.map((t) => t.id)).toEqual([docId]);
    // Each status package was delivered to A by A's own VXP acknowledgement.
    for (const id of statusIds) {
      const statusTrace = await v1Json<Trace>('GET', `/v1/messages/${id}/trace`, B.token);
      expect(statusTrace.deliveries.map((d) => [d.recipientOrganId, d.state, d.deliveredBy])).toEqual([
        [A_ORG, 'delivered', 'ack'],
      ]);
    }
  });

  it('/v1 → VXP: a /v1 node sends, the VXP system lists, fetches and acknowledges; its status reaches /v1', async () => {
    const b = hub.sdk(B);
    const pkg = await signedPackage(X_ORG, [B_ORG]);
    const receipt = await v1Json<{ id: string }>('POST', '/v1/messages', xToken, pkg.bytes);

    expect(items(expectOk(await b.getReceivedEdocList(EDOC))).map((i) => i['docId'])).toEqual([receipt.id]);
    const fetched = expectOk(await b.getEdoc({ docId: receipt.id }));
    expect(Buffer.from(String(fetched['data']), 'base64').equals(pkg.bytes)).toBe(true);
    expect((await b.downloadEdoc({ docId: receipt.id })).body.equals(pkg.bytes)).toBe(true);
    expectOk(await b.updateStatus({ status: 'done', docId: receipt.id }));
    const trace = await v1Json<Trace>('GET', `/v1/messages/${receipt.id}/trace`, xToken);
    expect(trace.deliveries.map((d) => [d.state, d.deliveredBy])).toEqual([['delivered', 'ack']]);
    // /v1 acknowledging again is a no-op: the same store acknowledgement.
    const again = await v1Json<{ changed: boolean }>('POST', `/v1/messages/${receipt.id}/ack`, B.token);
    expect(again.changed).toBe(false);

    const status = await signedStatus(B_ORG, { organId: X_ORG, documentId: pkg.documentId }, '01');
    const statusId = docIdOf(expectOk(await b.sendEdoc({ from: B_ORG, ...STATUS }, status)));
    const inbox = await v1Json<{ items: Array<{ id: string; kind: string; statusCode: string }> }>(
      'GET',
      '/v1/inbox?kind=status',
      xToken,
    );
    expect(inbox.items.map((i) => [i.id, i.kind, i.statusCode])).toEqual([[statusId, 'status', '01']]);
    expect((await fetchV1(statusId, xToken)).equals(status)).toBe(true);
  });

  it('VXP → /v1: a VXP system sends, the /v1 node fetches and acknowledges; getSentEdocList and the status agree', async () => {
    const a = hub.sdk(A);
    const pkg = await signedPackage(A_ORG, [X_ORG]);
    const docId = docIdOf(expectOk(await a.sendEdoc({ from: A_ORG, ...EDOC }, pkg.bytes)));
    expect(items(expectOk(await a.getSentEdocList({ ...EDOC, docId })))[0]).toMatchObject({
      toCode: X_ORG,
      sendStatus: 'initial',
    });

    const inbox = await v1Json<{ items: Array<{ id: string }> }>('GET', '/v1/inbox?kind=package', xToken);
    expect(inbox.items.map((i) => i.id)).toEqual([docId]);
    expect((await fetchV1(docId, xToken)).equals(pkg.bytes)).toBe(true);
    expect((await v1Json<{ changed: boolean }>('POST', `/v1/messages/${docId}/ack`, xToken)).changed).toBe(
      true,
    );

    const status = await signedStatus(X_ORG, { organId: A_ORG, documentId: pkg.documentId }, '05');
    const statusReceipt = await v1Json<{ id: string }>('POST', '/v1/messages', xToken, status);
    const row = items(expectOk(await a.getSentEdocList({ ...EDOC, docId })))[0];
    expect(row).toMatchObject({ sendStatus: 'done', receiveStatus: 'processing' });
    expect(typeof row?.['receivedTime']).toBe('string');
    const statuses = items(expectOk(await a.getReceivedEdocList(STATUS)));
    expect(statuses.map((i) => i['docId'])).toContain(statusReceipt.id);
    const got = expectOk(await a.getEdoc({ docId: statusReceipt.id }));
    expect(Buffer.from(String(got['data']), 'base64').equals(status)).toBe(true);
  });
});
