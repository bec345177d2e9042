import { type Db, type PushOutboxItem, relayPushOutbox } from '../store/index.ts';
import type { DeliveryScheduler, ScheduledDelivery } from './scheduler.ts';

/** Options of {@link createOutboxRelay}. */
export interface OutboxRelayOptions {
  readonly db: Db;
  readonly scheduler: DeliveryScheduler;
  /** Pause between passes when the outbox was empty, ms (default 200); `kick()` cuts it short. */
  readonly intervalMs?: number;
  /** Rows claimed per transaction (default 500). */
  readonly batchSize?: number;
  /** Clock, epoch ms. */
  readonly now?: () => number;
  /** A pass that failed (database or queue backend away); the next pass tries again. */
  readonly onError?: (error: unknown) => void;
  /** After each pass that claimed rows. */
  readonly onRelayed?: (result: { readonly claimed: number; readonly published: number }) => void;
}

/** The relay loop of one process. */
export interface OutboxRelay {
  /** Starts the loop (idempotent). */
  start(): void;
  /** Something was committed: run a pass now instead of at the next tick. */
  kick(): void;
  /** Runs passes until the outbox has nothing due; returns the rows claimed. */
  drain(): Promise<number>;
  /** Stops the loop and waits for the pass in progress. */
  close(): Promise<void>;
}

export function toScheduled(item: PushOutboxItem): ScheduledDelivery {
  return { deliveryId: item.id, nodeId: item.nodeId, priority: item.priority, kind: item.kind };
}

/**
 * Moves outbox rows into the scheduler: claim (FOR UPDATE SKIP LOCKED), schedule with the row's
 * delivery id as job id (idempotent), mark dispatched — one transaction per batch, so any number
 * of relays can run (every API and worker process runs one). Losing a relay between the schedule
 * and the commit only means the rows are scheduled again on the next pass, which is harmless; and
 * whatever the scheduler loses, the reconciler puts back.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const intervalMs = options.intervalMs ?? 200;
  const batchSize = options.batchSize ?? 500;
  const now = options.now ?? Date.now;
  let running = false;
  let closed = false;
  let wake: (() => void) | null = null;
  let kicked = false;
  let loop: Promise<void> | null = null;
  let passing: Promise<number> | null = null;

  const pass = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const result = await relayPushOutbox(options.db, { limit: batchSize, at: new Date(now()) }, (items) =>
        options.scheduler.schedule(items.map(toScheduled)),
      );
      if (result.claimed > 0) options.onRelayed?.(result);
      total += result.claimed;
      if (result.claimed < batchSize || closed) return total;
    }
  };

  const runPass = (): Promise<number> => {
    // One pass at a time per process; a kick during a pass makes the loop run another right after.
    passing ??= pass().finally(() => {
      passing = null;
    });
    return passing;
  };

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (kicked || closed) {
        resolve();
        return;
      }
      const timer = setTimeout(done, intervalMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  return {
    start() {
      if (running || closed) return;
      running = true;
      loop = (async () => {
        while (!closed) {
          kicked = false;
          try {
            await runPass();
          } catch (error) {
            options.onError?.(error);
          }
          await sleep();
        }
      })();
    },
    kick() {
      kicked = true;
      wake?.();
    },
    drain: () => runPass(),
    async close() {
      closed = true;
      wake?.();
      await loop;
      await passing?.catch(() => 0);
    },
  };
}
