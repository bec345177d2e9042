import type { DeliveryScheduler, ScheduledDelivery } from './scheduler.ts';

/** An unfinished delivery as the store lists it for the reconciler. */
export interface UnfinishedDelivery extends ScheduledDelivery {
  /** Its next_attempt_at: not to be attempted before this (null = now). */
  readonly notBefore: Date | null;
}

export interface ReconcileResult {
  /** Unfinished deliveries looked at. */
  readonly checked: number;
  /** Those the scheduler did not hold, now scheduled again. */
  readonly scheduled: number;
}

/**
 * One reconciler pass: every unfinished delivery in Postgres that the scheduler does not hold is
 * scheduled again, keeping its next_attempt_at. This is what makes a flushed Redis, a restarted
 * in-process scheduler or a lost outbox relay harmless. Safe to run at any time and from several
 * processes at once: scheduling is idempotent per delivery id.
 */
export async function reconcile(
  scheduler: DeliveryScheduler,
  unfinished: AsyncIterable<readonly UnfinishedDelivery[]> | Iterable<readonly UnfinishedDelivery[]>,
  now: number,
): Promise<ReconcileResult> {
  // Read the held ids before the store pages: an item finishing in between is then, at worst,
  // scheduled once more, and the worker skips it because Postgres says it is finished.
  const held = await scheduler.heldIds();
  let checked = 0;
  let scheduled = 0;
  for await (const page of unfinished) {
    checked += page.length;
    const missing = page.filter((d) => !held.has(d.deliveryId));
    const due = missing.filter((d) => d.notBefore === null || d.notBefore.getTime() <= now);
    if (due.length > 0) await scheduler.schedule(due.map(toItem));
    for (const later of missing.filter((d) => d.notBefore !== null && d.notBefore.getTime() > now)) {
      await scheduler.schedule([toItem(later)], { delayMs: (later.notBefore?.getTime() ?? now) - now });
    }
    scheduled += missing.length;
  }
  return { checked, scheduled };
}

function toItem(d: UnfinishedDelivery): ScheduledDelivery {
  return { deliveryId: d.deliveryId, nodeId: d.nodeId, priority: d.priority, kind: d.kind };
}
