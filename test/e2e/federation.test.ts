// Four hubs on loopback, each a real `lienthong serve` process with its own database: the national
// hub N and two provinces P1 and P2 below it (three Postgres schemas), and a district-level hub D1
// below P1 (embedded Postgres). N reaches P1 but not P2 (P2 pulls, as a province behind a network
// that allows no inbound connection does). Packages cross the chain byte-identical, once per
// recipient in the whole federation; receipts and statuses come back; each origin trace shows
// every hop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import { REDIS_URL } from '../support/engine-harness.ts';
import {
  createFederationPki,
  eventually,
  type FederationHub,
  type FederationPki,
  linkHubs,
  startFederationHub,
} from '../support/federation.ts';

const MINISTRY = '000.00.00.G09';
const P1_COMMUNES = ['101.01.01.H29', '102.01.01.H29'];
const D1_COMMUNES = ['201.01.05.H29', '202.01.05.H29'];
const P2_COMMUNE = '301.01.01.H30';
const ALL = [MINISTRY, ...P1_COMMUNES, ...D1_COMMUNES, P2_COMMUNE];

interface Hop {
  hub: string;
  acceptedAt: string | null;
  deliveredAt: string | null;
}
interface Trace {
  hub: string;
  path: string[];
  deliveries: Array<{
    recipientOrganId: string;
    state: string;
    route: string;
    nodeId: string;
    deliveredBy: string | null;
    hops: Hop[];
    statuses: Array<{ code: string }>;
  }>;
}

/** A polling e-office system of one organization: its hub, token, and what it received. */
interface Office {
  readonly organId: string;
  readonly hub: FederationHub;
  readonly token: string;
  /** Every message id fetched, in order (a second fetch of one id would be a duplicate). */
  readonly fetched: string[];
  readonly bytes: Map<string, Buffer>;
}

