/** Longest Retry-After honoured; beyond it the delivery's maximum age decides anyway. */
const MAX_RETRY_AFTER_MS = 7 * 24 * 3_600_000;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** Obsolete RFC 850 date: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** ANSI C asctime(): `Sun Nov  6 08:49:37 1994` (a one-digit day after two spaces). */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * Milliseconds since the epoch of an HTTP-date in any of the three forms of RFC 9110 §5.6.7, or
 * undefined. The day name is not checked against the date. A two-digit RFC 850 year is the year with
 * those digits nearest `nowMs` (one more than 50 years ahead is the latest past year, as §5.6.7 says).
 */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  const fields = httpDateFields(text, nowMs);
  if (fields === undefined) return undefined;
  const { year, month, date } = fields;
  const [hour, minute, second] = fields.time;
  const monthIndex = MONTHS.indexOf(month);
  // second 60 is a leap second (RFC 9110 allows it); read it as the next second.
  if (monthIndex < 0 || hour > 23 || minute > 59 || second > 60) return undefined;
  // Date.UTC would roll 31 Feb over into March; such a date is unreadable, not a March day.
  const midnight = new Date(Date.UTC(2000, monthIndex, date));
  midnight.setUTCFullYear(year);
  if (midnight.getUTCDate() !== date || midnight.getUTCMonth() !== monthIndex) return undefined;
  return midnight.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
}

interface HttpDateFields {
  readonly year: number;
  readonly month: string;
  readonly date: number;
  readonly time: readonly [number, number, number];
}

function httpDateFields(text: string, nowMs: number): HttpDateFields | undefined {
  const clock = (m: RegExpExecArray, at: number) =>
    [Number(m[at]), Number(m[at + 1]), Number(m[at + 2])] as const;
  const imf = IMF_FIXDATE.exec(text);
  if (imf) return { date: Number(imf[1]), month: imf[2]!, year: Number(imf[3]), time: clock(imf, 4) };
  const rfc850 = RFC850_DATE.exec(text);
  if (rfc850) {
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(rfc850[3]);
    if (year > nowYear + 50) year -= 100;
    else if (year < nowYear - 50) year += 100;
    return { date: Number(rfc850[1]), month: rfc850[2]!, year, time: clock(rfc850, 4) };
  }
  const asctime = ASCTIME_DATE.exec(text);
  if (asctime) {
    return {
      month: asctime[1]!,
      date: Number(asctime[2]!.trim()),
      time: clock(asctime, 3),
      year: Number(asctime[6]),
    };
  }
  return undefined;
}

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date (IMF-fixdate, or the
 * obsolete RFC 850 and asctime forms). Returns the wait in ms from `nowMs` (0 for a date in the
 * past), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  // Only the shapes RFC 9110 names; Date.parse alone would accept many other strings.
  const at = parseHttpDate(text, nowMs);
  if (at === undefined) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}
