import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/queue/min-heap.ts';

describe('MinHeap', () => {
  it('pops in order for any input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new MinHeap<number>((a, b) => a < b);
        for (const v of values) heap.push(v);
        expect(heap.size).toBe(values.length);
        const out: number[] = [];
        for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
        expect(out).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });

  it('is empty-safe', () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
  });
});
