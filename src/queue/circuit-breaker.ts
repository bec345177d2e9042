/**
 * Circuit breaker for one receiving node, as a pure state machine: every function takes the state
 * and `now` (epoch ms) and returns the next state. Nothing here reads the clock or keeps state.
 *
 *   closed ──(failureThreshold consecutive failures)──▶ open
 *   open ──(now >= until; next admit)──▶ half-open (that admit is a probe)
 *   half-open ──(halfOpenProbes successes)──▶ closed
 *   half-open ──(any failure)──▶ open again, for twice as long (capped at maxOpenMs)
 */

/** Tuning of a breaker; per node if the operator wants. */
export interface BreakerConfig {
  /** Consecutive failures that open the breaker (>= 1). */
  readonly failureThreshold: number;
  /** How long the breaker stays open the first time, in ms. */
  readonly openMs: number;
  /** Ceiling for the open duration, which doubles each time a half-open probe fails. */
  readonly maxOpenMs: number;
  /** Probes allowed in flight while half-open, and successes needed to close (>= 1). */
  readonly halfOpenProbes: number;
  /** A probe that has not reported after this long (ms) no longer holds a probe slot. */
  readonly probeTimeoutMs: number;
  /** How long a request turned away while half-open (all probe slots taken) should wait, in ms. */
  readonly halfOpenWaitMs: number;
}

/** Defaults: open after 5 failures in a row for 30 s, up to 10 min; one probe at a time. */
export const defaultBreakerConfig: BreakerConfig = Object.freeze({
  failureThreshold: 5,
  openMs: 30_000,
  maxOpenMs: 600_000,
  halfOpenProbes: 1,
  probeTimeoutMs: 60_000,
  halfOpenWaitMs: 2_000,
});

/** The breaker's state; `reopenCount` counts failed half-open rounds since the breaker last closed. */
export type BreakerState =
  | { readonly kind: 'closed'; readonly failures: number }
  | { readonly kind: 'open'; readonly since: number; readonly until: number; readonly reopenCount: number }
  | {
      readonly kind: 'half-open';
      /** Start times (epoch ms) of the probes in flight. */
      readonly probes: readonly number[];
      readonly successes: number;
      readonly reopenCount: number;
    };

export type BreakerStateKind = BreakerState['kind'];

/** A fresh, closed breaker. */
export const closedBreaker: BreakerState = Object.freeze({ kind: 'closed', failures: 0 });

/** What {@link admit} decided for one request, with the state to keep. */
export type BreakerAdmission =
  | { readonly decision: 'allow'; readonly state: BreakerState }
  | { readonly decision: 'probe'; readonly state: BreakerState }
  | { readonly decision: 'reject'; readonly retryInMs: number; readonly state: BreakerState };

/**
 * Asks whether a request to the node may go out now. `allow` while closed; `probe` for a limited
 * number of requests once the open period is over; otherwise `reject` with how long to wait.
 */
export function admit(state: BreakerState, config: BreakerConfig, now: number): BreakerAdmission {
  switch (state.kind) {
    case 'closed':
      return { decision: 'allow', state };
    case 'open':
      if (now < state.until) return { decision: 'reject', retryInMs: state.until - now, state };
      return {
        decision: 'probe',
        state: { kind: 'half-open', probes: [now], successes: 0, reopenCount: state.reopenCount },
      };
    case 'half-open': {
      // A probe lost to a crash or a bug must not keep the node paused forever.
      const live = state.probes.filter((startedAt) => now - startedAt < config.probeTimeoutMs);
      if (live.length < config.halfOpenProbes) {
        return { decision: 'probe', state: { ...state, probes: [...live, now] } };
      }
      const oldest = Math.min(...live);
      const untilProbeTimeout = oldest + config.probeTimeoutMs - now;
      return {
        decision: 'reject',
        retryInMs: Math.max(1, Math.min(config.halfOpenWaitMs, untilProbeTimeout)),
        state: { ...state, probes: live },
      };
    }
  }
}

/**
 * Gives back a probe admitted at `startedAt` that made no request after all (the delivery it was
 * for was settled meanwhile, or held by another worker): the next request may probe instead of
 * waiting out the probe timeout.
 */
export function releaseProbe(state: BreakerState, startedAt: number): BreakerState {
  if (state.kind !== 'half-open') return state;
  const index = state.probes.indexOf(startedAt);
  if (index < 0) return state;
  return { ...state, probes: state.probes.filter((_, i) => i !== index) };
}

/** Records a request that reached the node and got an answer that shows it is healthy. */
export function recordSuccess(state: BreakerState, config: BreakerConfig, _now: number): BreakerState {
  switch (state.kind) {
    case 'closed':
      return state.failures === 0 ? state : closedBreaker;
    case 'open':
      // A late answer from before the breaker opened: the open period still runs its course.
      return state;
    case 'half-open': {
      const successes = state.successes + 1;
      if (successes >= config.halfOpenProbes) return closedBreaker;
      return { ...state, probes: state.probes.slice(1), successes };
    }
  }
}

/** Records a request that failed in a way that counts against the node (timeout, refused, 5xx, 429). */
export function recordFailure(state: BreakerState, config: BreakerConfig, now: number): BreakerState {
  switch (state.kind) {
    case 'closed': {
      const failures = state.failures + 1;
      if (failures < config.failureThreshold) return { kind: 'closed', failures };
      return { kind: 'open', since: now, until: now + config.openMs, reopenCount: 0 };
    }
    case 'open':
      return state;
    case 'half-open': {
      const reopenCount = state.reopenCount + 1;
      const duration = Math.min(config.maxOpenMs, config.openMs * 2 ** reopenCount);
      return { kind: 'open', since: now, until: now + duration, reopenCount };
    }
  }
}
