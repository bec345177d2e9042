// A provincial hub whose parent speaks only VXP, as the national axis does: upward with sendEdoc
// (the SDK's signing), downward by polling getReceivedEdocList / getEdoc and answering
// updateStatus. First under a lienthong N serving /vxp (round trips both ways, with statuses),
// then the same child code against a double of the axis that answers as the SDK expects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import {
  createFederationPki,
  eventually,
  type FederationHub,
  type FederationPki,
  startFederationHub,
} from '../support/federation.ts';
import { startVxpAxisDouble, type VxpAxisDouble } from '../support/vxp-axis-double.ts';

const MINISTRY = '000.00.00.G09';
const COMMUNE = '101.01.01.H29';

interface Trace {
  deliveries: Array<{
    state: string;
    route: string;
    hops: Array<{ hub: string }>;
    statuses: Array<{ code: string }>;
  }>;
}

async function takeOne(
  hub: FederationHub,
  token: string,
  kind: 'package' | 'status',
): Promise<{ id: string; bytes: Buffer }> {
  let found: { id: string } | undefined;
  await eventually(
    async () => {
      const { items } = (await (await hub.call('GET', `/v1/inbox?wait=1&kind=${kind}`, token)).json()) as {
        items: Array<{ id: string }>;
      };
      found = items[0];
      return found !== undefined;
    },
    30_000,
    `a ${kind} in the inbox at ${hub.id}`,
  );
  const id = found!.id;
  const bytes = Buffer.from(await (await hub.call('GET', `/v1/messages/${id}`, token)).arrayBuffer());
  expect((await hub.call('POST', `/v1/messages/${id}/ack`, token)).status).toBe(200);
  return { id, bytes };
}

