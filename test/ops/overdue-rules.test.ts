// Overdue rules (src/ops/overdue-rules.ts): deadlines by priority, and the end of the working day in
// Vietnam time (UTC+07:00, Monday to Friday). 2025-07-15 is a Tuesday; 2025-07-18 a Friday.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONSOLE_SETTINGS,
  deliveryDeadline,
  endOfWorkingDay,
  type OverdueRules,
} from '../../src/ops/index.ts';

const vn = (local: string) => new Date(`${local}+07:00`);

/** Numbers unlike the defaults and unlike each other, so a swapped rule shows. */
const rules: OverdueRules = {
  expressMinutes: 45,
  veryUrgentHours: 3,
  urgentHours: 5,
  workdayEndMinutes: 17 * 60,
};

describe('deliveryDeadline by priority', () => {
  const received = vn('2025-07-15T10:00:00.000');

  it('hỏa tốc hẹn giờ (4) and hỏa tốc (3): expressMinutes after arrival', () => {
    expect(deliveryDeadline(4, received, rules).toISOString()).toBe(
      vn('2025-07-15T10:45:00.000').toISOString(),
    );
    expect(deliveryDeadline(3, received, rules).toISOString()).toBe(
      vn('2025-07-15T10:45:00.000').toISOString(),
    );
  });

  it('thượng khẩn (2): veryUrgentHours after arrival', () => {
    expect(deliveryDeadline(2, received, rules).toISOString()).toBe(
      vn('2025-07-15T13:00:00.000').toISOString(),
    );
  });

  it('khẩn (1): urgentHours after arrival', () => {
    expect(deliveryDeadline(1, received, rules).toISOString()).toBe(
      vn('2025-07-15T15:00:00.000').toISOString(),
    );
  });

  it('hours run on through the night and the weekend (only thường waits for working hours)', () => {
    const fridayEvening = vn('2025-07-18T22:00:00.000');
    expect(deliveryDeadline(1, fridayEvening, rules).toISOString()).toBe(
      vn('2025-07-19T03:00:00.000').toISOString(),
    );
    expect(deliveryDeadline(3, fridayEvening, rules).toISOString()).toBe(
      vn('2025-07-18T22:45:00.000').toISOString(),
    );
  });

  it('uses the default numbers of the console settings (30 min, 2 h, 4 h, 17:00)', () => {
    const d = DEFAULT_CONSOLE_SETTINGS.overdue;
    expect(deliveryDeadline(3, received, d).toISOString()).toBe(vn('2025-07-15T10:30:00.000').toISOString());
    expect(deliveryDeadline(2, received, d).toISOString()).toBe(vn('2025-07-15T12:00:00.000').toISOString());
    expect(deliveryDeadline(1, received, d).toISOString()).toBe(vn('2025-07-15T14:00:00.000').toISOString());
    expect(deliveryDeadline(0, received, d).toISOString()).toBe(vn('2025-07-15T17:00:00.000').toISOString());
  });
});

