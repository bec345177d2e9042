import { describe, expect, it } from 'vitest';
import { statusTime } from '../../src/hub/accept-plan.ts';

const SENT = new Date('2026-12-02T01:00:00.000Z'); // the document reached the hub at 08:00 in Vietnam
const RECEIVED = new Date('2026-12-02T09:00:00.000Z'); // the status at 16:00
const window = { notBefore: SENT, receivedAt: RECEIVED };

describe('statusTime', () => {
  it('takes the status Timestamp as Vietnam time, or with the offset it carries', () => {
    expect(statusTime('2026/12/02 15:30:00', window).toISOString()).toBe('2026-12-02T08:30:00.000Z');
    expect(statusTime('2026/12/02 08:45:00Z', window).toISOString()).toBe('2026-12-02T08:45:00.000Z');
    expect(statusTime('2026/12/02 10:00:00+02:00', window).toISOString()).toBe('2026-12-02T08:00:00.000Z');
  });

  it('never says a status happened after the hub received it (a clock running ahead)', () => {
    expect(statusTime('2026/12/02 16:05:00', window)).toEqual(RECEIVED);
  });

  it('never says a status happened before its document reached the hub (a clock behind, a template Timestamp)', () => {
    expect(statusTime('2026/12/02 07:59:59', window)).toEqual(SENT);
    expect(statusTime('2026/11/20 10:00:00', window)).toEqual(SENT);
  });

  it('falls back to the reception time without a usable Timestamp', () => {
    expect(statusTime(null, window)).toEqual(RECEIVED);
    expect(statusTime('02/12/2026 15:30', window)).toEqual(RECEIVED);
    expect(statusTime('2026/02/30 10:00:00', window)).toEqual(RECEIVED);
  });
});
