import { describe, expect, it } from 'vitest';
import { parseEdxml } from '../../src/edxml/index.ts';
import { hostileCorpus } from './hostile-corpus.ts';

/** Best of five, so that a busy machine does not fail a fast parser; seconds still fail. */
function timed<T>(fn: () => T): { value: T; ms: number } {
  let best = Number.POSITIVE_INFINITY;
  let value = fn();
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    value = fn();
    best = Math.min(best, performance.now() - start);
  }
  return { value, ms: best };
}

describe('hostile and broken inputs', () => {
  for (const c of hostileCorpus) {
    it(`refuses ${c.name} with ${c.code}, quickly`, () => {
      const input = c.input();
      const { value: result, ms } = timed(() => parseEdxml(input, c.options));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe(c.code);
      const decisive = result.findings.find((f) => f.severity === 'error');
      expect(decisive?.code).toBe(c.code);
      if (c.path !== undefined) expect(decisive?.path).toBe(c.path);
      expect(ms).toBeLessThan(100);
    });
  }

  it('never fetches: the external entity is refused before any resolution', () => {
    const c = hostileCorpus.find((h) => h.name === 'external entity');
    const result = parseEdxml(c?.input() ?? '');
    expect(JSON.stringify(result.findings)).not.toContain('root:');
  });
});
