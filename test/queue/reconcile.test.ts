import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessScheduler, type DeliveryScheduler } from '../../src/queue/index.ts';
import { reconcile, type UnfinishedDelivery } from '../../src/queue/reconcile.ts';

const open: DeliveryScheduler[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const unfinished = (deliveryId: string, notBefore: Date | null = null): UnfinishedDelivery => ({
  deliveryId,
  nodeId: 'node-a',
  priority: 0,
  kind: 'package',
  notBefore,
});

describe('reconcile', () => {
  it('schedules what the scheduler lost, keeps what it holds, and respects next_attempt_at', async () => {
    const scheduler = createInProcessScheduler();
    open.push(scheduler);
    await scheduler.schedule([unfinished('held')], { delayMs: 60_000 });
    const now = Date.now();
    async function* pages() {
      yield [unfinished('held'), unfinished('lost-due')];
      yield [
        unfinished('lost-later', new Date(now + 30_000)),
        unfinished('lost-past', new Date(now - 5_000)),
      ];
    }
    const result = await reconcile(scheduler, pages(), now);
    expect(result).toEqual({ checked: 4, scheduled: 3 });
    expect(await scheduler.heldIds()).toEqual(new Set(['held', 'lost-due', 'lost-later', 'lost-past']));
    const stats = await scheduler.stats();
    expect(stats).toMatchObject({ waiting: 2, delayed: 2 });
  });

  it('is a no-op the second time', async () => {
    const scheduler = createInProcessScheduler();
    open.push(scheduler);
    const page = [[unfinished('a'), unfinished('b')]];
    expect(await reconcile(scheduler, page, Date.now())).toEqual({ checked: 2, scheduled: 2 });
    expect(await reconcile(scheduler, page, Date.now())).toEqual({ checked: 2, scheduled: 0 });
  });
});
