import { type Db, unfinishedPushPages } from '../store/index.ts';
import { type ReconcileResult, reconcile, type UnfinishedDelivery } from './reconcile.ts';
import type { DeliveryScheduler } from './scheduler.ts';

/** Options of {@link createReconciler}. */
export interface ReconcilerOptions {
  readonly db: Db;
  readonly scheduler: DeliveryScheduler;
  /** Time between passes, ms (default 15 s). The first pass runs at start. */
  readonly intervalMs?: number;
  /** Unfinished rows read per query (default 1000). */
  readonly pageSize?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
  readonly onResult?: (result: ReconcileResult) => void;
  /**
   * Runs before each pass: deliveries waiting for a next hop that changed (the directory changed)
   * are moved first, so that the pass schedules them where they now go.
   */
  readonly beforePass?: () => Promise<void>;
}

/** The reconciler loop of one worker process. */
export interface Reconciler {
  start(): void;
  /** One pass now (also what the loop runs). */
  runOnce(): Promise<ReconcileResult>;
  close(): Promise<void>;
}

/** Every unfinished delivery and receipt to a webhook node, as `reconcile` reads them. */
async function* unfinished(db: Db, pageSize: number): AsyncGenerator<UnfinishedDelivery[]> {
  for await (const page of unfinishedPushPages(db, pageSize)) {
    yield page.map((p) => ({
      deliveryId: p.id,
      nodeId: p.nodeId,
      priority: p.priority,
      kind: p.kind,
      notBefore: p.notBefore,
    }));
  }
}

/**
 * Runs {@link reconcile} periodically: every unfinished push that the scheduler does not hold
 * (Redis flushed or restarted, an in-process scheduler restarted, a relay that died between
 * schedule and commit, a node that got a webhook) is scheduled again, at its next_attempt_at or
 * the end of its send lease. Safe in any number of processes at once.
 */
export function createReconciler(options: ReconcilerOptions): Reconciler {
  const intervalMs = options.intervalMs ?? 15_000;
  const pageSize = options.pageSize ?? 1000;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let current: Promise<ReconcileResult> | null = null;

  const runOnce = (): Promise<ReconcileResult> => {
    current ??= (async () => {
      await options.beforePass?.();
      return reconcile(options.scheduler, unfinished(options.db, pageSize), now());
    })().finally(() => {
      current = null;
    });
    return current;
  };

  const tick = async () => {
    timer = null;
    if (closed) return;
    try {
      options.onResult?.(await runOnce());
    } catch (error) {
      options.onError?.(error);
    }
    if (!closed) {
      timer = setTimeout(tick, intervalMs);
      timer.unref();
    }
  };

  return {
    start() {
      if (timer !== null || closed) return;
      timer = setTimeout(tick, 0);
      timer.unref();
    },
    runOnce,
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await current?.catch(() => undefined);
    },
  };
}
