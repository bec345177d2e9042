import { LienthongError } from '../core/index.ts';
import type { ScheduledDelivery, SchedulerStartOptions } from './scheduler.ts';

const DELIVERY_ID = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * Rejects ids a backend could misread: BullMQ refuses ids with ':' and all-digit ids, and a
 * bounded alphabet keeps ids safe in logs and metrics. Called by every adapter, so all behave alike.
 */
export function assertSchedulable(items: readonly ScheduledDelivery[]): void {
  for (const item of items) {
    if (!DELIVERY_ID.test(item.deliveryId)) {
      throw new LienthongError('QUEUE_INVALID_DELIVERY_ID', 'delivery id cannot be scheduled', {
        where: 'queue.schedule',
        details: { length: item.deliveryId.length },
      });
    }
  }
}

/** Both limits must be whole numbers >= 1. */
export function assertStartOptions(options: SchedulerStartOptions): void {
  const ok = (n: number) => Number.isInteger(n) && n >= 1;
  if (!ok(options.concurrency) || !ok(options.perNodeConcurrency)) {
    throw new LienthongError('QUEUE_INVALID_OPTIONS', 'concurrency must be a whole number >= 1', {
      where: 'queue.start',
      details: { concurrency: options.concurrency, perNodeConcurrency: options.perNodeConcurrency },
    });
  }
}
