/**
 * Retry timing, pure: the caller passes the clock (`now`, epoch ms) and the randomness (`random`,
 * a number in [0, 1)), so every delay is reproducible in tests.
 */

/** Inputs of {@link nextDelay}. */
export interface NextDelayInput {
  /** Attempts made so far (1 after the first failed attempt). Values below 1 are treated as 1. */
  readonly attempt: number;
  /** Delay after the first failed attempt, in ms (> 0). */
  readonly baseMs: number;
  /** Upper bound of any delay, in ms (>= baseMs). */
  readonly maxMs: number;
  /**
   * Share of the delay that is randomised, 0..1: 0 = none, 0.5 = "equal jitter", 1 = "full jitter".
   * Jitter spreads the retries of many deliveries that failed together (a node coming back up).
   */
  readonly jitter: number;
  /** A number in [0, 1); pass `Math.random()` in production. */
  readonly random: number;
}

/**
 * Exponential backoff with jitter: the ceiling `min(maxMs, baseMs * 2^(attempt-1))` is reduced by up
 * to `jitter` of itself. Whole milliseconds, never negative, never above `maxMs`.
 */
export function nextDelay(input: NextDelayInput): number {
  const { baseMs, maxMs } = input;
  const attempt = Number.isFinite(input.attempt) ? Math.max(1, Math.floor(input.attempt)) : 1;
  const jitter = clamp(input.jitter, 0, 1);
  const random = clamp(input.random, 0, 1);
  // 2^(attempt-1) overflows to Infinity past ~1024 attempts; min() keeps it at maxMs.
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  const delay = ceiling * (1 - jitter * random);
  return Math.max(0, Math.min(maxMs, Math.floor(delay)));
}

/** Inputs of {@link shouldGiveUp}. */
export interface GiveUpInput {
  /** Attempts made so far, including the one that just failed. */
  readonly attempts: number;
  /** Most attempts a delivery may make (>= 1). */
  readonly maxAttempts: number;
  /** When the first attempt started (epoch ms). */
  readonly firstAttemptAt: number;
  /** Longest time a delivery may keep retrying, counted from its first attempt (ms). */
  readonly maxAgeMs: number;
  /** Current time (epoch ms). */
  readonly now: number;
}

/** Why a delivery stops retrying. */
export type GiveUpReason = 'max-attempts' | 'max-age';

/** Either keep going, or give up with a reason the worker records. */
export type GiveUpVerdict =
  | { readonly giveUp: false }
  | { readonly giveUp: true; readonly reason: GiveUpReason };

/** Gives up once the attempts are used up or the delivery is older than `maxAgeMs`. */
export function shouldGiveUp(input: GiveUpInput): GiveUpVerdict {
  if (input.attempts >= input.maxAttempts) return { giveUp: true, reason: 'max-attempts' };
  if (input.now - input.firstAttemptAt >= input.maxAgeMs) return { giveUp: true, reason: 'max-age' };
  return { giveUp: false };
}

function clamp(value: number, low: number, high: number): number {
  if (Number.isNaN(value)) return low;
  return Math.min(high, Math.max(low, value));
}
