// Two hubs in this process (national N, province P1 as its child), both on Postgres: a package each
// way and a status back, with the receipts travelling back and each trace showing the hops.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePackage, sampleStatus } from '../support/edxml-samples.ts';
import {
  createFederationPki,
  eventually,
  type FederationHub,
  type FederationPki,
  linkHubs,
  startFederationHub,
} from '../support/federation.ts';

const MINISTRY = '000.00.00.G09';
const COMMUNE = '101.01.01.H29';
const OPERATOR = 'operator-token-of-the-pair-test';

interface Trace {
  hub: string;
  path: string[];
  deliveries: Array<{
    recipientOrganId: string;
    state: string;
    route: string;
    deliveredBy: string | null;
    hops: Array<{ hub: string; acceptedAt: string | null; deliveredAt: string | null }>;
    statuses: Array<{ code: string }>;
  }>;
}

describe('hubs of hubs: a pair in one process', () => {
  let pki: FederationPki;
  let n: FederationHub;
  let p1: FederationHub;
  let ministry: string;
  let commune: string;

  beforeAll(async () => {
    pki = await createFederationPki([MINISTRY, COMMUNE]);
    [n, p1] = await Promise.all([
      startFederationHub({
        id: 'N',
        backend: 'server',
        trustDir: pki.trustDir,
        mode: 'in-process',
        env: { LIENTHONG_OPERATOR_TOKEN: OPERATOR },
      }),
      startFederationHub({ id: 'P1', backend: 'server', trustDir: pki.trustDir, mode: 'in-process' }),
    ]);
    await linkHubs(n, p1, { subtrees: ['000.00.00.H29'] });
    ministry = await n.addNode('ministry', [MINISTRY]);
    commune = await p1.addNode('commune', [COMMUNE]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([n?.close(), p1?.close()]);
    await pki?.close();
  });

  const inbox = async (hub: FederationHub, token: string) =>
    ((await (await hub.call('GET', '/v1/inbox?wait=1', token)).json()) as { items: Array<{ id: string }> })
      .items;
  const trace = async (hub: FederationHub, token: string, id: string) =>
    (await (await hub.call('GET', `/v1/messages/${id}/trace`, token)).json()) as Trace;

  it('carries a commune’s package up to a ministry, and the ministry’s statuses back down', async () => {
    const signed = await pki.sign(
      samplePackage({ from: COMMUNE, to: [MINISTRY], documentId: `${COMMUNE},2026/12/07,1/UBND` }),
      COMMUNE,
    );
    const sent = await p1.call('POST', '/v1/messages', commune, signed);
    expect(sent.status).toBe(202);
    const receipt = (await sent.json()) as { id: string; hub: string; recipients: Array<{ state: string }> };
    expect(receipt.hub).toBe('P1');

    let items: Array<{ id: string }> = [];
    await eventually(
      async () => {
        items = await inbox(n, ministry);
        return items.length > 0;
      },
      20_000,
      'the ministry inbox',
    );
    expect(items[0]!.id).toBe(receipt.id); // one id across the federation
    const fetched = await n.call('GET', `/v1/messages/${receipt.id}`, ministry);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(Buffer.from(signed))).toBe(true);
    expect((await n.call('POST', `/v1/messages/${receipt.id}/ack`, ministry)).status).toBe(200);

    await eventually(
      async () => (await trace(p1, commune, receipt.id)).deliveries[0]?.state === 'delivered',
      20_000,
      'the delivered receipt back at P1',
    );
    const atOrigin = await trace(p1, commune, receipt.id);
    expect(atOrigin.deliveries[0]).toMatchObject({ route: 'parent-hub', deliveredBy: 'peer' });
    expect(atOrigin.deliveries[0]!.hops.map((h) => h.hub)).toEqual(['N']);
    expect(atOrigin.deliveries[0]!.hops[0]!.deliveredAt).not.toBeNull();

    for (const code of ['01', '03', '06']) {
      const status = await pki.sign(
        sampleStatus({
          from: MINISTRY,
          responseFor: { organId: COMMUNE, documentId: `${COMMUNE},2026/12/07,1/UBND` },
          code,
        }),
        MINISTRY,
      );
      const answer = await n.call('POST', '/v1/messages', ministry, status);
      expect(answer.status, await answer.clone().text()).toBe(202);
      // Each status package travels down as its own delivery, and the hubs promise no order between
      // deliveries: the next status is sent once this one has reached the origin, as an agency's
      // statuses are minutes apart in life.
      await eventually(
        async () =>
          (await trace(p1, commune, receipt.id)).deliveries[0]?.statuses.some((s) => s.code === code) ===
          true,
        20_000,
        `status ${code} on the origin trace`,
      );
    }
    expect((await trace(p1, commune, receipt.id)).deliveries[0]!.statuses.map((s) => s.code)).toEqual([
      '01',
      '03',
      '06',
    ]);
    await eventually(
      async () => (await inbox(p1, commune)).length === 3,
      20_000,
      'the statuses in the commune inbox',
    );
  });

  it('carries a ministry’s package down to a commune', async () => {
    const signed = await pki.sign(
      samplePackage({ from: MINISTRY, to: [COMMUNE], documentId: `${MINISTRY},2026/12/07,9/BNV` }),
      MINISTRY,
    );
    const sent = await n.call('POST', '/v1/messages', ministry, signed);
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    await eventually(
      async () => (await inbox(p1, commune)).some((i) => i.id === id),
      20_000,
      'the package at the commune',
    );
    expect((await p1.call('POST', `/v1/messages/${id}/ack`, commune)).status).toBe(200);
    await eventually(
      async () => (await trace(n, ministry, id)).deliveries[0]?.state === 'delivered',
      20_000,
      'delivered at N',
    );
    const t = await trace(n, ministry, id);
    expect(t.deliveries[0]).toMatchObject({ route: 'child-hub', deliveredBy: 'peer' });
    expect(t.deliveries[0]!.hops.map((h) => h.hub)).toEqual(['P1']);
    const below = await trace(p1, commune, id);
    expect(below.path).toEqual(['N']);
  });

  it('sends the receipts that waited for the hub before in one request when it is back', async () => {
    // P1 reaches N through a gate that answers 503 while closed and counts the receipts that cross.
    const gate = await openGate(n.url);
    try {
      expect((await p1.cli('hub', 'set', 'N', '--url', gate.url, '--json')).code).toBe(0);
      gate.open = false;
      const ids: string[] = [];
      for (const k of [21, 22, 23]) {
        const signed = await pki.sign(
          samplePackage({ from: MINISTRY, to: [COMMUNE], documentId: `${MINISTRY},2026/12/07,${k}/BNV` }),
          MINISTRY,
        );
        ids.push(
          ((await (await n.call('POST', '/v1/messages', ministry, signed)).json()) as { id: string }).id,
        );
      }
      await eventually(
        async () => (await inbox(p1, commune)).filter((i) => ids.includes(i.id)).length === 3,
        20_000,
        'three packages at the commune',
      );
      for (const id of ids)
        expect((await p1.call('POST', `/v1/messages/${id}/ack`, commune)).status).toBe(200);
      await eventually(async () => gate.refused >= 3, 20_000, 'each receipt refused once by the closed gate');
      gate.open = true;
      await eventually(
        async () => {
          const traces = await Promise.all(ids.map((id) => trace(n, ministry, id)));
          return traces.every((t) => t.deliveries[0]?.state === 'delivered');
        },
        20_000,
        'the three receipts delivered at N',
      );
      // Usually one request; two when one receipt's own retry was in flight as the gate opened.
      expect(gate.crossed.reduce((a, b) => a + b, 0)).toBe(3);
      expect(gate.crossed.length).toBeLessThan(3);
    } finally {
      expect((await p1.cli('hub', 'set', 'N', '--url', n.url, '--json')).code).toBe(0);
      await gate.close();
    }
  });

  it('shows the peer hub to operators: /ops/queues and /metrics', async () => {
    const op = { authorization: `Bearer ${OPERATOR}` };
    const queues = (await (await n.call('GET', '/ops/queues', null, undefined, op)).json()) as {
      peers: Array<{ id: string; role: string; breaker: string; backlog: number; organizations: number }>;
    };
    expect(queues.peers).toEqual([
      expect.objectContaining({ id: 'P1', role: 'child', breaker: 'closed', backlog: 0, organizations: 1 }),
    ]);
    const metrics = await (await n.call('GET', '/metrics', null, undefined, op)).text();
    expect(metrics).toMatch(/lienthong_peer_backlog\{[^}]*peer="P1"[^}]*\} 0/);
    expect(metrics).toMatch(/lienthong_peer_reachable\{[^}]*peer="P1"[^}]*\} 1/);
    expect(metrics).toMatch(
      /lienthong_peer_handovers_total\{[^}]*peer="P1"[^}]*result="forwarded"[^}]*\} [1-9]/,
    );
  });
});

/** A forwarding gate in front of a hub: 503 while closed; counts receipts per request that crossed. */
async function openGate(target: string): Promise<{
  url: string;
  open: boolean;
  refused: number;
  crossed: number[];
  close(): Promise<void>;
}> {
  const state = { open: true, refused: 0, crossed: [] as number[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const receipts = req.method === 'POST' && req.url === '/v1/hub/receipts';
      if (!state.open) {
        if (receipts) state.refused += 1;
        res.writeHead(503).end();
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length',
        ),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      if (receipts && answer.ok) {
        state.crossed.push((JSON.parse(body.toString('utf8')) as { receipts: unknown[] }).receipts.length);
      }
      const back: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding') back[key] = value;
      });
      res.writeHead(answer.status, back);
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gate = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get open() {
      return state.open;
    },
    set open(value: boolean) {
      state.open = value;
    },
    get refused() {
      return state.refused;
    },
    get crossed() {
      return state.crossed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return gate;
}
