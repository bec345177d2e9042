/** Longest Retry-After honoured; beyond it the delivery's maximum age decides anyway. */
const MAX_RETRY_AFTER_MS = 7 * 24 * 3_600_000;

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the wait
 * in ms from `nowMs` (0 for a date in the past), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  // Only the IMF-fixdate shape servers are required to send ("Sun, 06 Nov 1994 08:49:37 GMT");
  // Date.parse alone would accept many other strings.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}
