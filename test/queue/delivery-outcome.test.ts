import { describe, expect, it } from 'vitest';
import {
  type AttemptRecord,
  countsAgainstNode,
  type DeliveryOutcome,
  decideNext,
  defaultRetryPolicy,
  failureCode,
  type RetryPolicy,
} from '../../src/queue/delivery-outcome.ts';

const attempt: AttemptRecord = {
  attempt: 1,
  startedAt: new Date(0),
  durationMs: 12,
  httpStatus: 503,
  errorCode: 'WEBHOOK_HTTP_RETRYABLE',
  errorDetail: null,
};
const policy: RetryPolicy = {
  maxAttempts: 5,
  maxAgeMs: 3_600_000,
  baseDelayMs: 1_000,
  maxDelayMs: 600_000,
  jitter: 0,
};
const T0 = 1_700_000_000_000;
const input = (outcome: DeliveryOutcome, attempts: number, now: number) => ({
  outcome,
  attempts,
  firstAttemptAt: T0,
  policy,
  now,
  random: 0,
});

describe('decideNext', () => {
  it('delivered is final', () => {
    expect(decideNext(input({ kind: 'delivered', attempt }, 3, T0))).toEqual({ next: 'delivered' });
  });

  it('permanent fails at once, whatever attempts remain', () => {
    expect(decideNext(input({ kind: 'permanent', attempt }, 1, T0))).toEqual({
      next: 'failed',
      reason: 'permanent',
    });
  });

  it('retry backs off exponentially from the attempts made', () => {
    expect(decideNext(input({ kind: 'retry', attempt }, 1, T0))).toEqual({
      next: 'retry',
      retryAt: T0 + 1_000,
      delayMs: 1_000,
    });
    expect(decideNext(input({ kind: 'retry', attempt }, 3, T0 + 10))).toEqual({
      next: 'retry',
      retryAt: T0 + 10 + 4_000,
      delayMs: 4_000,
    });
  });

  it('honours a Retry-After longer than the backoff, and ignores a shorter one', () => {
    expect(decideNext(input({ kind: 'retry', attempt, retryAfterMs: 120_000 }, 1, T0))).toMatchObject({
      next: 'retry',
      delayMs: 120_000,
    });
    expect(decideNext(input({ kind: 'retry', attempt, retryAfterMs: 10 }, 2, T0))).toMatchObject({
      next: 'retry',
      delayMs: 2_000,
    });
  });

  it('fails with max-attempts when the last allowed attempt failed', () => {
    expect(decideNext(input({ kind: 'retry', attempt }, 5, T0))).toEqual({
      next: 'failed',
      reason: 'max-attempts',
    });
  });

  it('fails with max-age once the delivery is older than maxAgeMs', () => {
    expect(decideNext(input({ kind: 'retry', attempt }, 2, T0 + 3_600_000))).toEqual({
      next: 'failed',
      reason: 'max-age',
    });
  });

  it('cuts a backoff that would pass the deadline down to the deadline (one last try)', () => {
    const now = T0 + 3_600_000 - 500;
    expect(decideNext(input({ kind: 'retry', attempt }, 3, now))).toEqual({
      next: 'retry',
      retryAt: T0 + 3_600_000,
      delayMs: 500,
    });
  });

  it('fails now when Retry-After asks to wait past the deadline', () => {
    const now = T0 + 3_000_000;
    expect(decideNext(input({ kind: 'retry', attempt, retryAfterMs: 700_000 }, 2, now))).toEqual({
      next: 'failed',
      reason: 'max-age',
    });
  });

  it('applies jitter from the random draw', () => {
    const jittery = { ...policy, jitter: 1 };
    const step = decideNext({ ...input({ kind: 'retry', attempt }, 2, T0), policy: jittery, random: 0.75 });
    expect(step).toEqual({ next: 'retry', retryAt: T0 + 500, delayMs: 500 });
  });

  it('default policy allows a long outage', () => {
    expect(defaultRetryPolicy.maxAttempts).toBe(20);
    expect(defaultRetryPolicy.maxAgeMs).toBe(72 * 3_600_000);
  });
});

describe('countsAgainstNode', () => {
  it('counts only retryable outcomes against the breaker', () => {
    expect(countsAgainstNode({ kind: 'retry', attempt })).toBe(true);
    expect(countsAgainstNode({ kind: 'permanent', attempt })).toBe(false);
    expect(countsAgainstNode({ kind: 'delivered', attempt })).toBe(false);
  });
});

describe('failureCode', () => {
  it('keeps the receiver’s refusal code, and names the limit otherwise', () => {
    const refused = { ...attempt, httpStatus: 404, errorCode: 'WEBHOOK_HTTP_REJECTED' };
    expect(failureCode('permanent', refused)).toBe('WEBHOOK_HTTP_REJECTED');
    expect(failureCode('max-attempts', attempt)).toBe('QUEUE_GAVE_UP_MAX_ATTEMPTS');
    expect(failureCode('max-age', attempt)).toBe('QUEUE_GAVE_UP_MAX_AGE');
  });
});
