import { AsyncResource } from 'node:async_hooks';
import { LienthongError } from '../core/index.ts';
import { MinHeap } from './min-heap.ts';
import { dispatchRank } from './priority.ts';
import type {
  DeliveryHandler,
  DeliveryScheduler,
  HandlerResult,
  QueueStats,
  ScheduledDelivery,
  SchedulerStartOptions,
} from './scheduler.ts';
import { assertSchedulable, assertStartOptions } from './scheduler-checks.ts';

export interface InProcessSchedulerOptions {
  /** Name used in metrics (the `queue` label), like a BullMQ queue name. */
  readonly queueName?: string;
  /** Delay before offering again an item whose handler threw, ms. */
  readonly errorDelayMs?: number;
  readonly onError?: (error: unknown, item?: ScheduledDelivery) => void;
  /** Clock in epoch ms. Timers still use the real `setTimeout`. */
  readonly now?: () => number;
}

interface Entry {
  readonly item: ScheduledDelivery;
  readonly rank: number;
  attempt: number;
  /** When the entry is (or became) ready, epoch ms. */
  readyAt: number;
  /** FIFO order among ready entries of the same rank. */
  seq: number;
  state: 'delayed' | 'waiting' | 'active';
}

const byPriority = (a: Entry, b: Entry) => a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq);
const byDue = (a: Entry, b: Entry) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);

/**
 * A {@link DeliveryScheduler} held in this process's memory, for the embedded mode (no REDIS_URL).
 * It holds only ids, like the BullMQ adapters: after a restart it is empty, and the reconciler
 * schedules again every unfinished delivery from Postgres (the outbox is the durable part).
 * Unlike BullMQ it can keep a node's surplus items waiting per node, so a node at its limit never
 * costs a dispatch; the observable semantics are the same (see the contract suite).
 */
