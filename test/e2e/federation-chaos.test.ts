// Chaos on a chain of hubs: 200 packages from a commune of province P1 to a commune of province P2,
// through the national hub N (all real processes on Postgres). N is SIGKILLed while they are in
// flight and started again; P2 is down for a while (SIGKILLed, started again later). Nothing is
// lost, and the receiving commune gets each message id exactly once.
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

const FROM = '101.01.01.H29';
const TO = '301.01.01.H30';
const COUNT = 200;

describe('hubs of hubs under faults: N killed mid-flight, P2 down for a while', () => {
  let pki: FederationPki;
  let n: FederationHub;
  let p1: FederationHub;
  let p2: FederationHub;
  let sender: string;
  let receiver: string;

  beforeAll(async () => {
    pki = await createFederationPki([FROM, TO]);
    const start = (id: string) =>
      startFederationHub({
        id,
        backend: 'server',
        trustDir: pki.trustDir,
        env: { LIENTHONG_SCHEDULER: 'in-process' },
      });
    [n, p1, p2] = await Promise.all([start('N'), start('P1'), start('P2')]);
    await linkHubs(n, p1, { subtrees: ['000.00.00.H29'] });
    await linkHubs(n, p2, { subtrees: ['000.00.00.H30'] });
    sender = await p1.addNode('sender', [FROM]);
    receiver = await p2.addNode('receiver', [TO]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([n, p1, p2].map((hub) => hub?.close()));
    await pki?.close();
  });

  it('loses nothing and gives each message id to the recipient once', async () => {
    const fetched: string[] = [];
    const polling = { stop: false };
    /** The receiving e-office system: long-polls, fetches, acknowledges, across P2's outage. */
    const reader = (async () => {
      while (!polling.stop) {
        try {
          const { items } = (await (await p2.call('GET', '/v1/inbox?wait=1&limit=100', receiver)).json()) as {
            items: Array<{ id: string }>;
          };
          for (const item of items) {
            const got = await p2.call('GET', `/v1/messages/${item.id}`, receiver);
            if (got.status !== 200) continue;
            await got.arrayBuffer();
            if ((await p2.call('POST', `/v1/messages/${item.id}/ack`, receiver)).status === 200)
              fetched.push(item.id);
          }
        } catch {
          await new Promise((r) => setTimeout(r, 200)); // P2 is down: try again shortly
        }
      }
    })();

    const ids: string[] = [];
    const sendOne = async (i: number) => {
      const xml = samplePackage({
        from: FROM,
        to: [TO],
        documentId: `${FROM},2026/12/07,${i}/UBND`,
        priority: i % 10 === 0 ? 4 : 0,
      });
      const answer = await p1.call('POST', '/v1/messages', sender, await pki.sign(xml, FROM));
      expect(answer.status).toBe(202);
      ids.push(((await answer.json()) as { id: string }).id);
    };
    const sendRange = async (from: number, to: number) => {
      for (let i = from; i < to; i += 10) {
        await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, k) => sendOne(i + k)));
      }
    };

    await sendRange(0, 100);
    // N dies while the first hundred are on their way.
    await eventually(async () => fetched.length >= 10, 60_000, 'the first packages at P2');
    await n.stop('SIGKILL');
    await sendRange(100, 150); // P1 keeps accepting: they wait for N
    await n.start();
    // P2 goes down for a while; N keeps the rest for it.
    await p2.stop('SIGKILL');
    await sendRange(150, COUNT);
    await new Promise((r) => setTimeout(r, 3000));
    await p2.start();

    await eventually(async () => new Set(fetched).size === COUNT, 180_000, `all ${COUNT} packages at P2`);
    polling.stop = true;
    await reader;
    expect(new Set(fetched)).toEqual(new Set(ids));
    expect(fetched).toHaveLength(COUNT); // none twice

    // And every origin delivery ends delivered, with the hops it took.
    await eventually(
      async () => {
        const states = await Promise.all(
          ids.map(async (id) => {
            const t = (await (await p1.call('GET', `/v1/messages/${id}/trace`, sender)).json()) as {
              deliveries: Array<{ state: string; hops: Array<{ hub: string }> }>;
            };
            return (
              t.deliveries[0]?.state === 'delivered' &&
              t.deliveries[0].hops.map((h) => h.hub).join() === 'N,P2'
            );
          }),
        );
        return states.every(Boolean);
      },
      120_000,
      'every origin delivery delivered through N and P2',
    );
  }, 420_000);
});
