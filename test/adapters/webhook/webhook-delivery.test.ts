import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookSender } from '../../../src/adapters/webhook/index.ts';
import { createDeliveryHandler } from '../../../src/queue/delivery-handler.ts';
import {
  createInProcessScheduler,
  type DeliveryScheduler,
  NodeBreakers,
  type RetryPolicy,
} from '../../../src/queue/index.ts';
import { MemoryWorkStore } from '../../queue/memory-work-store.ts';
import { waitFor } from '../../queue/wait-for.ts';
import { type LoopbackServer, startLoopbackServer } from './loopback-server.ts';

// The engine end to end, with Postgres replaced by an in-memory store: scheduler → handler →
// breaker → webhook sender → real receiving servers on loopback → outcome recorded.
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const policy: RetryPolicy = {
  maxAttempts: 4,
  maxAgeMs: 60_000,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  jitter: 0,
};

describe('webhook delivery through scheduler, handler and breaker', () => {
  it('delivers to healthy nodes, honours Retry-After, fails refusals, and parks a hanging node', async () => {
    const serve = async (respond: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> => {
      const server = await startLoopbackServer(respond);
      closers.push(() => server.close());
      return server;
    };
    const healthy = await serve((_req, res) => {
      res.writeHead(200).end();
    });
    const refusing = await serve((_req, res) => {
      res.writeHead(404).end('no such mailbox');
    });
    let busyCalls = 0;
    const busy = await serve((_req, res) => {
      busyCalls += 1;
      if (busyCalls === 1) res.writeHead(503, { 'retry-after': '1' }).end();
      else res.writeHead(200).end();
    });
    const hanging = await serve(() => {
      /* never answers */
    });
    const urls: Record<string, string> = {
      healthy: healthy.url,
      refusing: refusing.url,
      busy: busy.url,
      hanging: hanging.url,
    };

    const store = new MemoryWorkStore(() => policy);
    const sender = createWebhookSender({ headersTimeoutMs: 300 });
    closers.push(() => sender.close());
    const breakers = new NodeBreakers(() => ({
      failureThreshold: 2,
      openMs: 5_000,
      maxOpenMs: 10_000,
      halfOpenProbes: 1,
      probeTimeoutMs: 10_000,
      halfOpenWaitMs: 1_000,
    }));
    const body = new TextEncoder().encode('<edXMLEnvelope>Công văn</edXMLEnvelope>');
    const handler = createDeliveryHandler({
      store,
      breakers,
      attempt: (work, attempt, now) =>
        sender.send({
          url: urls[work.nodeId]!,
          secret: `secret-${work.nodeId}`,
          messageId: `msg-${work.deliveryId}`,
          kind: 'package',
          attempt,
          body,
          now,
        }),
    });
    const scheduler: DeliveryScheduler = createInProcessScheduler();
    closers.push(() => scheduler.close());

    const ids = (node: string, n: number) => Array.from({ length: n }, (_, i) => `${node}-${i}`);
    const plan = {
      hanging: ids('hanging', 6),
      healthy: ids('healthy', 6),
      refusing: ids('refusing', 1),
      busy: ids('busy', 1),
    };
    for (const [node, list] of Object.entries(plan)) for (const id of list) store.add(id, node);
    const t0 = Date.now();
    // The hanging node's items go first, so without pausing they would be in everyone's way.
    for (const [node, list] of Object.entries(plan)) {
      await scheduler.schedule(
        list.map((deliveryId) => ({ deliveryId, nodeId: node, priority: 0, kind: 'package' })),
      );
    }
    await scheduler.start(handler, { concurrency: 4, perNodeConcurrency: 2 });

    const state = (id: string) => store.deliveries.get(id)!;
    await waitFor(
      () => plan.healthy.every((id) => state(id).state === 'delivered'),
      5_000,
      'healthy delivered',
    );
    expect(Date.now() - t0).toBeLessThan(2_000);
    await waitFor(() => state('refusing-0').state === 'failed', 5_000, 'refusal failed');
    await waitFor(() => state('busy-0').state === 'delivered', 5_000, 'busy delivered');

    expect(plan.healthy.map((id) => state(id).attempts.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(state('refusing-0').attempts).toMatchObject([
      { attempt: 1, httpStatus: 404, errorCode: 'WEBHOOK_HTTP_REJECTED', errorDetail: 'no such mailbox' },
    ]);
    expect(state('refusing-0').lastNext).toEqual({ next: 'failed', reason: 'permanent' });
    const busyAttempts = state('busy-0').attempts;
    expect(busyAttempts.map((a) => [a.attempt, a.httpStatus])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(
      busyAttempts[1]!.startedAt.getTime() - busyAttempts[0]!.startedAt.getTime(),
    ).toBeGreaterThanOrEqual(990);
    expect(busy.requests.map((r) => r.headers['lienthong-delivery-attempt'])).toEqual(['1', '2']);

    // The hanging node: two timeouts opened its breaker; the rest wait without attempts.
    expect(breakers.state('hanging').kind).toBe('open');
    const hangingAttempts = plan.hanging.flatMap((id) => state(id).attempts);
    expect(hangingAttempts.length).toBe(2);
    expect(hangingAttempts.every((a) => a.errorCode === 'WEBHOOK_HEADERS_TIMEOUT')).toBe(true);
    const held = await scheduler.heldIds();
    expect(plan.hanging.every((id) => held.has(id))).toBe(true);
  });
});
