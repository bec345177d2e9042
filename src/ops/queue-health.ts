import type { DeliveryScheduler, NodeBreakers } from '../queue/index.ts';
import { countDeliveriesByState, countPendingOutbox, type Db } from '../store/index.ts';

/** One queue's gauges, as GET /ops/queues and `lienthong queues` show them. */
export interface QueueHealth {
  readonly name: string;
  readonly backend: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  /** How long the longest-ready item has waited, ms; null when nothing waits. */
  readonly oldestWaitingAgeMs: number | null;
  /** Worker processes consuming the queue (this process only for the in-process scheduler). */
  readonly workers: number;
}

/** Queue health for operators: the scheduler's gauges next to what Postgres says. */
export interface QueuesReport {
  readonly queues: readonly QueueHealth[];
  /** Outbox rows not yet relayed. */
  readonly outboxPending: number;
  /** Deliveries by state in Postgres (the truth; the queue only schedules them). */
  readonly deliveries: Readonly<Record<'queued' | 'sending' | 'retrying' | 'failed', number>>;
  /** Nodes paused by this process's circuit breakers (per process). */
  readonly pausedNodes: ReadonlyArray<{
    readonly nodeId: string;
    readonly state: 'open' | 'half-open';
    readonly until: string | null;
  }>;
  /** The process that answered: its role and pid. */
  readonly process: { readonly role: string; readonly pid: number };
  readonly at: string;
}

/** Builds the report; throws QUEUE_BACKEND_UNAVAILABLE when the queue backend does not answer. */
export async function queuesReport(deps: {
  readonly db: Db;
  readonly scheduler: DeliveryScheduler;
  readonly queueName: string;
  readonly breakers: NodeBreakers | null;
  readonly role: string;
  readonly now: Date;
}): Promise<QueuesReport> {
  const [stats, outboxPending, deliveries] = await Promise.all([
    deps.scheduler.stats(),
    countPendingOutbox(deps.db),
    countDeliveriesByState(deps.db),
  ]);
  const pausedNodes: QueuesReport['pausedNodes'][number][] = [];
  for (const { nodeId, state } of deps.breakers?.snapshot() ?? []) {
    if (state.kind === 'open')
      pausedNodes.push({ nodeId, state: 'open', until: new Date(state.until).toISOString() });
    else if (state.kind === 'half-open') pausedNodes.push({ nodeId, state: 'half-open', until: null });
  }
  return {
    queues: [{ name: deps.queueName, backend: deps.scheduler.backend, ...stats }],
    outboxPending,
    deliveries,
    pausedNodes,
    process: { role: deps.role, pid: process.pid },
    at: deps.now.toISOString(),
  };
}
