// Faults of one receiving node, on every backend, while another node keeps receiving:
//   - a receiver that is down (connection refused), then answers 503, then recovers: its
//     deliveries wait (the circuit breaker pauses the node) and all arrive once it is back;
//   - a receiver that takes 10 s per request: it never holds more than its per-node share of the
//     workers, and the fast nodes keep their latency.
// Receivers count message ids: every id answered 2xx exactly once (no worker died here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Db,
  generateWebhookSecret,
  listDeliveries,
  listDeliveryAttempts,
} from '../../src/store/index.ts';
import { sleep, waitFor } from '../queue/wait-for.ts';
import {
  acceptPackages,
  addEngineNode,
  ENGINE_BACKENDS,
  type EngineEnv,
  openEngineEnv,
} from '../support/engine-harness.ts';
import {
  type ReceiverMode,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/webhook-receiver.ts';

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Sends one message every `everyMs` to `to` for `forMs`, noting when each was accepted. */
async function stream(
  db: Db,
  sender: { nodeId: string; organId: string },
  to: ReadonlyArray<{ nodeId: string; organId: string }>,
  everyMs: number,
  forMs: number,
): Promise<Map<string, number>> {
  const acceptedAt = new Map<string, number>();
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    const started = Date.now();
    const [id] = await acceptPackages(db, sender, to, 1);
    acceptedAt.set(id!, started);
    await sleep(Math.max(0, everyMs - (Date.now() - started)));
  }
  return acceptedAt;
}

/** Accept → received latencies of the streamed messages at `rx`. */
function latencies(acceptedAt: Map<string, number>, rx: WebhookReceiver): number[] {
  const firstOk = new Map<string, number>();
  for (const r of rx.receptions)
    if (r.status === 200 && !firstOk.has(r.messageId)) firstOk.set(r.messageId, r.at);
  return [...acceptedAt].map(([id, at]) => (firstOk.get(id) ?? Number.POSITIVE_INFINITY) - at);
}

for (const backend of ENGINE_BACKENDS) {
  describe(`one sick node among healthy ones (${backend})`, () => {
    let env: EngineEnv;
    const receivers: WebhookReceiver[] = [];
    beforeAll(async () => {
      env = await openEngineEnv(backend);
    }, 90_000);
    afterAll(async () => {
      await env?.close();
      for (const r of receivers) await r.close();
    });
    const webhookNode = async (role: string, mode?: ReceiverMode) => {
      const secret = generateWebhookSecret();
      const rx = await startWebhookReceiver({ secret, ...(mode ? { mode } : {}) });
      receivers.push(rx);
      return { ...(await addEngineNode(env.db, { role, webhookUrl: rx.url, secret })), rx };
    };

    it('pauses a receiver that is down then answers 503, delivers everything once it recovers', async () => {
      const sender = await addEngineNode(env.db, { role: 'sender' });
      const sick = await webhookNode('sick');
      const healthy = await webhookNode('healthy');
      await sick.rx.down();
      const sickIds = await acceptPackages(env.db, sender, [sick], 100);
      await env.engine();

      // 3 s down, 3 s answering 503, then well; meanwhile a message every 100 ms to the healthy node.
      const phases = (async () => {
        await sleep(3_000);
        sick.rx.setMode({ kind: 'status', status: 503 });
        await sick.rx.up();
        await sleep(3_000);
        sick.rx.setMode({ kind: 'ok' });
      })();
      const acceptedAt = await stream(env.db, sender, [healthy], 100, 6_000);
      await phases;
      const answered503 = sick.rx.receptions.filter((r) => r.status === 503).length;

      await waitFor(() => sick.rx.accepted.size === 100, 60_000, 'the sick node’s 100 after recovery');
      await waitFor(() => healthy.rx.accepted.size === acceptedAt.size, 30_000, 'the healthy node’s');

      // Nothing lost, nothing twice.
      expect([...sick.rx.accepted.keys()].sort()).toEqual([...sickIds].sort());
      expect(sick.rx.duplicates()).toEqual([]);
      expect(healthy.rx.duplicates()).toEqual([]);
      // The healthy node kept its latency while the other was sick.
      const lat = latencies(acceptedAt, healthy.rx);
      expect(percentile(lat, 99)).toBeLessThan(2_000);
      // The breaker held the sick node's deliveries back: during its 3 s of 503s it was asked far
      // fewer times than it had deliveries waiting (without a breaker: every delivery, retried).
      expect(answered503).toBeGreaterThan(0);
      expect(answered503).toBeLessThan(40);
      // Both kinds of failure are on record, and the deliveries ended delivered. The receiver counts
      // a push when it answers; the worker records the attempt after it reads that answer, so wait
      // for the records before reading them.
      await waitFor(
        async () =>
          (await listDeliveries(env.db, { nodeId: sick.nodeId, state: 'delivered', limit: 200 })).length ===
          100,
        30_000,
        'the sick node’s 100 deliveries recorded as delivered',
      );
      const attempts = (
        await Promise.all(
          (
            await listDeliveries(env.db, { nodeId: sick.nodeId, limit: 200 })
          ).map((d) => listDeliveryAttempts(env.db, d.delivery.id)),
        )
      ).flat();
      expect(attempts.some((a) => a.error === 'WEBHOOK_CONNECTION_REFUSED')).toBe(true);
      expect(attempts.some((a) => a.httpStatus === 503)).toBe(true);
      expect(attempts.filter((a) => a.outcome === 'ok')).toHaveLength(100);
      await env.stopEngines();
    }, 120_000);

    it('keeps a 10-second receiver to its share of workers while the fast ones keep their latency', async () => {
      const sender = await addEngineNode(env.db, { role: 'sender' });
      const slow = await webhookNode('slow', { kind: 'ok', delayMs: 10_000 });
      const fast = [await webhookNode('fast1'), await webhookNode('fast2')];
      const slowIds = await acceptPackages(env.db, sender, [slow], 6);
      await env.engine({ senderTimeoutMs: 15_000, concurrency: 16, perNodeConcurrency: 4 });
      const acceptedAt = await stream(env.db, sender, fast, 50, 8_000);

      await waitFor(() => fast.every((f) => f.rx.accepted.size === acceptedAt.size), 30_000, 'fast nodes');
      const lat = fast.flatMap((f) => latencies(acceptedAt, f.rx));
      expect(percentile(lat, 99)).toBeLessThan(1_500);
      // The slow node never had more than its per-node share in flight.
      expect(slow.rx.maxInFlight).toBeLessThanOrEqual(4);
      expect(slow.rx.maxInFlight).toBeGreaterThanOrEqual(1);

      await waitFor(() => slow.rx.accepted.size === 6, 40_000, 'the slow node’s six');
      expect([...slow.rx.accepted.keys()].sort()).toEqual([...slowIds].sort());
      for (const r of [slow, ...fast]) expect(r.rx.duplicates()).toEqual([]);
      await env.stopEngines();
    }, 120_000);
  });
}
