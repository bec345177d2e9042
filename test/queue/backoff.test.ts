import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextDelay, shouldGiveUp } from '../../src/queue/backoff.ts';

const base = { baseMs: 1_000, maxMs: 60_000, jitter: 0, random: 0 };

describe('nextDelay', () => {
  it('doubles from baseMs with no jitter and stops at maxMs', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => nextDelay({ ...base, attempt }));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('treats attempt 0, negatives, fractions and NaN as the first attempt (or its floor)', () => {
    expect(nextDelay({ ...base, attempt: 0 })).toBe(1_000);
    expect(nextDelay({ ...base, attempt: -3 })).toBe(1_000);
    expect(nextDelay({ ...base, attempt: Number.NaN })).toBe(1_000);
    expect(nextDelay({ ...base, attempt: 2.9 })).toBe(2_000);
  });

  it('stays at maxMs for huge attempt numbers instead of overflowing', () => {
    expect(nextDelay({ ...base, attempt: 5_000 })).toBe(60_000);
    expect(nextDelay({ ...base, attempt: Number.MAX_SAFE_INTEGER })).toBe(60_000);
  });

  it('full jitter spans 0..ceiling, equal jitter half..ceiling', () => {
    expect(nextDelay({ ...base, attempt: 3, jitter: 1, random: 0 })).toBe(4_000);
    expect(nextDelay({ ...base, attempt: 3, jitter: 1, random: 0.999_999 })).toBe(0);
    expect(nextDelay({ ...base, attempt: 3, jitter: 0.5, random: 0.5 })).toBe(3_000);
    expect(nextDelay({ ...base, attempt: 3, jitter: 0.5, random: 0.999_999 })).toBe(2_000);
  });

  it('clamps a jitter or random outside [0, 1]', () => {
    expect(nextDelay({ ...base, attempt: 1, jitter: 7, random: 0.5 })).toBe(500);
    expect(nextDelay({ ...base, attempt: 1, jitter: -1, random: 0.5 })).toBe(1_000);
    expect(nextDelay({ ...base, attempt: 1, jitter: 1, random: 3 })).toBe(0);
  });

  it('property: a whole number within [(1 - jitter) * ceiling, ceiling] and never above maxMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, extra, jitter, random) => {
          const maxMs = baseMs + extra;
          const delay = nextDelay({ attempt, baseMs, maxMs, jitter, random });
          const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(Math.floor((1 - jitter) * ceiling) - 1);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(delay).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });

  it('property: for the same random draw the delay never shrinks as attempts grow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, jitter, random) => {
          const opts = { baseMs: 250, maxMs: 3_600_000, jitter, random };
          expect(nextDelay({ ...opts, attempt: attempt + 1 })).toBeGreaterThanOrEqual(
            nextDelay({ ...opts, attempt }),
          );
        },
      ),
    );
  });
});

describe('shouldGiveUp', () => {
  const policy = { maxAttempts: 5, firstAttemptAt: 1_000_000, maxAgeMs: 3_600_000 };

  it('keeps going below both limits', () => {
    expect(shouldGiveUp({ ...policy, attempts: 4, now: 1_000_000 + 3_599_999 })).toEqual({ giveUp: false });
  });

  it('gives up at exactly maxAttempts', () => {
    expect(shouldGiveUp({ ...policy, attempts: 5, now: 1_000_000 })).toEqual({
      giveUp: true,
      reason: 'max-attempts',
    });
    expect(shouldGiveUp({ ...policy, attempts: 9, now: 1_000_000 })).toEqual({
      giveUp: true,
      reason: 'max-attempts',
    });
  });

  it('gives up at exactly maxAgeMs after the first attempt', () => {
    expect(shouldGiveUp({ ...policy, attempts: 1, now: 1_000_000 + 3_600_000 })).toEqual({
      giveUp: true,
      reason: 'max-age',
    });
  });

  it('names max-attempts first when both limits are reached', () => {
    expect(shouldGiveUp({ ...policy, attempts: 5, now: 9_999_999_999 })).toEqual({
      giveUp: true,
      reason: 'max-attempts',
    });
  });

  it('property: gives up exactly when attempts >= max or age >= max age', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (attempts, maxAttempts, age, maxAgeMs) => {
          const verdict = shouldGiveUp({
            attempts,
            maxAttempts,
            firstAttemptAt: 5_000,
            maxAgeMs,
            now: 5_000 + age,
          });
          expect(verdict.giveUp).toBe(attempts >= maxAttempts || age >= maxAgeMs);
        },
      ),
    );
  });
});
