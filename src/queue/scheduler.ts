/**
 * THE PORT the relay, the reconciler and the delivery worker program against. Postgres stays the
 * truth; a scheduler only decides *when* a delivery is handled. It holds ids, never delivery state:
 * losing everything it holds is repaired by the reconciler re-scheduling every unfinished delivery.
 * No driver types here (no BullMQ, Redis or pg): the adapters are `bullmq-scheduler.ts` and
 * `in-process-scheduler.ts`, and `test/queue/scheduler.contract.ts` holds them to the same semantics.
 */

/** What travels through the scheduler: the delivery's id plus what ordering and fairness need. */
export interface ScheduledDelivery {
  /** The delivery's id in Postgres (letters, digits, `.`, `_`, `-`; at most 200 characters). */
  readonly deliveryId: string;
  /** The receiving node; per-node concurrency and pausing key on it. */
  readonly nodeId: string;
  /** edXML Priority of the message, 0 (thường) … 4 (hỏa tốc hẹn giờ); ignored for status and receipt. */
  readonly priority: number;
  readonly kind: ScheduledKind;
}

/** A document package, a status package, or a receipt event for the sender. */
export type ScheduledKind = 'package' | 'status' | 'receipt';

/** What the handler tells the scheduler to do with the item it was given. */
export type HandlerResult =
  /** Finished for the scheduler (delivered, failed for good, or already finished in Postgres). */
  | { readonly kind: 'done' }
  /** An attempt was made and failed; offer the item again after `delayMs` (the next attempt). */
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** No attempt was made (the node's breaker is open); offer it again after `delayMs`, same attempt. */
  | { readonly kind: 'node-paused'; readonly delayMs: number };

/**
 * Handles one item. `attempt` is 1 + the retries this scheduler has seen for the item: a hint for
 * logs and headers; the worker counts attempts in Postgres, which survive a scheduler flush.
 * A handler that throws is treated as `retry` after the scheduler's `errorDelayMs`.
 */
export type DeliveryHandler = (item: ScheduledDelivery, attempt: number) => Promise<HandlerResult>;

/** How much work one process takes on. */
export interface SchedulerStartOptions {
  /** Items handled at the same time by this process (>= 1). */
  readonly concurrency: number;
  /** Items for one node handled at the same time by this process (>= 1). */
  readonly perNodeConcurrency: number;
}

/** Gauges for dashboards and alerts. */
export interface QueueStats {
  /** Items ready to run now (all priorities), not counting those in `delayed`. */
  readonly waiting: number;
  /** Items a handler is working on. */
  readonly active: number;
  /** Items waiting for their time: retries, scheduled delays, paused nodes, nodes at their limit. */
  readonly delayed: number;
  /** Items the scheduler itself gave up on (e.g. stalled too often); the reconciler brings them back. */
  readonly failed: number;
  /** How long the longest-ready item has been ready, in ms (approximate on BullMQ); null if none. */
  readonly oldestWaitingAgeMs: number | null;
  /** Processes (BullMQ workers) currently consuming. */
  readonly workers: number;
}

/** Schedules deliveries; one instance per process. */
export interface DeliveryScheduler {
  /** Human-readable backend name for logs and health: `redis`, `postgres`, `in-process`. */
  readonly backend: string;
  /** Idempotent: an id the scheduler already holds (waiting, delayed or active) is left alone. */
  schedule(items: readonly ScheduledDelivery[], opts?: { readonly delayMs?: number }): Promise<void>;
  /** Ids currently held (waiting, delayed, active): what the reconciler compares with Postgres. */
  heldIds(): Promise<Set<string>>;
  /** Starts consuming with `handler`. Call once per instance; resolves when consuming has begun. */
  start(handler: DeliveryHandler, opts: SchedulerStartOptions): Promise<void>;
  stats(): Promise<QueueStats>;
  /** Prometheus text exposition of the queue gauges, with `labels` added to every sample. */
  prometheusMetrics(labels?: Readonly<Record<string, string>>): Promise<string>;
  /** Stops taking items, waits for active handlers, releases connections. Safe to call twice. */
  close(): Promise<void>;
}
