import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeSections, codes } from '../src/errors.ts';
import { renderErrorsDoc } from '../src/errors-doc.ts';

describe('the error-code registry', () => {
  it('has stable, greppable codes with an HTTP status, a meaning and an action', () => {
    for (const [code, info] of Object.entries(codes)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(info.http).toBeGreaterThanOrEqual(200);
      expect(info.http).toBeLessThan(600);
      expect(info.meaning.length).toBeGreaterThan(10);
      expect(info.action.length).toBeGreaterThan(0);
    }
  });

  it('gives every code a short Vietnamese title for the staff who read the answers', () => {
    for (const [code, info] of Object.entries(codes)) {
      expect(info.vi.length, code).toBeGreaterThan(5);
      expect(info.vi.length, code).toBeLessThanOrEqual(160);
      // Vietnamese, not an English sentence copied over: it has the language's letters.
      expect(info.vi, code).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]/i);
      expect(info.vi, code).not.toMatch(/\.$/);
    }
  });

  it('gives a code listed by two areas the same HTTP status', () => {
    const seen = new Map<string, number>();
    for (const { table } of codeSections) {
      for (const [code, info] of Object.entries(table)) {
        const before = seen.get(code);
        if (before !== undefined) expect([code, info.http]).toEqual([code, before]);
        seen.set(code, info.http);
      }
    }
  });

  it('is documented in docs/errors.md exactly as generated', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc());
  });
});
