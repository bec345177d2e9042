import { describe, expect, it } from 'vitest';
import {
  admit,
  type BreakerConfig,
  type BreakerState,
  closedBreaker,
  defaultBreakerConfig,
  recordFailure,
  recordSuccess,
  releaseProbe,
} from '../../src/queue/circuit-breaker.ts';
import { NodeBreakers } from '../../src/queue/node-breakers.ts';

const config: BreakerConfig = {
  failureThreshold: 3,
  openMs: 1_000,
  maxOpenMs: 5_000,
  halfOpenProbes: 2,
  probeTimeoutMs: 10_000,
  halfOpenWaitMs: 500,
};

const failTimes = (state: BreakerState, n: number, now: number) => {
  let s = state;
  for (let i = 0; i < n; i++) s = recordFailure(s, config, now);
  return s;
};

describe('circuit breaker state machine', () => {
  it('allows while closed and opens after failureThreshold consecutive failures', () => {
    expect(admit(closedBreaker, config, 0).decision).toBe('allow');
    const two = failTimes(closedBreaker, 2, 100);
    expect(two).toEqual({ kind: 'closed', failures: 2 });
    expect(admit(two, config, 100).decision).toBe('allow');
    expect(recordFailure(two, config, 200)).toEqual({
      kind: 'open',
      since: 200,
      until: 1_200,
      reopenCount: 0,
    });
  });

  it('a success while closed resets the failure count', () => {
    const two = failTimes(closedBreaker, 2, 0);
    const reset = recordSuccess(two, config, 1);
    expect(reset).toEqual(closedBreaker);
    expect(failTimes(reset, 2, 2)).toEqual({ kind: 'closed', failures: 2 });
  });

  it('rejects while open, telling how long to wait', () => {
    const open = failTimes(closedBreaker, 3, 0);
    const result = admit(open, config, 400);
    expect(result).toEqual({ decision: 'reject', retryInMs: 600, state: open });
  });

  it('ignores late answers while open', () => {
    const open = failTimes(closedBreaker, 3, 0);
    expect(recordSuccess(open, config, 10)).toBe(open);
    expect(recordFailure(open, config, 10)).toBe(open);
  });

  it('turns half-open after the open period and admits halfOpenProbes probes', () => {
    const open = failTimes(closedBreaker, 3, 0);
    const first = admit(open, config, 1_000);
    expect(first.decision).toBe('probe');
    expect(first.state).toEqual({ kind: 'half-open', probes: [1_000], successes: 0, reopenCount: 0 });
    const second = admit(first.state, config, 1_010);
    expect(second.decision).toBe('probe');
    const third = admit(second.state, config, 1_020);
    expect(third.decision).toBe('reject');
    if (third.decision === 'reject') expect(third.retryInMs).toBe(500);
  });

  it('closes after halfOpenProbes successful probes', () => {
    const open = failTimes(closedBreaker, 3, 0);
    const halfOpen = admit(admit(open, config, 1_000).state, config, 1_001).state;
    const one = recordSuccess(halfOpen, config, 1_100);
    expect(one).toMatchObject({ kind: 'half-open', successes: 1, probes: [1_001] });
    expect(recordSuccess(one, config, 1_200)).toEqual(closedBreaker);
  });

  it('reopens on a failed probe for twice as long, capped at maxOpenMs', () => {
    let state = failTimes(closedBreaker, 3, 0);
    let now = 0;
    const durations: number[] = [];
    for (let round = 0; round < 5; round++) {
      if (state.kind !== 'open') throw new Error('expected open');
      now = state.until;
      state = recordFailure(admit(state, config, now).state, config, now);
      if (state.kind === 'open') durations.push(state.until - now);
    }
    expect(durations).toEqual([2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('a probe that never reports frees its slot after probeTimeoutMs', () => {
    const open = failTimes(closedBreaker, 3, 0);
    const full = admit(admit(open, config, 1_000).state, config, 1_000).state;
    const stuck = admit(full, config, 10_999);
    expect(stuck.decision).toBe('reject');
    if (stuck.decision === 'reject') expect(stuck.retryInMs).toBe(1);
    expect(admit(full, config, 11_000).decision).toBe('probe');
  });

  it('a probe given back (no request made) frees its slot at once', () => {
    const open = failTimes(closedBreaker, 3, 0);
    const one = admit(open, config, 1_000).state;
    const full = admit(one, config, 1_005).state;
    expect(admit(full, config, 1_010).decision).toBe('reject');
    const freed = releaseProbe(full, 1_005);
    expect(admit(freed, config, 1_010).decision).toBe('probe');
    // Nothing to give back: unchanged.
    expect(releaseProbe(freed, 42)).toEqual(freed);
    expect(releaseProbe(closedBreaker, 1_000)).toBe(closedBreaker);
  });

  it('waits at most halfOpenWaitMs and at least 1 ms when turned away half-open', () => {
    const open = failTimes(closedBreaker, 3, 0);
    const full = admit(admit(open, config, 1_000).state, config, 1_000).state;
    const result = admit(full, config, 1_000);
    expect(result.decision === 'reject' && result.retryInMs).toBe(500);
  });

  it('has sane defaults', () => {
    expect(defaultBreakerConfig.failureThreshold).toBeGreaterThanOrEqual(1);
    expect(defaultBreakerConfig.maxOpenMs).toBeGreaterThanOrEqual(defaultBreakerConfig.openMs);
    expect(Object.isFrozen(defaultBreakerConfig)).toBe(true);
  });
});

describe('NodeBreakers', () => {
  it('keeps one breaker per node and forgets clean ones', () => {
    const breakers = new NodeBreakers(() => config);
    for (let i = 0; i < 3; i++) breakers.failure('sick', 0);
    breakers.failure('flaky', 0);
    expect(breakers.admit('sick', 10).decision).toBe('reject');
    expect(breakers.admit('healthy', 10).decision).toBe('allow');
    expect(breakers.state('flaky')).toEqual({ kind: 'closed', failures: 1 });
    breakers.success('flaky', 20);
    expect(breakers.snapshot().map((v) => v.nodeId)).toEqual(['sick']);
  });

  it('records probes it admits, so concurrent requests do not all probe', () => {
    const breakers = new NodeBreakers(() => ({ ...config, halfOpenProbes: 1 }));
    for (let i = 0; i < 3; i++) breakers.failure('n', 0);
    expect(breakers.admit('n', 1_000).decision).toBe('probe');
    expect(breakers.admit('n', 1_001).decision).toBe('reject');
    breakers.success('n', 1_050);
    expect(breakers.admit('n', 1_060).decision).toBe('allow');
  });
});
