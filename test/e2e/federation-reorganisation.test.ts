// A reorganisation is a directory change alone: a commune moves from one province's hub to
// another's (as the 2025 merger re-parented communes), and the packages already on their way to it
// follow it. Three hubs in this process on Postgres: N, and its children P1 and P2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePackage } from '../support/edxml-samples.ts';
import {
  createFederationPki,
  eventually,
  type FederationHub,
  type FederationPki,
  linkHubs,
  startFederationHub,
} from '../support/federation.ts';

const MINISTRY = '000.00.00.G09';
const MOVING = '555.01.01.H31';

describe('hubs of hubs: a commune moves to another province’s hub', () => {
  let pki: FederationPki;
  let n: FederationHub;
  let p1: FederationHub;
  let p2: FederationHub;
  let ministry: string;

  beforeAll(async () => {
    pki = await createFederationPki([MINISTRY, MOVING]);
    const start = (id: string) =>
      startFederationHub({ id, backend: 'server', trustDir: pki.trustDir, mode: 'in-process' });
    [n, p1, p2] = await Promise.all([start('N'), start('P1'), start('P2')]);
    // No subtree roots: N knows where the commune is only from what the children report.
    await linkHubs(n, p1, { subtrees: [] });
    await linkHubs(n, p2, { subtrees: [] });
    ministry = await n.addNode('ministry', [MINISTRY]);
    await p2.addNode('office-at-p2', [MOVING]);
    await eventually(
      async () => (await n.cli('directory', 'route', MOVING, '--json')).out.includes('"nodeId":"P2"'),
      20_000,
      'P2 reporting the commune',
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([n, p1, p2].map((hub) => hub?.close()));
    await pki?.close();
  });

  it('moves the deliveries waiting for the old hub to the new one', async () => {
    await p2.stop(); // P2 is unreachable: what N has for the commune waits
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const xml = samplePackage({
        from: MINISTRY,
        to: [MOVING],
        documentId: `${MINISTRY},2026/12/07,${40 + i}/BNV`,
      });
      const answer = await n.call('POST', '/v1/messages', ministry, await pki.sign(xml, MINISTRY));
      expect(answer.status).toBe(202);
      ids.push(((await answer.json()) as { id: string }).id);
    }
    const trace = async (id: string) =>
      (await (await n.call('GET', `/v1/messages/${id}/trace`, ministry)).json()) as {
        deliveries: Array<{
          state: string;
          nodeId: string;
          hops: Array<{ hub: string }>;
          events: Array<{ type: string }>;
        }>;
      };
    await eventually(
      async () => (await trace(ids[0]!)).deliveries[0]?.state === 'retrying',
      20_000,
      'N retrying for P2',
    );

    // The reorganisation: the commune's office is now connected to P1, which reports it to N.
    const office = await p1.addNode('office-at-p1', [MOVING]);
    const taken = new Set<string>();
    await eventually(
      async () => {
        const { items } = (await (await p1.call('GET', '/v1/inbox?wait=1', office)).json()) as {
          items: Array<{ id: string }>;
        };
        for (const item of items) {
          await p1.call('POST', `/v1/messages/${item.id}/ack`, office);
          taken.add(item.id);
        }
        return taken.size === ids.length;
      },
      60_000,
      'the packages at the commune through P1',
    );
    expect([...taken].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      await eventually(
        async () => (await trace(id)).deliveries[0]?.state === 'delivered',
        30_000,
        'delivered at N',
      );
      const d = (await trace(id)).deliveries[0]!;
      expect(d.nodeId).toBe('P1');
      expect(d.hops.map((h) => h.hub)).toEqual(['P1']);
      expect(d.events.map((e) => e.type)).toContain('delivery.rerouted');
    }
  }, 120_000);
});
