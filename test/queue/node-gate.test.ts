import { describe, expect, it } from 'vitest';
import { NodeGate } from '../../src/queue/node-gate.ts';

const gateOptions = { perNodeConcurrency: 2, minDeferMs: 50, maxDeferMs: 10_000, initialServiceMs: 200 };
const it_ = (id: string, nodeId = 'n') => ({ deliveryId: id, nodeId });

describe('NodeGate', () => {
  it('runs up to perNodeConcurrency per node, independently per node', () => {
    const gate = new NodeGate(gateOptions);
    expect(gate.enter(it_('a'), 6, 0).kind).toBe('run');
    expect(gate.enter(it_('b'), 6, 0).kind).toBe('run');
    expect(gate.enter(it_('c'), 6, 0).kind).toBe('defer');
    expect(gate.enter(it_('x', 'other'), 6, 0).kind).toBe('run');
    expect(gate.running('n')).toBe(2);
  });

  it('frees the slot on release (once, even if released twice)', () => {
    const gate = new NodeGate(gateOptions);
    const a = gate.enter(it_('a'), 6, 0);
    gate.enter(it_('b'), 6, 0);
    if (a.kind !== 'run') throw new Error('expected run');
    a.release(100);
    a.release(100);
    expect(gate.running('n')).toBe(1);
    expect(gate.enter(it_('c'), 6, 100).kind).toBe('run');
    expect(gate.running('n')).toBe(2);
  });

  it('spaces deferrals by the node speed and queue position, within [minDeferMs, maxDeferMs]', () => {
    const gate = new NodeGate(gateOptions);
    gate.enter(it_('a'), 6, 0);
    gate.enter(it_('b'), 6, 0);
    // 200 ms per item over 2 slots: 100 ms per place in line.
    const delays = ['c', 'd', 'e'].map((id) => gate.enter(it_(id), 6, 0));
    expect(delays.map((d) => (d.kind === 'defer' ? d.delayMs : -1))).toEqual([100, 200, 300]);
  });

  it('puts an urgent item ahead of deferred ordinary ones', () => {
    const gate = new NodeGate(gateOptions);
    gate.enter(it_('a'), 6, 0);
    gate.enter(it_('b'), 6, 0);
    for (const id of ['c', 'd', 'e', 'f']) gate.enter(it_(id), 6, 0);
    const urgent = gate.enter(it_('u'), 1, 0);
    expect(urgent).toEqual({ kind: 'defer', delayMs: 100 });
  });

  it('learns the node speed from releases', () => {
    const gate = new NodeGate(gateOptions);
    const a = gate.enter(it_('a'), 6, 0);
    const b = gate.enter(it_('b'), 6, 0);
    if (a.kind !== 'run' || b.kind !== 'run') throw new Error('expected run');
    a.release(2_000); // first sample sets the estimate: 2 s per item
    gate.enter(it_('c'), 6, 2_000);
    const deferred = gate.enter(it_('d'), 6, 2_000);
    expect(deferred).toEqual({ kind: 'defer', delayMs: 1_000 });
  });

  it('caps at maxDeferMs and floors at minDeferMs', () => {
    const gate = new NodeGate({ ...gateOptions, initialServiceMs: 1, maxDeferMs: 300 });
    gate.enter(it_('a'), 6, 0);
    gate.enter(it_('b'), 6, 0);
    expect(gate.enter(it_('c'), 6, 0)).toEqual({ kind: 'defer', delayMs: 50 });
    const slow = new NodeGate({ ...gateOptions, initialServiceMs: 100_000, maxDeferMs: 300 });
    slow.enter(it_('a'), 6, 0);
    slow.enter(it_('b'), 6, 0);
    expect(slow.enter(it_('c'), 6, 0)).toEqual({ kind: 'defer', delayMs: 300 });
  });

  it('forgets a returning item’s old place and drops stale deferrals', () => {
    const gate = new NodeGate(gateOptions);
    gate.enter(it_('a'), 6, 0);
    gate.enter(it_('b'), 6, 0);
    gate.enter(it_('c'), 6, 0); // place 1
    expect(gate.enter(it_('c'), 6, 100)).toEqual({ kind: 'defer', delayMs: 100 }); // still place 1, not 2
    gate.enter(it_('d'), 6, 100);
    // Long after, c and d went elsewhere: they no longer count.
    expect(gate.enter(it_('e'), 6, 200_000)).toEqual({ kind: 'defer', delayMs: 100 });
  });

  it('refuses a limit below 1', () => {
    expect(() => new NodeGate({ ...gateOptions, perNodeConcurrency: 0 })).toThrow(RangeError);
  });
});