describe('thường (0): the end of the working day, Vietnam time', () => {
  const deadline = (local: string, r: OverdueRules = rules) =>
    deliveryDeadline(0, vn(local), r).toISOString();

  it('received 10:00 on a Tuesday: 17:00 the same day', () => {
    expect(deadline('2025-07-15T10:00:00.000')).toBe(vn('2025-07-15T17:00:00.000').toISOString());
    expect(deadline('2025-07-15T10:00:00.000')).toBe('2025-07-15T10:00:00.000Z');
  });

  it('received early in the morning (still the day before in UTC): 17:00 that Vietnamese day', () => {
    // 02:00 Tuesday in Hà Nội is 19:00 Monday UTC.
    expect(deadline('2025-07-15T02:00:00.000')).toBe(vn('2025-07-15T17:00:00.000').toISOString());
    // 05:00 Monday in Hà Nội is 22:00 Sunday UTC: a working day in Vietnam.
    expect(deadline('2025-07-14T05:00:00.000')).toBe(vn('2025-07-14T17:00:00.000').toISOString());
  });

  it('received 18:00 on a Friday: 17:00 the Monday after', () => {
    expect(deadline('2025-07-18T18:00:00.000')).toBe(vn('2025-07-21T17:00:00.000').toISOString());
  });

  it('received late on a Friday evening (still Friday afternoon in UTC): Monday', () => {
    expect(deadline('2025-07-18T23:30:00.000')).toBe(vn('2025-07-21T17:00:00.000').toISOString());
  });

  it('received on a Saturday or a Sunday: 17:00 the Monday after', () => {
    expect(deadline('2025-07-19T09:00:00.000')).toBe(vn('2025-07-21T17:00:00.000').toISOString());
    expect(deadline('2025-07-19T00:00:00.000')).toBe(vn('2025-07-21T17:00:00.000').toISOString());
    expect(deadline('2025-07-20T23:59:59.999')).toBe(vn('2025-07-21T17:00:00.000').toISOString());
  });

  it('received exactly at 17:00: the next working day; a moment before: the same day', () => {
    expect(deadline('2025-07-15T17:00:00.000')).toBe(vn('2025-07-16T17:00:00.000').toISOString());
    expect(deadline('2025-07-15T16:59:59.999')).toBe(vn('2025-07-15T17:00:00.000').toISOString());
    expect(deadline('2025-07-18T17:00:00.000')).toBe(vn('2025-07-21T17:00:00.000').toISOString());
  });

  it('received at midnight starting a Tuesday: that Tuesday', () => {
    expect(deadline('2025-07-15T00:00:00.000')).toBe(vn('2025-07-15T17:00:00.000').toISOString());
  });

  it('follows a custom end of the working day (16:30)', () => {
    const early: OverdueRules = { ...rules, workdayEndMinutes: 16 * 60 + 30 };
    expect(deadline('2025-07-15T16:29:00.000', early)).toBe(vn('2025-07-15T16:30:00.000').toISOString());
    expect(deadline('2025-07-15T16:30:00.000', early)).toBe(vn('2025-07-16T16:30:00.000').toISOString());
    expect(deadline('2025-07-15T16:45:00.000', early)).toBe(vn('2025-07-16T16:30:00.000').toISOString());
    expect(deadline('2025-07-18T16:45:00.000', early)).toBe(vn('2025-07-21T16:30:00.000').toISOString());
  });
});

describe('endOfWorkingDay', () => {
  it('is the same function the thường deadline uses', () => {
    const at = vn('2025-07-16T11:11:00.000');
    expect(endOfWorkingDay(at, 17 * 60).toISOString()).toBe(vn('2025-07-16T17:00:00.000').toISOString());
    expect(endOfWorkingDay(at, 8 * 60).toISOString()).toBe(vn('2025-07-17T08:00:00.000').toISOString());
  });

  it('crosses a month and a year end', () => {
    // 2025-12-31 is a Wednesday; 2026-01-02 a Friday, 2026-01-05 a Monday.
    expect(endOfWorkingDay(vn('2025-12-31T17:30:00.000'), 17 * 60).toISOString()).toBe(
      vn('2026-01-01T17:00:00.000').toISOString(),
    );
    expect(endOfWorkingDay(vn('2026-01-02T20:00:00.000'), 17 * 60).toISOString()).toBe(
      vn('2026-01-05T17:00:00.000').toISOString(),
    );
  });

  it('never gives a Saturday or a Sunday, nor a time before the arrival', () => {
    const start = vn('2025-07-14T00:00:00.000').getTime();
    for (let step = 0; step < 14 * 24 * 4; step += 1) {
      const at = new Date(start + step * 15 * 60_000);
      const end = endOfWorkingDay(at, 17 * 60);
      const local = new Date(end.getTime() + 7 * 3_600_000);
      expect([1, 2, 3, 4, 5]).toContain(local.getUTCDay());
      expect(local.getUTCHours() * 60 + local.getUTCMinutes()).toBe(17 * 60);
      expect(end.getTime()).toBeGreaterThan(at.getTime());
      // At most three days and a bit ahead (Friday 17:00 → Monday 17:00).
      expect(end.getTime() - at.getTime()).toBeLessThanOrEqual(3 * 86_400_000);
    }
  });
});
