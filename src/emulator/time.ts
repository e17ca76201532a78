/**
 * Timestamps and dates as Backlog writes them: ISO 8601 in UTC with second precision and `Z`;
 * date-only values (issue and milestone dates) as midnight in the space's time zone expressed in
 * UTC; date custom fields as `T00:00:00Z` (ARCHITECTURE.md §9).
 */
import type { DateOnly, Millis } from './store.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2013-02-07T08:09:49Z` */
export function isoSeconds(ms: Millis): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function isoOrNull(ms: Millis | null): string | null {
  return ms == null ? null : isoSeconds(ms);
}

/** True when the text is a real calendar date in `yyyy-MM-dd` form. */
export function isDateOnly(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

const offsetCache = new Map<string, number>();

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset in ms of a time zone from UTC at an instant (positive east of UTC). */
function zoneOffsetMs(timeZone: string, at: Millis): number {
  let dtf = formatters.get(timeZone);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, dtf);
  }
  const parts = Object.fromEntries(dtf.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant of midnight starting `date` in `timeZone`. */
export function zonedMidnight(date: DateOnly, timeZone: string): Millis {
  const key = `${timeZone}|${date}`;
  const cached = offsetCache.get(key);
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  if (cached !== undefined) return utcMidnight - cached;
  // Two passes settle the offset across a DST change at or near midnight.
  let offset = zoneOffsetMs(timeZone, utcMidnight);
  offset = zoneOffsetMs(timeZone, utcMidnight - offset);
  offsetCache.set(key, offset);
  return utcMidnight - offset;
}

/** Calendar date of an instant in `timeZone`. */
export function dateInZone(ms: Millis, timeZone: string): DateOnly {
  return new Date(ms + zoneOffsetMs(timeZone, ms)).toISOString().slice(0, 10);
}

/** A date-only field as Backlog returns it: midnight in the space's zone, in UTC. */
export function zonedDateTime(date: DateOnly | null, timeZone: string): string | null {
  return date == null ? null : isoSeconds(zonedMidnight(date, timeZone));
}

/** A date custom field as Backlog returns it: `yyyy-MM-ddT00:00:00Z`. */
export function utcDateTime(date: DateOnly | null): string | null {
  return date == null ? null : `${date}T00:00:00Z`;
}

export function addDays(date: DateOnly, days: number): DateOnly {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
