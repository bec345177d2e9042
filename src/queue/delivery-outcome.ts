import { type GiveUpReason, nextDelay, shouldGiveUp } from './backoff.ts';

/** What one delivery attempt did: exactly what the worker records per attempt. */
export interface AttemptRecord {
  /** 1-based number of this attempt for the delivery. */
  readonly attempt: number;
  /** When the attempt started. */
  readonly startedAt: Date;
  /** Wall time of the attempt, in ms (monotonic clock). */
  readonly durationMs: number;
  /** HTTP status of the answer, or null when none arrived (connect error, timeout). */
  readonly httpStatus: number | null;
  /** Stable code (`WEBHOOK_*`, `PEER_*`) when the attempt did not deliver; null when it did. */
  readonly errorCode: string | null;
  /** Short, safe detail (a socket error code, the start of the receiver's answer); never secrets. */
  readonly errorDetail: string | null;
}

/** A peer hub's answer to a hand-over: which hub accepted, when, and which recipients it refused. */
export interface ForwardAnswer {
  /** The hub that accepted (its LIENTHONG_HUB_ID). */
  readonly hub: string;
  readonly acceptedAt: string | null;
  /** Recipients (as addressed) the next hub cannot route, with its code: they fail here. */
  readonly refused: ReadonlyArray<{
    readonly organId: string;
    readonly code: string;
    readonly reason: string;
  }>;
}

/** The result of one attempt, classified: the union the worker acts on. */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly attempt: AttemptRecord }
  /** A peer hub accepted the delivery: it is `forwarded` until the final hub reports it delivered. */
  | { readonly kind: 'forwarded'; readonly attempt: AttemptRecord; readonly answer: ForwardAnswer }
  /** Worth trying again: timeouts, network errors, 408, 429, 5xx. `retryAfterMs` from Retry-After. */
  | { readonly kind: 'retry'; readonly attempt: AttemptRecord; readonly retryAfterMs?: number }
  /** Trying again cannot help: the receiver refused this delivery (4xx other than 408/429). */
  | { readonly kind: 'permanent'; readonly attempt: AttemptRecord };

/** Retry tuning, configurable per node. */
export interface RetryPolicy {
  /** Most attempts per delivery, the first included (>= 1). */
  readonly maxAttempts: number;
  /** Longest time a delivery keeps retrying, counted from its first attempt (ms). */
  readonly maxAgeMs: number;
  /** Backoff after the first failed attempt (ms). */
  readonly baseDelayMs: number;
  /** Backoff ceiling (ms). */
  readonly maxDelayMs: number;
  /** Randomised share of each delay, 0..1 (see `nextDelay`). */
  readonly jitter: number;
}

/** 2 s doubling to 30 min, at most 20 attempts and 72 h: a weekend-long outage is still delivered. */
export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 20,
  maxAgeMs: 72 * 3_600_000,
  baseDelayMs: 2_000,
  maxDelayMs: 30 * 60_000,
  jitter: 0.5,
});

/** Why a delivery ends as failed. */
export type FailReason = 'permanent' | GiveUpReason;

/** What the worker does next with a delivery. */
export type NextStep =
  | { readonly next: 'delivered' }
  | { readonly next: 'forwarded'; readonly answer: ForwardAnswer }
  | { readonly next: 'retry'; readonly retryAt: number; readonly delayMs: number }
  | { readonly next: 'failed'; readonly reason: FailReason };

/** Inputs of {@link decideNext}; time and randomness are passed in. */
export interface DecideNextInput {
  readonly outcome: DeliveryOutcome;
  /** Attempts made so far, including the one `outcome` describes. */
  readonly attempts: number;
  /** When the first attempt of this delivery started (epoch ms). */
  readonly firstAttemptAt: number;
  readonly policy: RetryPolicy;
  /** Current time (epoch ms). */
  readonly now: number;
  /** A number in [0, 1) for the jitter. */
  readonly random: number;
}

/**
 * Decides the next step after an attempt. A retry waits the larger of the backoff and the node's
 * Retry-After, but never past the delivery's maximum age: a backoff that would overshoot is cut to
 * the deadline (one last try), while a Retry-After that overshoots means the node will not take it
 * in time, so the delivery fails now instead of waiting for nothing.
 */
export function decideNext(input: DecideNextInput): NextStep {
  const { outcome, attempts, firstAttemptAt, policy, now } = input;
  if (outcome.kind === 'delivered') return { next: 'delivered' };
  if (outcome.kind === 'forwarded') return { next: 'forwarded', answer: outcome.answer };
  if (outcome.kind === 'permanent') return { next: 'failed', reason: 'permanent' };

  const verdict = shouldGiveUp({
    attempts,
    maxAttempts: policy.maxAttempts,
    firstAttemptAt,
    maxAgeMs: policy.maxAgeMs,
    now,
  });
  if (verdict.giveUp) return { next: 'failed', reason: verdict.reason };

  const deadline = firstAttemptAt + policy.maxAgeMs;
  const retryAfterMs = Math.max(0, outcome.retryAfterMs ?? 0);
  if (now + retryAfterMs > deadline) return { next: 'failed', reason: 'max-age' };

  const backoff = nextDelay({
    attempt: attempts,
    baseMs: policy.baseDelayMs,
    maxMs: policy.maxDelayMs,
    jitter: policy.jitter,
    random: input.random,
  });
  const retryAt = Math.min(deadline, now + Math.max(backoff, retryAfterMs));
  return { next: 'retry', retryAt, delayMs: retryAt - now };
}

/**
 * Whether the outcome counts against the node's circuit breaker. A refusal (4xx) proves the node
 * is up and answering, so only retryable outcomes (timeouts, network errors, 408/429/5xx) count.
 */
export function countsAgainstNode(outcome: DeliveryOutcome): boolean {
  return outcome.kind === 'retry';
}

/**
 * The stable code to store as a failed delivery's last error: the receiver's refusal code for a
 * permanent failure, otherwise why the hub gave up (`QUEUE_GAVE_UP_*`).
 */
export function failureCode(reason: FailReason, lastAttempt: AttemptRecord): string {
  switch (reason) {
    case 'permanent':
      return lastAttempt.errorCode ?? 'QUEUE_GAVE_UP_MAX_ATTEMPTS';
    case 'max-attempts':
      return 'QUEUE_GAVE_UP_MAX_ATTEMPTS';
    case 'max-age':
      return 'QUEUE_GAVE_UP_MAX_AGE';
  }
}
