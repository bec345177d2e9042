const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/** dd/MM/yyyy HH:mm in Vietnam time (UTC+07:00, no daylight saving); '—' for none. */
export function vnDateTime(at: Date | string | null | undefined): string {
  if (at === null || at === undefined) return '—';
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(t)) return '—';
  const d = new Date(t + VIETNAM_OFFSET_MS);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** dd/MM/yyyy in Vietnam time. */
export function vnDate(at: Date | string | null | undefined): string {
  const full = vnDateTime(at);
  return full === '—' ? full : full.slice(0, 10);
}

/** 'YYYY-MM-DD' (an <input type=date> value) → the start of that day in Vietnam; null when not a date. */
export function vnDayStart(value: string | undefined): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const t = Date.parse(`${value}T00:00:00+07:00`);
  return Number.isNaN(t) ? null : new Date(t);
}

/** The current month in Vietnam, 'YYYY-MM'. */
export function vnMonth(at: Date): string {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 7);
}

/** A duration in minutes, hours or days, short ("5 min", "3 h", "2 d"). */
export function shortAge(ms: number | null): string {
  if (ms === null || ms < 0) return '—';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
