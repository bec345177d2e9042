// Smoke test of the VXP endpoint on embedded Postgres (PGlite in a temp data directory, served over
// its local socket as `lienthong serve` runs it): send, list, fetch byte-identical, done, a status
// back, the sent list, and the /v1 trace.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../adapters/vxp/harness.ts';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { startVxpTestHub, type VxpTestHub, type VxpTestSystem } from './vxp-hub.ts';

const A_ORG = '000.00.00.G22';
const B_ORG = '000.00.00.H41';

let hub: VxpTestHub;
let A: VxpTestSystem;
let B: VxpTestSystem;

beforeAll(async () => {
  hub = await startVxpTestHub({ backend: 'embedded', organIds: [A_ORG, B_ORG] });
  A = await hub.addSystem({ id: 'vxp.a', organizations: [A_ORG] });
  B = await hub.addSystem({ id: 'vxp.b', organizations: [B_ORG] });
}, 120_000);
afterAll(async () => hub?.close());

describe('VXP on embedded Postgres', () => {
  it('carries a signed package and its status between two VXP systems', async () => {
    const documentId = `${A_ORG},2026/11/20,${randomUUID().slice(0, 8)}/VXP`;
    const pkg = Buffer.from(await hub.t.sign(samplePackage({ from: A_ORG, to: [B_ORG], documentId }), A_ORG));
    const a = hub.sdk(A);
    const b = hub.sdk(B);
    const docId = String(
      expectOk(await a.sendEdoc({ from: A_ORG, servicetype: 'eDoc', messagetype: 'edoc' }, pkg))['DocId'],
    );
    const listed = expectOk(await b.getReceivedEdocList({ servicetype: 'eDoc', messagetype: 'edoc' }));
    expect((listed['data'] as Array<Record<string, unknown>>).map((i) => i['docId'])).toEqual([docId]);
    const got = expectOk(await b.getEdoc({ docId }));
    expect(Buffer.from(String(got['data']), 'base64').equals(pkg)).toBe(true);
    expectOk(await b.updateStatus({ status: 'done', docId }));

    const status = Buffer.from(
      await hub.t.sign(
        sampleStatus({ from: B_ORG, responseFor: { organId: A_ORG, documentId }, code: '06' }),
        B_ORG,
      ),
    );
    expectOk(await b.sendEdoc({ from: B_ORG, servicetype: 'eDoc', messagetype: 'status' }, status));
    expect(expectOk(await a.countReceiveStatus())['count']).toBe(1);
    const sent = expectOk(await a.getSentEdocList({ docId }));
    expect(sent['data']).toEqual([
      expect.objectContaining({ toCode: B_ORG, sendStatus: 'done', receiveStatus: 'done' }),
    ]);

    const trace = (await (await hub.t.call('GET', `/v1/messages/${docId}/trace`, A.token)).json()) as {
      deliveries: Array<{ state: string; deliveredBy: string; statuses: Array<{ code: string }> }>;
    };
    expect(trace.deliveries.map((d) => [d.state, d.deliveredBy, d.statuses.map((s) => s.code)])).toEqual([
      ['delivered', 'ack', ['06']],
    ]);
  });
});