describe('hubs of hubs: N, P1 and P2 below it, D1 below P1, real processes', () => {
  let pki: FederationPki;
  let n: FederationHub;
  let p1: FederationHub;
  let p2: FederationHub;
  let d1: FederationHub;
  const offices = new Map<string, Office>();

  beforeAll(async () => {
    pki = await createFederationPki(ALL);
    [n, p1, p2, d1] = await Promise.all([
      startFederationHub({
        id: 'N',
        backend: 'server',
        trustDir: pki.trustDir,
        env: { REDIS_URL, LIENTHONG_QUEUE_PREFIX: `lt-fed-${process.pid}-${Date.now()}` },
      }),
      startFederationHub({ id: 'P1', backend: 'server', trustDir: pki.trustDir }),
      startFederationHub({
        id: 'P2',
        backend: 'server',
        trustDir: pki.trustDir,
        env: { LIENTHONG_SCHEDULER: 'in-process' },
      }),
      startFederationHub({ id: 'D1', backend: 'embedded', trustDir: pki.trustDir }),
    ]);
    await linkHubs(n, p1, { subtrees: ['000.00.00.H29'] });
    await linkHubs(n, p2, { subtrees: ['000.00.00.H30'], parentReachesChild: false });
    await linkHubs(p1, d1, { subtrees: ['000.00.05.H29'] });
    const place = async (hub: FederationHub, organId: string) => {
      const token = await hub.addNode(`office-${organId}`, [organId]);
      offices.set(organId, { organId, hub, token, fetched: [], bytes: new Map() });
    };
    await place(n, MINISTRY);
    for (const c of P1_COMMUNES) await place(p1, c);
    for (const c of D1_COMMUNES) await place(d1, c);
    await place(p2, P2_COMMUNE);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([n, p1, p2, d1].map((hub) => hub?.close()));
    await pki?.close();
  });

  const office = (organId: string) => offices.get(organId)!;

  /** Reads an office's inbox once: fetches and acknowledges every item; returns the ids taken. */
  async function take(organId: string): Promise<string[]> {
    const o = office(organId);
    const answer = await o.hub.call('GET', '/v1/inbox?wait=1', o.token);
    const { items } = (await answer.json()) as { items: Array<{ id: string }> };
    for (const item of items) {
      const bytes = Buffer.from(
        await (await o.hub.call('GET', `/v1/messages/${item.id}`, o.token)).arrayBuffer(),
      );
      o.fetched.push(item.id);
      o.bytes.set(item.id, bytes);
      expect((await o.hub.call('POST', `/v1/messages/${item.id}/ack`, o.token)).status).toBe(200);
    }
    return items.map((i) => i.id);
  }

  async function receive(organId: string, id: string, what: string) {
    await eventually(
      async () => {
        await take(organId);
        return office(organId).bytes.has(id);
      },
      60_000,
      what,
    );
  }

  async function send(from: string, xml: string): Promise<{ id: string; bytes: string }> {
    const o = office(from);
    const bytes = await pki.sign(xml, from);
    const answer = await o.hub.call('POST', '/v1/messages', o.token, bytes);
    expect(answer.status, await answer.clone().text()).toBe(202);
    return { id: ((await answer.json()) as { id: string }).id, bytes };
  }

  const trace = async (organId: string, id: string) => {
    const o = office(organId);
    return (await (await o.hub.call('GET', `/v1/messages/${id}/trace`, o.token)).json()) as Trace;
  };

  async function statusesBack(from: string, to: string, documentId: string, id: string) {
    await take(to);
    const before = office(to).fetched.length;
    for (const code of ['01', '03', '06']) {
      await send(
        from,
        sampleStatus({
          from,
          responseFor: { organId: to, documentId },
          code,
          description: `${code} từ ${from}`,
        }),
      );
    }
    await eventually(
      async () =>
        (await trace(to, id)).deliveries.find((d) => d.recipientOrganId === from)?.statuses.length === 3,
      60_000,
      `statuses of ${from} on ${to}'s trace`,
    );
    const entry = (await trace(to, id)).deliveries.find((d) => d.recipientOrganId === from)!;
    // Three status packages cross the hubs as three messages, pushed and pulled in parallel: the
    // trace lists them as they arrived here (recorded_at), which need not be the order they were sent.
    expect(entry.statuses.map((s) => s.code).sort()).toEqual(['01', '03', '06']);
    // The status packages themselves reach the sender's own system.
    await eventually(
      async () => {
        await take(to);
        return office(to).fetched.length >= before + 3;
      },
      60_000,
      `status packages at ${to}`,
    );
  }

  it('a commune of D1 writes to a ministry at N: up two hubs and back, with statuses', async () => {
    const commune = D1_COMMUNES[0]!;
    const documentId = `${commune},2026/12/07,1/UBND`;
    const sent = await send(commune, samplePackage({ from: commune, to: [MINISTRY], documentId }));
    await receive(MINISTRY, sent.id, 'the package at the ministry');
    expect(office(MINISTRY).bytes.get(sent.id)!.equals(Buffer.from(sent.bytes))).toBe(true);
    await eventually(
      async () => (await trace(commune, sent.id)).deliveries[0]?.state === 'delivered',
      60_000,
      'delivered at the origin',
    );
    const t = await trace(commune, sent.id);
    expect(t.hub).toBe('D1');
    expect(t.deliveries[0]).toMatchObject({ route: 'parent-hub', nodeId: 'P1', deliveredBy: 'peer' });
    expect(t.deliveries[0]!.hops.map((h) => h.hub)).toEqual(['P1', 'N']);
    expect(t.deliveries[0]!.hops.every((h) => h.acceptedAt !== null)).toBe(true);
    // The last hub delivered it; the ones before only passed it on (null, never a coerced "").
    expect(t.deliveries[0]!.hops.at(-1)!.deliveredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(t.deliveries[0]!.hops.slice(0, -1).map((h) => h.deliveredAt)).toEqual([null]);
    // The same message id on every hub it passed.
    expect((await trace(MINISTRY, sent.id)).path).toEqual(['D1', 'P1']);
    await statusesBack(MINISTRY, commune, documentId, sent.id);
  });

  it('a ministry writes to every commune of P1 and D1 in one package: one delivery per commune', async () => {
    const communes = [...P1_COMMUNES, ...D1_COMMUNES];
    const documentId = `${MINISTRY},2026/12/07,7/BNV`;
    const sent = await send(MINISTRY, samplePackage({ from: MINISTRY, to: communes, documentId }));
    for (const commune of communes) await receive(commune, sent.id, `the package at ${commune}`);
    for (const commune of communes) {
      expect(office(commune).bytes.get(sent.id)!.equals(Buffer.from(sent.bytes))).toBe(true);
      expect(office(commune).fetched.filter((id) => id === sent.id)).toHaveLength(1);
    }
    await eventually(
      async () => (await trace(MINISTRY, sent.id)).deliveries.every((d) => d.state === 'delivered'),
      60_000,
      'every commune delivered at N',
    );
    const t = await trace(MINISTRY, sent.id);
    expect(t.deliveries.map((d) => d.recipientOrganId).sort()).toEqual([...communes].sort());
    for (const d of t.deliveries) {
      expect(d.hops.map((h) => h.hub)).toEqual(
        D1_COMMUNES.includes(d.recipientOrganId) ? ['P1', 'D1'] : ['P1'],
      );
    }
    // P1 got the package once for all four; D1 once for its two.
    const atP1 = await (
      await p1.call('GET', `/v1/messages/${sent.id}/trace`, office(P1_COMMUNES[0]!).token)
    ).json();
    expect(atP1).toBeTruthy();
    for (const commune of communes) await statusesBack(commune, MINISTRY, documentId, sent.id);
  });

  it('a commune of D1 writes to a commune of P2, which N cannot reach: P2 pulls', async () => {
    const from = D1_COMMUNES[1]!;
    const documentId = `${from},2026/12/07,3/UBND`;
    const sent = await send(from, samplePackage({ from, to: [P2_COMMUNE], documentId }));
    await receive(P2_COMMUNE, sent.id, 'the package at P2');
    expect(office(P2_COMMUNE).bytes.get(sent.id)!.equals(Buffer.from(sent.bytes))).toBe(true);
    await eventually(
      async () => (await trace(from, sent.id)).deliveries[0]?.state === 'delivered',
      60_000,
      'delivered at the origin',
    );
    expect((await trace(from, sent.id)).deliveries[0]!.hops.map((h) => h.hub)).toEqual(['P1', 'N', 'P2']);
    await statusesBack(P2_COMMUNE, from, documentId, sent.id);
  });

  it('shows the peers to an operator: role, URL, last contact, backlog, breaker', async () => {
    const list = await n.cli('hub', 'list', '--json');
    const { hubs } = JSON.parse(list.out) as {
      hubs: Array<{ id: string; role: string; url: string | null; breaker: string; organizations: number }>;
    };
    expect(hubs.map((h) => [h.id, h.role, h.breaker])).toEqual([
      ['P1', 'child', 'closed'],
      ['P2', 'child', 'pull'],
    ]);
    // P1 reported what it serves, its own communes and D1's.
    expect(hubs.find((h) => h.id === 'P1')!.organizations).toBe(P1_COMMUNES.length + D1_COMMUNES.length);
    const text = await d1.cli('hub', 'list');
    expect(text.out).toContain('P1');
    expect(text.out).toContain('parent');
  });
});
