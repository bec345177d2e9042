import type { OverdueRules } from './console-settings.ts';

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The end of the working day (Monday to Friday, Vietnam time, UTC+07:00 without daylight saving)
 * for something that arrived at `at`: that day's `workdayEndMinutes` if it arrived before it on a
 * working day, otherwise the next working day's. Public holidays are not known to the hub.
 */
export function endOfWorkingDay(at: Date, workdayEndMinutes: number): Date {
  const local = at.getTime() + VIETNAM_OFFSET_MS;
  let dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const isWorkingDay = (start: number) => {
    const weekday = new Date(start).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  };
  if (!isWorkingDay(dayStart) || local >= dayStart + workdayEndMinutes * 60_000) {
    do dayStart += DAY_MS;
    while (!isWorkingDay(dayStart));
  }
  return new Date(dayStart + workdayEndMinutes * 60_000 - VIETNAM_OFFSET_MS);
}

/** When a delivery of this priority (0..4), received at `receivedAt`, must have been delivered. */
export function deliveryDeadline(priority: number, receivedAt: Date, rules: OverdueRules): Date {
  const t = receivedAt.getTime();
  if (priority >= 3) return new Date(t + rules.expressMinutes * 60_000);
  if (priority === 2) return new Date(t + rules.veryUrgentHours * 3_600_000);
  if (priority === 1) return new Date(t + rules.urgentHours * 3_600_000);
  return endOfWorkingDay(receivedAt, rules.workdayEndMinutes);
}
