/**
 * Business time: opening hours per weekday in a time zone, minus holidays. Pure functions (no
 * database, no clock) so SLA timers are exact across daylight-saving changes: every local opening
 * and closing time is converted to an instant with the zone's offset on that very day.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** `{ mon: [["09:00", "18:00"]], … }`; a missing day is closed. */
export type Week = Partial<Record<Weekday, [string, string][]>>;
export type BusinessCalendar = { timezone: string; week: Week; holidays: ReadonlySet<string> };

/** Monday to Friday, 9:00 to 18:00: the default when a workspace has not set its hours. */
export const DEFAULT_WEEK: Week = {
  mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']],
};

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partsFormatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock fields of `at` in `tz`. */
export function localParts(at: Date, tz: string): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, m: p.month!, d: p.day!, hh: p.hour!, mm: p.minute!, ss: p.second! };
}

/** Offset of `tz` from UTC at instant `ms`, in milliseconds. */
function offsetAt(ms: number, tz: string): number {
  const p = localParts(new Date(ms), tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens in `tz`. A time skipped by a spring-forward change maps
 * to the instant just after the gap; a repeated autumn time maps to its first occurrence.
 */
export function zonedTime(y: number, m: number, d: number, hh: number, mm: number, tz: string): Date {
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  if (first === second) return new Date(first);
  // Ambiguous or skipped: choose the earliest instant that reads at or after the wall-clock time.
  const candidates = [first, second].sort((a, b) => a - b);
  for (const c of candidates) {
    const p = localParts(new Date(c), tz);
    if (Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm) >= guess) return new Date(c);
  }
  return new Date(candidates[1]!);
}

const pad = (n: number) => String(n).padStart(2, '0');
const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** Open intervals [start, end) of one local day, as instants. */
function dayIntervals(cal: BusinessCalendar, y: number, m: number, d: number): [number, number][] {
  const key = `${y}-${pad(m)}-${pad(d)}`;
  if (cal.holidays.has(key)) return [];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
  return (cal.week[weekday] ?? []).map(([from, to]) => {
    const a = toMinutes(from);
    const b = toMinutes(to);
    const start = zonedTime(y, m, d, Math.floor(a / 60), a % 60, cal.timezone).getTime();
    // "24:00" closes at the next local midnight.
    const end = b >= 1440
      ? zonedTime(...nextDay(y, m, d), 0, 0, cal.timezone).getTime()
      : zonedTime(y, m, d, Math.floor(b / 60), b % 60, cal.timezone).getTime();
    return [start, end] as [number, number];
  }).filter(([a, b]) => b > a);
}

function nextDay(y: number, m: number, d: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** Whether the calendar has at least one opening hour in a week (else business time never advances). */
function hasHours(cal: BusinessCalendar): boolean {
  return Object.values(cal.week).some((list) => (list ?? []).some(([a, b]) => toMinutes(b) > toMinutes(a)));
}

/** The instant `seconds` of business time after `from`. */
export function addBusinessSeconds(cal: BusinessCalendar, from: Date, seconds: number): Date {
  if (!hasHours(cal)) return new Date(from.getTime() + seconds * 1000);
  let left = seconds * 1000;
  const start = from.getTime();
  let { y, m, d } = localParts(new Date(start - 86_400_000), cal.timezone);
  // 3 years of closed days (holidays) at most: a guard against a calendar made only of holidays.
  for (let i = 0; i < 1100; i++) {
    for (const [a, b] of dayIntervals(cal, y, m, d)) {
      const s = Math.max(a, start);
      if (b <= s) continue;
      if (b - s >= left) return new Date(s + left);
      left -= b - s;
    }
    [y, m, d] = nextDay(y, m, d);
  }
  return new Date(start + seconds * 1000);
}

/** Business seconds between two instants (0 when `to` is before `from`). */
export function businessSecondsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  if (!hasHours(cal)) return Math.round((to.getTime() - from.getTime()) / 1000);
  const start = from.getTime();
  const stop = to.getTime();
  let total = 0;
  let { y, m, d } = localParts(new Date(start - 86_400_000), cal.timezone);
  for (let i = 0; i < 1100; i++) {
    const [dy, dm, dd] = [y, m, d];
    // Stop once the day begins after `to` (a day spans at most 25 h).
    if (zonedTime(dy, dm, dd, 0, 0, cal.timezone).getTime() > stop) break;
    for (const [a, b] of dayIntervals(cal, dy, dm, dd)) {
      const s = Math.max(a, start);
      const e = Math.min(b, stop);
      if (e > s) total += e - s;
    }
    [y, m, d] = nextDay(y, m, d);
  }
  return Math.round(total / 1000);
}
