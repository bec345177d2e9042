import { describe, expect, it } from 'vitest';
import { dispatchRank, LOWEST_RANK } from '../../src/queue/priority.ts';

describe('dispatchRank', () => {
  it('orders express packages, then statuses and receipts, then packages by priority', () => {
    const ranks = {
      p4: dispatchRank({ kind: 'package', priority: 4 }),
      p3: dispatchRank({ kind: 'package', priority: 3 }),
      status: dispatchRank({ kind: 'status', priority: 0 }),
      receipt: dispatchRank({ kind: 'receipt', priority: 0 }),
      p2: dispatchRank({ kind: 'package', priority: 2 }),
      p1: dispatchRank({ kind: 'package', priority: 1 }),
      p0: dispatchRank({ kind: 'package', priority: 0 }),
    };
    expect(ranks).toEqual({ p4: 1, p3: 2, status: 3, receipt: 3, p2: 4, p1: 5, p0: 6 });
  });

  it('ignores the priority of statuses (an express document does not make its statuses jump the express line)', () => {
    expect(dispatchRank({ kind: 'status', priority: 4 })).toBe(3);
  });

  it('treats out-of-range priorities as ordinary and never returns 0 (BullMQ runs 0 first)', () => {
    for (const priority of [-1, 5, 99, Number.NaN, 2.5]) {
      expect(dispatchRank({ kind: 'package', priority })).toBe(LOWEST_RANK);
    }
  });
});
