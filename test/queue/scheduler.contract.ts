import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import { NodeBreakers } from '../../src/queue/node-breakers.ts';
import type {
  DeliveryScheduler,
  HandlerResult,
  ScheduledDelivery,
  ScheduledKind,
} from '../../src/queue/scheduler.ts';
import { sleep, waitFor } from './wait-for.ts';

/** What each adapter's test passes in. */
export interface SchedulerContractOptions {
  readonly name: string;
  /** A fresh scheduler in its own namespace (queue name / prefix / schema) on every call. */
  readonly create: (options: {
    readonly errorDelayMs: number;
    readonly onError: (error: unknown) => void;
  }) => Promise<DeliveryScheduler>;
  /** Drops whatever the run left in the backend (keys, schema). */
  readonly cleanup?: () => Promise<void>;
  /** Extra time an idle worker may need to notice new items (PGlite polls every 200 ms). */
  readonly pickupSlackMs?: number;
}

interface Call {
  readonly id: string;
  readonly attempt: number;
  readonly at: number;
}

let counter = 0;
const item = (
  nodeId: string,
  opts: { kind?: ScheduledKind; priority?: number; id?: string } = {},
): ScheduledDelivery => ({
  deliveryId: opts.id ?? `dlv-${process.pid}-${++counter}`,
  nodeId,
  priority: opts.priority ?? 0,
  kind: opts.kind ?? 'package',
});

/**
 * The semantics every {@link DeliveryScheduler} adapter must have; each adapter's test file calls
 * this once. Timing bounds are generous: the machine runs other suites at the same time.
 */