export function createInProcessScheduler(options: InProcessSchedulerOptions = {}): DeliveryScheduler {
  const queueName = options.queueName ?? 'lienthong-deliveries';
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const errorDelayMs = options.errorDelayMs ?? 10_000;

  const held = new Map<string, Entry>();
  const waitingByNode = new Map<string, MinHeap<Entry>>();
  const activeByNode = new Map<string, number>();
  const delayed = new MinHeap<Entry>(byDue);
  const running = new Set<Promise<void>>();
  let waitingCount = 0;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Number.POSITIVE_INFINITY;
  let handler: DeliveryHandler | undefined;
  let limits: SchedulerStartOptions | undefined;
  let closed = false;
  let completedTotal = 0;

  const makeReady = (entry: Entry) => {
    entry.state = 'waiting';
    entry.seq = seq++;
    let heap = waitingByNode.get(entry.item.nodeId);
    if (heap === undefined) {
      heap = new MinHeap<Entry>(byPriority);
      waitingByNode.set(entry.item.nodeId, heap);
    }
    heap.push(entry);
    waitingCount += 1;
  };

  const delay = (entry: Entry, delayMs: number) => {
    entry.state = 'delayed';
    entry.readyAt = now() + Math.max(0, Math.round(delayMs));
    entry.seq = seq++;
    delayed.push(entry);
  };

  const promoteDue = () => {
    const t = now();
    for (let next = delayed.peek(); next !== undefined && next.readyAt <= t; next = delayed.peek()) {
      delayed.pop();
      makeReady(next);
    }
  };

  const armTimer = () => {
    const next = delayed.peek();
    if (closed || next === undefined) return;
    if (timer !== undefined && timerDue <= next.readyAt) return;
    if (timer !== undefined) clearTimeout(timer);
    timerDue = next.readyAt;
    timer = setTimeout(
      () => {
        timer = undefined;
        timerDue = Number.POSITIVE_INFINITY;
        pump();
      },
      Math.max(0, next.readyAt - now()),
    );
    // The scheduler never keeps a process alive on its own; the server or worker loop does.
    timer.unref();
  };

  /** Picks the best ready entry among nodes below their limit: O(nodes) per dispatch. */
  const takeNext = (perNode: number): Entry | undefined => {
    let best: Entry | undefined;
    let bestHeap: MinHeap<Entry> | undefined;
    for (const [nodeId, heap] of waitingByNode) {
      const head = heap.peek();
      if (head === undefined) {
        waitingByNode.delete(nodeId);
        continue;
      }
      if ((activeByNode.get(nodeId) ?? 0) >= perNode) continue;
      if (best === undefined || byPriority(head, best)) {
        best = head;
        bestHeap = heap;
      }
    }
    bestHeap?.pop();
    if (best !== undefined) waitingCount -= 1;
    return best;
  };

  // Handlers run in the scheduler's own async context, not in the caller's: a relay schedules from
  // inside its database transaction, and a handler that inherited that context would be taken for
  // code running inside the transaction (the store refuses that: STORE_TX_MISUSE).
  const context = new AsyncResource('LienthongInProcessScheduler');
  const pump = () => context.runInAsyncScope(pumpNow);
  const pumpNow = () => {
    if (closed) return;
    promoteDue();
    if (handler !== undefined && limits !== undefined) {
      while (running.size < limits.concurrency) {
        const entry = takeNext(limits.perNodeConcurrency);
        if (entry === undefined) break;
        run(entry, handler);
      }
    }
    armTimer();
  };

  const run = (entry: Entry, handle: DeliveryHandler) => {
    const nodeId = entry.item.nodeId;
    entry.state = 'active';
    activeByNode.set(nodeId, (activeByNode.get(nodeId) ?? 0) + 1);
    const task = (async () => {
      let result: HandlerResult;
      try {
        result = await handle(entry.item, entry.attempt);
      } catch (error) {
        onError(
          new LienthongError('QUEUE_HANDLER_ERROR', 'delivery handler threw', { cause: error }),
          entry.item,
        );
        result = { kind: 'retry', delayMs: errorDelayMs };
      }
      const left = (activeByNode.get(nodeId) ?? 1) - 1;
      if (left <= 0) activeByNode.delete(nodeId);
      else activeByNode.set(nodeId, left);
      if (closed || result.kind === 'done') {
        held.delete(entry.item.deliveryId);
        if (result.kind === 'done') completedTotal += 1;
        return;
      }
      if (result.kind === 'retry') entry.attempt += 1;
      delay(entry, result.delayMs);
    })();
    running.add(task);
    void task.finally(() => {
      running.delete(task);
      pump();
    });
  };

  return {
    backend: 'in-process',

    async schedule(items, opts) {
      if (closed) throw new LienthongError('QUEUE_CLOSED', 'scheduler closed', { where: 'queue' });
      assertSchedulable(items);
      const delayMs = Math.max(0, Math.round(opts?.delayMs ?? 0));
      for (const item of items) {
        if (held.has(item.deliveryId)) continue;
        const entry: Entry = {
          item: {
            deliveryId: item.deliveryId,
            nodeId: item.nodeId,
            priority: item.priority,
            kind: item.kind,
          },
          rank: dispatchRank(item),
          attempt: 1,
          readyAt: now(),
          seq: 0,
          state: 'waiting',
        };
        held.set(item.deliveryId, entry);
        if (delayMs > 0) delay(entry, delayMs);
        else makeReady(entry);
      }
      pump();
    },

    async heldIds() {
      return new Set(held.keys());
    },

    async start(handle, startOptions) {
      if (handler !== undefined) {
        throw new LienthongError('QUEUE_ALREADY_STARTED', 'scheduler already started', {
          where: 'queue.start',
        });
      }
      if (closed) throw new LienthongError('QUEUE_CLOSED', 'scheduler closed', { where: 'queue' });
      assertStartOptions(startOptions);
      handler = handle;
      limits = { ...startOptions };
      pump();
    },

    async stats(): Promise<QueueStats> {
      let oldest: number | null = null;
      for (const heap of waitingByNode.values()) {
        for (const entry of heap.values())
          if (oldest === null || entry.readyAt < oldest) oldest = entry.readyAt;
      }
      return {
        waiting: waitingCount,
        active: running.size,
        delayed: delayed.size,
        failed: 0,
        oldestWaitingAgeMs: oldest === null ? null : Math.max(0, now() - oldest),
        workers: handler !== undefined && !closed ? 1 : 0,
      };
    },

    async prometheusMetrics(labels) {
      // The same metric names as BullMQ's exporter, so dashboards work in both modes.
      const stats = await this.stats();
      const extra = Object.entries(labels ?? {})
        .map(([key, value]) => `, ${key}="${escapeLabel(value)}"`)
        .join('');
      const q = `queue="${escapeLabel(queueName)}"`;
      const states: [string, number][] = [
        ['active', stats.active],
        ['delayed', stats.delayed],
        ['failed', stats.failed],
        ['prioritized', stats.waiting],
        ['waiting', 0],
      ];
      return [
        '# HELP bullmq_job_count Number of jobs in the queue by state',
        '# TYPE bullmq_job_count gauge',
        ...states.map(([state, count]) => `bullmq_job_count{${q}, state="${state}"${extra}} ${count}`),
        '# HELP bullmq_job_completed_total Total number of completed jobs',
        '# TYPE bullmq_job_completed_total counter',
        `bullmq_job_completed_total{${q}${extra}} ${completedTotal}`,
      ].join('\n');
    },

    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await Promise.allSettled([...running]);
      held.clear();
      waitingByNode.clear();
    },
  };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
