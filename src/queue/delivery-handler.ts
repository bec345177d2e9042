import {
  type AttemptRecord,
  countsAgainstNode,
  type DeliveryOutcome,
  decideNext,
  type NextStep,
  type RetryPolicy,
} from './delivery-outcome.ts';
import type { NodeBreakers } from './node-breakers.ts';
import type { DeliveryHandler, HandlerResult, ScheduledDelivery } from './scheduler.ts';

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
   * Optional, and then used instead of `load`: reads the delivery and claims it for its next attempt
   * in one step (e.g. state `sending` with a lease, in one statement). No attempt is made unless it
   * says `claimed`: `gone` when there is nothing to push (settled, acknowledged, revoked, a polling
   * node: done for the scheduler), `held` while another worker holds it (offered again after
   * `retryInMs`, when that hold ends). The claimed work's `attemptsSoFar` excludes the claimed one.
   */
  claim?(deliveryId: string, at: Date): Promise<ClaimResult<W>>;
  /**
   * Records one attempt and the state it leads to, in one transaction: the attempt row, the
   * delivery's new state (`retrying` with next_attempt_at, `delivered` or `failed`), its event,
   * and, for a settled delivery, the receipt event's outbox entry.
   */
  recordAttempt(work: W, attempt: AttemptRecord, outcome: DeliveryOutcome, next: NextStep): Promise<void>;
}

/** What {@link DeliveryWorkStore.claim} decided. */
export type ClaimResult<W> =
  | { readonly kind: 'claimed'; readonly work: W }
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
  const paused = (retryInMs: number): { result: HandlerResult } => ({
    result: {
      kind: 'node-paused',
      // Spread the paused node's items a little, so they do not all return in the same instant.
      delayMs: Math.round(retryInMs * (1 + 0.1 * random())),
    },
  });
  const done = { result: { kind: 'done' } } as const;
  /** The work to attempt now, or what to tell the scheduler instead. */
  const prepare = async (item: ScheduledDelivery): Promise<{ work: W } | { result: HandlerResult }> => {
    if (deps.store.claim === undefined) {
      const work = await deps.store.load(item.deliveryId);
      if (work === null || work.finished) return done;
      const admission = deps.breakers.admit(work.nodeId, now());
      return admission.decision === 'reject' ? paused(admission.retryInMs) : { work };
    }
    // The breaker first (the item names its node): a paused node costs not even a database trip.
    const admittedAt = now();
    const admission = deps.breakers.admit(item.nodeId, admittedAt);
    if (admission.decision === 'reject') return paused(admission.retryInMs);
    const claim = await deps.store.claim(item.deliveryId, new Date(admittedAt));
    // No request follows: a probe slot taken by `admit` is given back at once (with hand-overs to a
    // peer hub that carry a message's other recipients too, their own items often find nothing) —
    // as is one taken on a node the delivery no longer goes to (the directory moved it meanwhile).
    const probed = admission.decision === 'probe';
    if (probed && (claim.kind !== 'claimed' || claim.work.nodeId !== item.nodeId)) {
      deps.breakers.release(item.nodeId, admittedAt);
    }
    if (claim.kind === 'gone') return done;
    // Same attempt, later: `node-paused` is the scheduler's "no attempt was made" result.
    if (claim.kind === 'held')
      return { result: { kind: 'node-paused', delayMs: Math.max(1, claim.retryInMs) } };
    return { work: claim.work };
  };

  return async function handleDelivery(item: ScheduledDelivery) {
    const prepared = await prepare(item);
    if ('result' in prepared) return prepared.result;
    const { work } = prepared;
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
    deps.onAttempt?.(work, outcome, next);
    return next.next === 'retry' ? { kind: 'retry', delayMs: next.delayMs } : { kind: 'done' };
  };
}
