import { describe, expect, it } from 'vitest';
import { statusTime } from '../../src/hub/create-hub-service.ts';

const RECEIVED = new Date('2026-12-02T09:00:00.000Z'); // 16:00 in Vietnam

describe('statusTime', () => {
  it('takes the status Timestamp as Vietnam time, or with the offset it carries', () => {
    expect(statusTime('2026/12/02 15:30:00', RECEIVED).toISOString()).toBe('2026-12-02T08:30:00.000Z');
    expect(statusTime('2026/12/02 08:45:00Z', RECEIVED).toISOString()).toBe('2026-12-02T08:45:00.000Z');
    expect(statusTime('2026/12/02 10:00:00+02:00', RECEIVED).toISOString()).toBe('2026-12-02T08:00:00.000Z');
  });

  it('never says a status happened after the hub received it (a clock running ahead)', () => {
    expect(statusTime('2026/12/02 16:05:00', RECEIVED)).toEqual(RECEIVED);
  });

  it('falls back to the reception time without a usable Timestamp', () => {
    expect(statusTime(null, RECEIVED)).toEqual(RECEIVED);
    expect(statusTime('02/12/2026 15:30', RECEIVED)).toEqual(RECEIVED);
    expect(statusTime('2026/02/30 10:00:00', RECEIVED)).toEqual(RECEIVED);
  });
});
