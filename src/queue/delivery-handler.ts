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
 * The store side of the worker (implemented over src/store by `createStoreWorkStore`). Postgres is
 * the truth: the worker reads the delivery there and writes every outcome there, never in the queue.
 * `W` is what the store's `load` returns: DeliveryWork plus whatever the attempt needs (the bytes,
 * the node's URL and secret).
 */
export interface DeliveryWorkStore<W extends DeliveryWork = DeliveryWork> {
  /** Reads the delivery; null when it does not exist (any more). */
  load(deliveryId: string): Promise<W | null>;
  /**
   * Optional: claims the delivery for attempt number `attempt` just before it is made (e.g. state
   * `sending` with a lease, in one statement). No attempt is made unless it says `begun`: `gone`
   * when the delivery changed since `load` (acknowledged, revoked, settled: done for the scheduler),
   * `held` while another worker holds it (offered again after `retryInMs`, when that hold ends).
   */
  begin?(work: W, attempt: number, at: Date): Promise<BeginResult>;
  /**
   * Records one attempt and the state it leads to, in one transaction: the attempt row, the
   * delivery's new state (`retrying` with next_attempt_at, `delivered` or `failed`), its event,
   * and, for a settled delivery, the receipt event's outbox entry.
   */
  recordAttempt(work: W, attempt: AttemptRecord, outcome: DeliveryOutcome, next: NextStep): Promise<void>;
}

/** What {@link DeliveryWorkStore.begin} decided. */
export type BeginResult =
  | { readonly kind: 'begun' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'held'; readonly retryInMs: number };

/** Makes one attempt (webhook push, peer hub hand-over); classifies, never throws for the receiver. */
export type AttemptDelivery<W extends DeliveryWork = DeliveryWork> = (
  work: W,
  attempt: number,
  now: Date,
) => Promise<DeliveryOutcome>;

export interface DeliveryHandlerDeps<W extends DeliveryWork = DeliveryWork> {
  readonly store: DeliveryWorkStore<W>;
  readonly attempt: AttemptDelivery<W>;
  readonly breakers: NodeBreakers;
  /** Epoch ms. */
  readonly now?: () => number;
  /** In [0, 1), for backoff jitter. */
  readonly random?: () => number;
  /** Told about every attempt made and the step decided (metrics, logs). */
  readonly onAttempt?: (work: W, outcome: DeliveryOutcome, next: NextStep) => void;
}

/**
 * The handler a scheduler runs for each item: skip what Postgres says is finished, respect the
 * node's circuit breaker (a paused node costs no attempt and no worker time), attempt, feed the
 * breaker, decide the next step with the node's policy, record it, and tell the scheduler when
 * to come back. Driver-free: it sees the store and the sender only through the ports above.
 */
export function createDeliveryHandler<W extends DeliveryWork>(deps: DeliveryHandlerDeps<W>): DeliveryHandler {
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
    let startedAt = now();
    if (deps.store.begin !== undefined) {
      // Someone else settled or holds it: no attempt. A probe slot taken by `admit` frees itself
      // after the breaker's probeTimeoutMs; this is rare enough not to need more.
      const claim = await deps.store.begin(work, attemptNo, new Date(startedAt));
      if (claim.kind === 'gone') return { kind: 'done' };
      // Same attempt, later: `node-paused` is the scheduler's "no attempt was made" result.
      if (claim.kind === 'held') return { kind: 'node-paused', delayMs: Math.max(1, claim.retryInMs) };
      startedAt = now();
    }
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
    deps.onAttempt?.(work, outcome, next);
    return next.next === 'retry' ? { kind: 'retry', delayMs: next.delayMs } : { kind: 'done' };
  };
}
