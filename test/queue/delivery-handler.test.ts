import { describe, expect, it } from 'vitest';
import { createDeliveryHandler } from '../../src/queue/delivery-handler.ts';
import {
  type AttemptRecord,
  type DeliveryOutcome,
  NodeBreakers,
  type RetryPolicy,
  type ScheduledDelivery,
} from '../../src/queue/index.ts';
import { MemoryWorkStore } from './memory-work-store.ts';

const policy: RetryPolicy = {
  maxAttempts: 3,
  maxAgeMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  jitter: 0,
};
const breakerConfig = {
  failureThreshold: 2,
  openMs: 5_000,
  maxOpenMs: 20_000,
  halfOpenProbes: 1,
  probeTimeoutMs: 30_000,
  halfOpenWaitMs: 1_000,
};
const item = (deliveryId: string, nodeId = 'node-a'): ScheduledDelivery => ({
  deliveryId,
  nodeId,
  priority: 0,
  kind: 'package',
});
const record = (
  attempt: number,
  at: Date,
  httpStatus: number | null,
  errorCode: string | null,
): AttemptRecord => ({
  attempt,
  startedAt: at,
  durationMs: 5,
  httpStatus,
  errorCode,
  errorDetail: null,
});

function setup(results: (kind: DeliveryOutcome['kind']) => DeliveryOutcome['kind'] = (k) => k) {
  let clock = 1_000_000;
  const store = new MemoryWorkStore(() => policy);
  const breakers = new NodeBreakers(() => breakerConfig);
  const script: DeliveryOutcome['kind'][] = [];
  const calls: { id: string; attempt: number }[] = [];
  const handler = createDeliveryHandler({
    store,
    breakers,
    now: () => clock,
    random: () => 0,
    attempt: async (work, attempt, now) => {
      calls.push({ id: work.deliveryId, attempt });
      const kind = results(script.shift() ?? 'delivered');
      clock += 5;
      if (kind === 'delivered') return { kind, attempt: record(attempt, now, 200, null) };
      if (kind === 'permanent') return { kind, attempt: record(attempt, now, 404, 'WEBHOOK_HTTP_REJECTED') };
      if (kind === 'forwarded') {
        return {
          kind,
          attempt: record(attempt, now, 202, null),
          answer: { hub: 'next', acceptedAt: null, refused: [] },
        };
      }
      return { kind, attempt: record(attempt, now, 503, 'WEBHOOK_HTTP_RETRYABLE') };
    },
  });
  return {
    store,
    breakers,
    script,
    calls,
    handler,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('createDeliveryHandler', () => {
  it('delivers, records the attempt and reports done', async () => {
    const t = setup();
    t.store.add('d1', 'node-a');
    expect(await t.handler(item('d1'), 1)).toEqual({ kind: 'done' });
    const d = t.store.deliveries.get('d1')!;
    expect(d.state).toBe('delivered');
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ attempt: 1, httpStatus: 200 });
  });

  it('skips a delivery Postgres says is finished, or that is gone, without an attempt', async () => {
    const t = setup();
    t.store.add('d1', 'node-a');
    t.store.deliveries.get('d1')!.state = 'delivered';
    expect(await t.handler(item('d1'), 1)).toEqual({ kind: 'done' });
    expect(await t.handler(item('missing'), 1)).toEqual({ kind: 'done' });
    expect(t.calls).toHaveLength(0);
  });

  it('retries with backoff counted from Postgres, then fails at maxAttempts', async () => {
    const t = setup();
    t.store.add('d1', 'node-a');
    t.script.push('retry', 'retry', 'retry');
    // The scheduler's attempt hint is ignored: 7 here, but Postgres says 0 attempts so far.
    expect(await t.handler(item('d1'), 7)).toEqual({ kind: 'retry', delayMs: 1_000 });
    t.advance(1_000);
    t.breakers.success('node-a', 0); // keep the breaker out of this test
    expect(await t.handler(item('d1'), 1)).toEqual({ kind: 'retry', delayMs: 2_000 });
    t.breakers.success('node-a', 0);
    expect(await t.handler(item('d1'), 1)).toEqual({ kind: 'done' });
    const d = t.store.deliveries.get('d1')!;
    expect(d.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(d.state).toBe('failed');
    expect(d.lastNext).toEqual({ next: 'failed', reason: 'max-attempts' });
  });

  it('fails a permanent refusal at once, without counting it against the node', async () => {
    const t = setup();
    t.store.add('d1', 'node-a');
    t.script.push('permanent');
    expect(await t.handler(item('d1'), 1)).toEqual({ kind: 'done' });
    expect(t.store.deliveries.get('d1')!.lastNext).toEqual({ next: 'failed', reason: 'permanent' });
    expect(t.breakers.state('node-a')).toEqual({ kind: 'closed', failures: 0 });
  });

  it('pauses a failing node: no attempt while open, a single probe after, closing on success', async () => {
    const t = setup();
    for (const id of ['d1', 'd2', 'd3', 'd4']) t.store.add(id, 'node-a');
    t.store.add('h1', 'node-b');
    t.script.push('retry', 'retry');
    await t.handler(item('d1'), 1);
    await t.handler(item('d2'), 1);
    expect(t.breakers.state('node-a').kind).toBe('open');
    const paused = await t.handler(item('d3'), 1);
    expect(paused.kind).toBe('node-paused');
    expect(paused.kind === 'node-paused' && paused.delayMs).toBeGreaterThan(4_900);
    expect(t.calls).toHaveLength(2);
    expect(t.store.deliveries.get('d3')!.attempts).toHaveLength(0);
    // Another node is not affected.
    expect(await t.handler(item('h1', 'node-b'), 1)).toEqual({ kind: 'done' });
    t.advance(5_000);
    expect(await t.handler(item('d3'), 1)).toEqual({ kind: 'done' }); // the probe, delivered
    expect(t.breakers.state('node-a').kind).toBe('closed');
    expect(await t.handler(item('d4'), 1)).toEqual({ kind: 'done' });
  });
});

describe('createDeliveryHandler with a claiming store', () => {
  it('gives back a half-open probe when the claim finds nothing to push', async () => {
    const breakers = new NodeBreakers(() => breakerConfig);
    let clock = 1_000_000;
    // Open the breaker, then let its open period pass: the next admission is a probe.
    breakers.failure('node-a', clock);
    breakers.failure('node-a', clock);
    clock += breakerConfig.openMs;
    const handler = createDeliveryHandler({
      store: {
        load: async () => null,
        // A sibling of a hand-over: already forwarded with the others, nothing left to push.
        claim: async () => ({ kind: 'gone' }),
        recordAttempt: async () => {},
      },
      breakers,
      now: () => clock,
      attempt: async () => {
        throw new Error('no attempt expected');
      },
    });
    expect(await handler(item('d1'), 1)).toEqual({ kind: 'done' });
    // The probe slot is free again: the next delivery to the node probes instead of waiting
    // out probeTimeoutMs (30 s here).
    expect(breakers.admit('node-a', clock + 1).decision).toBe('probe');
  });
});
