import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/adapters/webhook/index.ts';
import { parseHttpDate } from '../../../src/adapters/webhook/retry-after.ts';

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

  it('reads the obsolete RFC 850 and asctime date forms too (RFC 9110 §5.6.7)', () => {
    // The three forms of the same instant.
    const at = Date.parse('2026-05-04T08:01:30Z');
    expect(parseHttpDate('Mon, 04 May 2026 08:01:30 GMT', now)).toBe(at);
    expect(parseHttpDate('Monday, 04-May-26 08:01:30 GMT', now)).toBe(at);
    expect(parseHttpDate('Mon May  4 08:01:30 2026', now)).toBe(at);
    expect(parseRetryAfter('Monday, 04-May-26 08:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Mon May  4 08:01:30 2026', now)).toBe(90_000);
    expect(parseRetryAfter('Mon May 11 08:00:00 2026', now)).toBe(7 * 24 * 3_600_000);
    // RFC 9110's own examples are in the past: no wait.
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(0);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(Date.parse('1994-11-06T08:49:37Z'));
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', now)).toBe(Date.parse('1994-11-06T08:49:37Z'));
  });

  it('reads a two-digit RFC 850 year within 50 years of now', () => {
    expect(parseHttpDate('Thursday, 01-Jan-76 00:00:00 GMT', now)).toBe(Date.parse('2076-01-01T00:00:00Z'));
    expect(parseHttpDate('Friday, 01-Jan-77 00:00:00 GMT', now)).toBe(Date.parse('1977-01-01T00:00:00Z'));
    const in2090 = Date.parse('2090-01-01T00:00:00Z');
    expect(parseHttpDate('Tuesday, 01-Jan-30 00:00:00 GMT', in2090)).toBe(Date.parse('2130-01-01T00:00:00Z'));
  });

  it('refuses dates that do not exist or are out of shape', () => {
    for (const value of [
      'Sat, 31 Feb 2026 08:00:00 GMT',
      'Mon, 04 May 2026 24:00:00 GMT',
      'Mon, 04 May 2026 08:61:00 GMT',
      'Mon, 4 May 2026 08:01:30 GMT',
      'Mon, 04 May 2026 08:01:30 UTC',
      'Mon, 04-May-26 08:01:30 GMT',
      'Monday, 04 May 2026 08:01:30 GMT',
      'Monday, 04-May-2026 08:01:30 GMT',
      'Monday, 04-May-26 08:01:30',
      'Mon May 4 08:01:30 2026',
      'Mon May  4 08:01:30 2026 GMT',
      'Mon Mai  4 08:01:30 2026',
    ]) {
      expect(parseHttpDate(value, now), value).toBeUndefined();
      expect(parseRetryAfter(value, now), value).toBeUndefined();
    }
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