describe('a hub below a VXP parent: lienthong N serving /vxp', () => {
  let pki: FederationPki;
  let n: FederationHub;
  let p1: FederationHub;
  let ministry: string;
  let commune: string;

  beforeAll(async () => {
    pki = await createFederationPki([MINISTRY, COMMUNE]);
    [n, p1] = await Promise.all([
      startFederationHub({ id: 'N', backend: 'server', trustDir: pki.trustDir }),
      startFederationHub({ id: 'P1', backend: 'embedded', trustDir: pki.trustDir }),
    ]);
    ministry = await n.addNode('ministry', [MINISTRY]);
    // To N, the province is one VXP system serving its organizations (as an LGSP is to the axis).
    const system = await n.cli('node', 'add', '--id', 'lgsp-p1', '--org', COMMUNE, '--vxp', '--json');
    expect(system.code, system.err).toBe(0);
    const { vxpSecret } = JSON.parse(system.out) as { vxpSecret: string };
    const parent = await p1.cli(
      'hub',
      'add',
      '--id',
      'N',
      '--role',
      'parent',
      '--protocol',
      'vxp',
      '--url',
      `${n.url}/vxp`,
      '--system-id',
      'lgsp-p1',
      '--secret',
      vxpSecret,
      '--poll-interval',
      '300',
      '--json',
    );
    expect(parent.code, parent.err).toBe(0);
    commune = await p1.addNode('commune', [COMMUNE]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([n?.close(), p1?.close()]);
    await pki?.close();
  });

  it('a commune writes up to a ministry through sendEdoc, and the ministry’s statuses come down', async () => {
    const documentId = `${COMMUNE},2026/12/07,11/UBND`;
    const bytes = await pki.sign(samplePackage({ from: COMMUNE, to: [MINISTRY], documentId }), COMMUNE);
    const sent = await p1.call('POST', '/v1/messages', commune, bytes);
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    const got = await takeOne(n, ministry, 'package');
    expect(got.bytes.equals(Buffer.from(bytes))).toBe(true);
    await eventually(
      async () =>
        ((await (await p1.call('GET', `/v1/messages/${id}/trace`, commune)).json()) as Trace).deliveries[0]
          ?.state === 'forwarded',
      30_000,
      'forwarded at P1',
    );
    const t = (await (await p1.call('GET', `/v1/messages/${id}/trace`, commune)).json()) as Trace;
    expect(t.deliveries[0]).toMatchObject({ route: 'parent-hub' });
    expect(t.deliveries[0]!.hops[0]!.hub).toMatch(/^vxp:127\.0\.0\.1:/);

    for (const code of ['01', '03', '06']) {
      const status = await pki.sign(
        sampleStatus({ from: MINISTRY, responseFor: { organId: COMMUNE, documentId }, code }),
        MINISTRY,
      );
      expect((await n.call('POST', '/v1/messages', ministry, status)).status).toBe(202);
      const down = await takeOne(p1, commune, 'status');
      expect(down.bytes.equals(Buffer.from(status))).toBe(true);
    }
    // Taken by P1, acknowledged with updateStatus done: nothing waits at N for the system.
    await eventually(
      async () => {
        const list = await n.cli('deliveries', 'list', '--node', 'lgsp-p1', '--json');
        const { deliveries } = JSON.parse(list.out) as { deliveries: Array<{ state: string }> };
        return deliveries.length === 3 && deliveries.every((d) => d.state === 'delivered');
      },
      30_000,
      'the statuses acknowledged at N',
    );
  });

  it('a ministry writes down to a commune, and the commune’s status goes up', async () => {
    const documentId = `${MINISTRY},2026/12/07,12/BNV`;
    const bytes = await pki.sign(samplePackage({ from: MINISTRY, to: [COMMUNE], documentId }), MINISTRY);
    const sent = await n.call('POST', '/v1/messages', ministry, bytes);
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    const got = await takeOne(p1, commune, 'package');
    expect(got.bytes.equals(Buffer.from(bytes))).toBe(true);
    const status = await pki.sign(
      sampleStatus({ from: COMMUNE, responseFor: { organId: MINISTRY, documentId }, code: '03' }),
      COMMUNE,
    );
    expect((await p1.call('POST', '/v1/messages', commune, status)).status).toBe(202);
    const up = await takeOne(n, ministry, 'status');
    expect(up.bytes.equals(Buffer.from(status))).toBe(true);
    await eventually(
      async () =>
        ((await (await n.call('GET', `/v1/messages/${id}/trace`, ministry)).json()) as Trace).deliveries[0]
          ?.statuses.length === 1,
      30_000,
      'the status on the ministry’s trace',
    );
  });
});

describe('a hub below a VXP parent: the axis double', () => {
  let pki: FederationPki;
  let axis: VxpAxisDouble;
  let p1: FederationHub;
  let commune: string;

  beforeAll(async () => {
    pki = await createFederationPki([MINISTRY, COMMUNE]);
    axis = await startVxpAxisDouble([{ systemId: 'vxp.lgsp.h29', secret: 'secret-of-the-axis' }]);
    p1 = await startFederationHub({
      id: 'P1',
      backend: 'server',
      trustDir: pki.trustDir,
      mode: 'in-process',
    });
    const parent = await p1.cli(
      'hub',
      'add',
      '--id',
      'axis',
      '--role',
      'parent',
      '--protocol',
      'vxp',
      '--url',
      axis.endpoint,
      '--system-id',
      'vxp.lgsp.h29',
      '--secret',
      'secret-of-the-axis',
      '--poll-interval',
      '200',
      '--json',
    );
    expect(parent.code, parent.err).toBe(0);
    commune = await p1.addNode('commune', [COMMUNE]);
  }, 120_000);

  afterAll(async () => {
    await p1?.close();
    await axis?.close();
    await pki?.close();
  });

  it('sends with sendEdoc as the SDK does, and takes what the axis offers, answering done', async () => {
    const documentId = `${COMMUNE},2026/12/07,21/UBND`;
    const bytes = await pki.sign(samplePackage({ from: COMMUNE, to: [MINISTRY], documentId }), COMMUNE);
    expect((await p1.call('POST', '/v1/messages', commune, bytes)).status).toBe(202);
    await eventually(async () => axis.sent.length === 1, 30_000, 'sendEdoc at the axis');
    const up = axis.sent[0]!;
    expect(up.bytes.equals(Buffer.from(bytes))).toBe(true);
    expect(up).toMatchObject({
      messageType: 'edoc',
      from: COMMUNE,
      to: [MINISTRY],
      systemId: 'vxp.lgsp.h29',
    });

    const down = await pki.sign(
      samplePackage({ from: MINISTRY, to: [COMMUNE], documentId: `${MINISTRY},2026/12/07,22/BNV` }),
      MINISTRY,
    );
    const docId = axis.offer(Buffer.from(down), { messageType: 'edoc', from: MINISTRY, to: [COMMUNE] });
    const got = await takeOne(p1, commune, 'package');
    expect(got.bytes.equals(Buffer.from(down))).toBe(true);
    await eventually(
      async () => axis.offered.get(docId)?.status === 'done',
      30_000,
      'updateStatus done at the axis',
    );

    const status = await pki.sign(
      sampleStatus({ from: MINISTRY, responseFor: { organId: COMMUNE, documentId }, code: '03' }),
      MINISTRY,
    );
    const statusId = axis.offer(Buffer.from(status), {
      messageType: 'status',
      from: MINISTRY,
      to: [COMMUNE],
    });
    expect((await takeOne(p1, commune, 'status')).bytes.equals(Buffer.from(status))).toBe(true);
    await eventually(
      async () => axis.offered.get(statusId)?.status === 'done',
      30_000,
      'the status done at the axis',
    );
  });

  it('answers fail, with the hub’s code, for a package its own checks refuse', async () => {
    const unsigned = samplePackage({
      from: MINISTRY,
      to: [COMMUNE],
      documentId: `${MINISTRY},2026/12/07,23/BNV`,
    });
    const docId = axis.offer(Buffer.from(unsigned), { messageType: 'edoc', from: MINISTRY, to: [COMMUNE] });
    await eventually(
      async () => axis.offered.get(docId)?.status === 'fail',
      30_000,
      'updateStatus fail at the axis',
    );
    expect(axis.offered.get(docId)!.reports.at(-1)!.reason).toMatch(/^SIGNATURE_/);
  });
});