export function runSchedulerContract(options: SchedulerContractOptions): void {
  const slack = options.pickupSlackMs ?? 0;
  const open: DeliveryScheduler[] = [];
  const errors: unknown[] = [];
  const create = async (errorDelayMs = 100) => {
    const scheduler = await options.create({ errorDelayMs, onError: (error) => errors.push(error) });
    open.push(scheduler);
    return scheduler;
  };

  describe(`DeliveryScheduler contract: ${options.name}`, () => {
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
      errors.length = 0;
    });
    afterAll(async () => {
      await options.cleanup?.();
    });

    it('hands each item to the handler once, with its fields and attempt 1', async () => {
      const scheduler = await create();
      const a = item('node-a', { kind: 'status', priority: 2 });
      const b = item('node-b', { kind: 'receipt' });
      await scheduler.schedule([a, b, a]);
      await scheduler.schedule([a]);
      const calls: [ScheduledDelivery, number][] = [];
      await scheduler.start(
        async (got, attempt) => {
          calls.push([got, attempt]);
          return { kind: 'done' };
        },
        { concurrency: 2, perNodeConcurrency: 1 },
      );
      await waitFor(() => calls.length >= 2, 5_000 + slack, 'two calls');
      await sleep(150 + slack);
      expect(calls).toHaveLength(2);
      const byId = new Map(calls.map(([got, attempt]) => [got.deliveryId, { got, attempt }]));
      expect(byId.get(a.deliveryId)).toEqual({ got: a, attempt: 1 });
      expect(byId.get(b.deliveryId)).toEqual({ got: b, attempt: 1 });
      await waitFor(async () => (await scheduler.heldIds()).size === 0, 2_000 + slack, 'empty');
    });

    it('ignores an id it holds, and takes the same id again once it is done', async () => {
      const scheduler = await create();
      const a = item('node-a');
      const t0 = Date.now();
      await scheduler.schedule([a], { delayMs: 300 });
      await scheduler.schedule([a]); // held (delayed): no-op, so it must not run early
      expect([...(await scheduler.heldIds())]).toEqual([a.deliveryId]);
      const calls: Call[] = [];
      await scheduler.start(
        async (got, attempt) => {
          calls.push({ id: got.deliveryId, attempt, at: Date.now() });
          return { kind: 'done' };
        },
        { concurrency: 2, perNodeConcurrency: 2 },
      );
      await waitFor(() => calls.length === 1, 5_000 + slack, 'first run');
      expect(calls[0]!.at - t0).toBeGreaterThanOrEqual(285);
      await waitFor(async () => !(await scheduler.heldIds()).has(a.deliveryId), 2_000 + slack, 'released');
      await scheduler.schedule([a]);
      await waitFor(() => calls.length === 2, 5_000 + slack, 'second run');
      expect(calls.map((c) => c.attempt)).toEqual([1, 1]);
    });

    it('retry comes back after its delay with the next attempt; node-paused keeps the attempt', async () => {
      const scheduler = await create();
      const a = item('node-a');
      const script: HandlerResult[] = [
        { kind: 'retry', delayMs: 150 },
        { kind: 'node-paused', delayMs: 150 },
        { kind: 'done' },
      ];
      const calls: Call[] = [];
      await scheduler.schedule([a]);
      await scheduler.start(
        async (got, attempt) => {
          calls.push({ id: got.deliveryId, attempt, at: Date.now() });
          return script[calls.length - 1] ?? { kind: 'done' };
        },
        { concurrency: 1, perNodeConcurrency: 1 },
      );
      await waitFor(() => calls.length === 3, 8_000 + slack, 'three calls');
      expect(calls.map((c) => c.attempt)).toEqual([1, 2, 2]);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(140);
      expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(140);
      await waitFor(async () => (await scheduler.heldIds()).size === 0, 2_000 + slack, 'empty');
    });

    it('offers an item again when the handler throws, and reports the error', async () => {
      const scheduler = await create(150);
      const a = item('node-a');
      const calls: Call[] = [];
      await scheduler.schedule([a]);
      await scheduler.start(
        async (got, attempt) => {
          calls.push({ id: got.deliveryId, attempt, at: Date.now() });
          if (calls.length === 1) throw new Error('store unavailable');
          return { kind: 'done' };
        },
        { concurrency: 1, perNodeConcurrency: 1 },
      );
      await waitFor(() => calls.length === 2, 5_000 + slack, 'second call');
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(130);
      expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
      expect(errors.some((e) => isLienthongError(e, 'QUEUE_HANDLER_ERROR'))).toBe(true);
    });

    it('dispatches a queued backlog in rank order: express, statuses, then by priority, FIFO within', async () => {
      const scheduler = await create();
      const normal = Array.from({ length: 12 }, (_, i) => item(`node-${i % 3}`, { priority: 0 }));
      const khan = [item('node-0', { priority: 1 }), item('node-1', { priority: 1 })];
      const thuongKhan = item('node-2', { priority: 2 });
      const status = item('node-1', { kind: 'status', priority: 0 });
      const hoaToc = item('node-0', { priority: 3 });
      const hoaTocHenGio = item('node-2', { priority: 4 });
      await scheduler.schedule(normal.slice(0, 6));
      await scheduler.schedule([khan[0]!, thuongKhan, status]);
      await scheduler.schedule(normal.slice(6));
      await scheduler.schedule([hoaToc, khan[1]!, hoaTocHenGio]);
      const order: string[] = [];
      await scheduler.start(
        async (got) => {
          order.push(got.deliveryId);
          return { kind: 'done' };
        },
        { concurrency: 1, perNodeConcurrency: 1 },
      );
      await waitFor(() => order.length === 18, 10_000 + slack, 'all handled');
      const expected = [hoaTocHenGio, hoaToc, status, thuongKhan, khan[0]!, khan[1]!, ...normal];
      expect(order).toEqual(expected.map((x) => x.deliveryId));
    });

    it('lets an urgent package scheduled during a backlog overtake the rest of it', async () => {
      const scheduler = await create();
      const backlog = Array.from({ length: 40 }, () => item('node-a', { priority: 0 }));
      const order: string[] = [];
      await scheduler.start(
        async (got) => {
          order.push(got.deliveryId);
          await sleep(15);
          return { kind: 'done' };
        },
        { concurrency: 1, perNodeConcurrency: 1 },
      );
      await scheduler.schedule(backlog);
      await waitFor(() => order.length >= 5, 5_000 + slack, 'backlog started');
      const urgent = item('node-a', { priority: 3 });
      await scheduler.schedule([urgent]);
      const handledWhenScheduled = order.length;
      await waitFor(() => order.includes(urgent.deliveryId), 5_000 + slack, 'urgent handled');
      const position = order.indexOf(urgent.deliveryId);
      // At most the item in hand and one fetched ahead of it run before the urgent one.
      expect(position).toBeLessThanOrEqual(handledWhenScheduled + 2);
      expect(order.length).toBeLessThan(backlog.length);
    });

    it("caps one node's concurrent handlers while other nodes keep flowing", async () => {
      const scheduler = await create();
      const slow = Array.from({ length: 10 }, () => item('slow-node'));
      const fast = Array.from({ length: 8 }, () => item('fast-node'));
      const running = new Map<string, number>();
      const peak = new Map<string, number>();
      const doneAt = new Map<string, number>();
      await scheduler.start(
        async (got) => {
          const n = (running.get(got.nodeId) ?? 0) + 1;
          running.set(got.nodeId, n);
          peak.set(got.nodeId, Math.max(peak.get(got.nodeId) ?? 0, n));
          await sleep(got.nodeId === 'slow-node' ? 500 : 5);
          running.set(got.nodeId, (running.get(got.nodeId) ?? 1) - 1);
          doneAt.set(got.deliveryId, Date.now());
          return { kind: 'done' };
        },
        { concurrency: 4, perNodeConcurrency: 2 },
      );
      const t0 = Date.now();
      await scheduler.schedule(slow);
      await scheduler.schedule(fast);
      await waitFor(() => fast.every((f) => doneAt.has(f.deliveryId)), 5_000 + slack, 'fast node done');
      const fastDone = Math.max(...fast.map((f) => doneAt.get(f.deliveryId)!));
      const slowDoneSoFar = slow.filter((s) => doneAt.has(s.deliveryId)).length;
      // Unlimited, the 10 slow items would fill all 4 slots for 3 rounds (~1.5 s) before any fast one.
      expect(fastDone - t0).toBeLessThan(1_000 + slack);
      expect(slowDoneSoFar).toBeLessThan(slow.length);
      // The slow node had its two slots busy the whole time, and never more.
      expect(peak.get('slow-node')).toBe(2);
      expect(peak.get('fast-node')).toBeLessThanOrEqual(2);
    });

    it('pauses a sick node through its breaker without holding workers; the healthy node keeps its latency', async () => {
      const scheduler = await create();
      const breakers = new NodeBreakers(() => ({
        failureThreshold: 2,
        openMs: 600,
        maxOpenMs: 2_000,
        halfOpenProbes: 1,
        probeTimeoutMs: 5_000,
        halfOpenWaitMs: 300,
      }));
      const sick = Array.from({ length: 8 }, () => item('sick-node'));
      const healthy = Array.from({ length: 8 }, () => item('healthy-node'));
      let sickAttempts = 0;
      let pausedAnswers = 0;
      const doneAt = new Map<string, number>();
      await scheduler.start(
        async (got): Promise<HandlerResult> => {
          const admission = breakers.admit(got.nodeId, Date.now());
          if (admission.decision === 'reject') {
            pausedAnswers += 1;
            return { kind: 'node-paused', delayMs: admission.retryInMs };
          }
          if (got.nodeId === 'sick-node') {
            sickAttempts += 1;
            await sleep(600); // a receiver that times out
            breakers.failure(got.nodeId, Date.now());
            return { kind: 'retry', delayMs: 100 };
          }
          await sleep(5);
          breakers.success(got.nodeId, Date.now());
          doneAt.set(got.deliveryId, Date.now());
          return { kind: 'done' };
        },
        { concurrency: 2, perNodeConcurrency: 2 },
      );
      const t0 = Date.now();
      await scheduler.schedule(sick);
      await scheduler.schedule(healthy);
      await waitFor(() => healthy.every((h) => doneAt.has(h.deliveryId)), 5_000 + slack, 'healthy node done');
      const healthyDone = Math.max(...healthy.map((h) => doneAt.get(h.deliveryId)!));
      // Without the breaker the 8 sick items ahead would hold both slots for 4 × 600 ms first; with
      // it, the healthy node waits for the two attempts that open the breaker, and little more.
      expect(healthyDone - t0).toBeLessThan(1_500 + slack);
      expect(breakers.state('sick-node').kind).not.toBe('closed');
      expect(pausedAnswers).toBeGreaterThan(0);
      // Opened after 2 failures: only those and the odd half-open probe reached the sick node.
      expect(sickAttempts).toBeLessThanOrEqual(4);
      // Every sick item is still held (delayed by its breaker, none lost); under load one may be
      // between its paused answer and its rescheduling for a moment.
      await waitFor(
        async () => {
          const held = await scheduler.heldIds();
          return sick.every((s) => held.has(s.deliveryId));
        },
        5_000 + slack,
        'every sick item held',
      );
    });

    it('reports waiting, delayed and active items in stats and heldIds', async () => {
      const scheduler = await create();
      const ready = [item('node-a'), item('node-b')];
      const later = item('node-c');
      await scheduler.schedule(ready);
      await scheduler.schedule([later], { delayMs: 60_000 });
      const before = await scheduler.stats();
      expect(before).toMatchObject({ waiting: 2, active: 0, delayed: 1, failed: 0, workers: 0 });
      expect(before.oldestWaitingAgeMs).not.toBeNull();
      expect(await scheduler.heldIds()).toEqual(new Set([...ready, later].map((x) => x.deliveryId)));

      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = 0;
      await scheduler.start(
        async () => {
          started += 1;
          await gate;
          return { kind: 'done' };
        },
        { concurrency: 4, perNodeConcurrency: 1 },
      );
      await waitFor(() => started === 2, 5_000 + slack, 'both started');
      await waitFor(async () => (await scheduler.stats()).active === 2, 2_000 + slack, 'active 2');
      const during = await scheduler.stats();
      expect(during).toMatchObject({ waiting: 0, active: 2, delayed: 1 });
      expect(during.workers).toBeGreaterThanOrEqual(1);
      expect(during.oldestWaitingAgeMs).toBeNull();
      release();
      await waitFor(async () => (await scheduler.stats()).active === 0, 2_000 + slack, 'active 0');
      expect(await scheduler.heldIds()).toEqual(new Set([later.deliveryId]));
    });

    it('exports Prometheus text with the queue states and the given labels', async () => {
      const scheduler = await create();
      await scheduler.schedule([item('node-a')], { delayMs: 60_000 });
      const text = await scheduler.prometheusMetrics({ hub: 'test' });
      expect(text).toContain('# TYPE bullmq_job_count gauge');
      expect(text).toMatch(/bullmq_job_count\{queue="[^"]+", state="delayed", hub="test"\} 1/);
    });

    it('refuses bad ids, bad limits, a second start and work after close with stable codes', async () => {
      const scheduler = await create();
      await expect(scheduler.schedule([item('n', { id: 'has:colon' })])).rejects.toSatisfy((e) =>
        isLienthongError(e, 'QUEUE_INVALID_DELIVERY_ID'),
      );
      await expect(scheduler.schedule([item('n', { id: '' })])).rejects.toSatisfy((e) =>
        isLienthongError(e, 'QUEUE_INVALID_DELIVERY_ID'),
      );
      const done = async () => ({ kind: 'done' }) as const;
      await expect(scheduler.start(done, { concurrency: 0, perNodeConcurrency: 1 })).rejects.toSatisfy((e) =>
        isLienthongError(e, 'QUEUE_INVALID_OPTIONS'),
      );
      await scheduler.start(done, { concurrency: 1, perNodeConcurrency: 1 });
      await expect(scheduler.start(done, { concurrency: 1, perNodeConcurrency: 1 })).rejects.toSatisfy((e) =>
        isLienthongError(e, 'QUEUE_ALREADY_STARTED'),
      );
      await scheduler.close();
      await scheduler.close();
      await expect(scheduler.schedule([item('n')])).rejects.toSatisfy((e) =>
        isLienthongError(e, 'QUEUE_CLOSED'),
      );
    });

    it('close() waits for running handlers and stops handing out items', async () => {
      const scheduler = await create();
      const items = Array.from({ length: 5 }, () => item('node-a'));
      await scheduler.schedule(items);
      let calls = 0;
      let finished = 0;
      await scheduler.start(
        async () => {
          calls += 1;
          await sleep(150);
          finished += 1;
          return { kind: 'done' };
        },
        { concurrency: 1, perNodeConcurrency: 1 },
      );
      await waitFor(() => calls === 1, 5_000 + slack, 'first call');
      await scheduler.close();
      expect(finished).toBe(calls);
      const callsAtClose = calls;
      await sleep(200);
      expect(calls).toBe(callsAtClose);
      expect(calls).toBeLessThan(items.length);
    });
  });
}
