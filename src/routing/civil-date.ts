/**
 * Validity dates in the directory are calendar days in Vietnam time (UTC+07:00, no daylight saving),
 * as legal acts state them ("from 1 July 2025"). A `CivilDate` is 'YYYY-MM-DD'; strings of that shape
 * compare correctly with < and >.
 */
export type CivilDate = string;

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar day in Vietnam at instant `at`. */
export function civilDateAt(at: Date): CivilDate {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** True for an existing day written 'YYYY-MM-DD' (2025-02-30 is refused). */
export function isCivilDate(value: string): boolean {
  const match = CIVIL_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === value;
}

/** The first instant of a Vietnam calendar day (useful for `at` in tests and the CLI). */
export function startOfCivilDate(day: CivilDate): Date {
  return new Date(Date.parse(`${day}T00:00:00+07:00`));
}
