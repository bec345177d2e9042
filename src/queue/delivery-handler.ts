import {
  type AttemptRecord,
  countsAgainstNode,
  type DeliveryOutcome,
  decideNext,
  type NextStep,
  type RetryPolicy,
} from './delivery-outcome.ts';
import type { NodeBreakers } from './node-breakers.ts';
import type { DeliveryHandler, ScheduledDelivery } from './scheduler.ts';

/** What the worker needs to know about a delivery before an attempt; read from Postgres. */
export interface DeliveryWork {
  readonly deliveryId: string;
  readonly nodeId: string;
  /** True once the delivery is delivered, failed, revoked or otherwise settled: nothing to do. */
  readonly finished: boolean;
  /** Attempts already recorded in Postgres (so the next one is attemptsSoFar + 1). */
  readonly attemptsSoFar: number;
  /** Start of the first recorded attempt; null before the first. */
  readonly firstAttemptAt: Date | null;
  /** The receiving node's retry policy. */
  readonly policy: RetryPolicy;
}

/**
 * The store side of the worker (the lead implements it over src/store). Postgres is the truth:
 * the worker reads the delivery there and writes every outcome there, never in the queue.
 */
export interface DeliveryWorkStore {
  /** Reads the delivery; null when it does not exist (any more). */
  load(deliveryId: string): Promise<DeliveryWork | null>;
  /**
   * Records one attempt and the state it leads to, in one transaction: the attempt row, the
   * delivery's new state (`retrying` with next_attempt_at, `delivered` or `failed`), its event,
   * and, for a settled delivery, the receipt event's outbox entry.
   */
  recordAttempt(
    work: DeliveryWork,
    attempt: AttemptRecord,
    outcome: DeliveryOutcome,
    next: NextStep,
  ): Promise<void>;
}

/** Makes one attempt (webhook push, peer hub hand-over); classifies, never throws for the receiver. */
export type AttemptDelivery = (work: DeliveryWork, attempt: number, now: Date) => Promise<DeliveryOutcome>;

export interface DeliveryHandlerDeps {
  readonly store: DeliveryWorkStore;
  readonly attempt: AttemptDelivery;
  readonly breakers: NodeBreakers;
  /** Epoch ms. */
  readonly now?: () => number;
  /** In [0, 1), for backoff jitter. */
  readonly random?: () => number;
}

/**
 * The handler a scheduler runs for each item: skip what Postgres says is finished, respect the
 * node's circuit breaker (a paused node costs no attempt and no worker time), attempt, feed the
 * breaker, decide the next step with the node's policy, record it, and tell the scheduler when
 * to come back. Driver-free: it sees the store and the sender only through the ports above.
 */
export function createDeliveryHandler(deps: DeliveryHandlerDeps): DeliveryHandler {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  return async function handleDelivery(item: ScheduledDelivery) {
    const work = await deps.store.load(item.deliveryId);
    if (work === null || work.finished) return { kind: 'done' };

    const admission = deps.breakers.admit(work.nodeId, now());
    if (admission.decision === 'reject') {
      // Spread the paused node's items a little, so they do not all return in the same instant.
      const delayMs = Math.round(admission.retryInMs * (1 + 0.1 * random()));
      return { kind: 'node-paused', delayMs };
    }

    const attemptNo = work.attemptsSoFar + 1;
    const startedAt = now();
    const outcome = await deps.attempt(work, attemptNo, new Date(startedAt));
    const finishedAt = now();
    if (countsAgainstNode(outcome)) deps.breakers.failure(work.nodeId, finishedAt);
    else deps.breakers.success(work.nodeId, finishedAt);

    const next = decideNext({
      outcome,
      attempts: attemptNo,
      firstAttemptAt: work.firstAttemptAt?.getTime() ?? startedAt,
      policy: work.policy,
      now: finishedAt,
      random: random(),
    });
    await deps.store.recordAttempt(work, outcome.attempt, outcome, next);
    return next.next === 'retry' ? { kind: 'retry', delayMs: next.delayMs } : { kind: 'done' };
  };
}
