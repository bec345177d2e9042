import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/adapters/webhook/index.ts';

const now = Date.parse('2026-05-04T08:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter(['30', '60'], now)).toBe(30_000);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Mon, 04 May 2026 08:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Mon, 04 May 2026 07:00:00 GMT', now)).toBe(0);
  });

  it('caps absurd values at 7 days', () => {
    expect(parseRetryAfter('999999999', now)).toBe(7 * 24 * 3_600_000);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(7 * 24 * 3_600_000);
  });

  it('ignores anything else', () => {
    for (const value of [
      undefined,
      '',
      'soon',
      '-5',
      '1.5',
      '2026-05-04T08:01:30Z',
      'Mon, 04 May 2026 08:01:30',
    ]) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});
