/**
 * Time-zone arithmetic with Intl only: local wall times of a workspace's IANA zone ⇄ UTC instants,
 * plan slots and recurrences. Everything is stored in UTC; cadences and recurrences are wall times in
 * the workspace zone, so "every Tuesday 09:00" stays 09:00 across daylight-saving changes.
 *
 * Across a change: a local time that does not exist (spring forward, e.g. 02:30 in Paris on the last
 * Sunday of March) moves forward by the gap (03:30); a local time that happens twice (fall back) takes
 * the first one (the earlier instant), unless `ambiguous: 'later'`.
 */

export type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Wall-clock parts of `date` in `tz` (weekday: 1 = Monday … 7 = Sunday). */
export function zonedParts(date: Date, tz: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(date)) out[p.type] = p.value;
  return {
    year: Number(out.year), month: Number(out.month), day: Number(out.day),
    hour: Number(out.hour) % 24, minute: Number(out.minute), second: Number(out.second), weekday: WEEKDAYS[out.weekday ?? 'Mon'] ?? 1,
  };
}

/** Offset of `tz` from UTC at `date`, in milliseconds (Paris in winter: +3 600 000). */
export function offsetMs(date: Date, tz: string): number {
  const p = zonedParts(date, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isLocalDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** True for a wall time written HH:MM (00:00–23:59). */
export function isLocalTime(s: string): boolean {
  return TIME_RE.test(s);
}

/**
 * The UTC instant of local `date` + `time` in `tz`. Nonexistent local times move forward by the gap;
 * repeated ones resolve to the earlier instant (or the later with `ambiguous: 'later'`).
 *
 * @example localToUtc('2026-03-29', '02:30', 'Europe/Paris').toISOString() === '2026-03-29T01:30:00.000Z' // 03:30 CEST
 */
export function localToUtc(date: string, time: string, tz: string, opts: { ambiguous?: 'earlier' | 'later' } = {}): Date {
  const dm = DATE_RE.exec(date);
  const tm = TIME_RE.exec(time);
  if (!dm || !tm || !isLocalDate(date)) throw new RangeError(`Not a local date and time: ${date} ${time}`);
  const guess = Date.UTC(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3]), Number(tm[1]), Number(tm[2]));
  // The offsets a day before and a day after bracket any single transition.
  const before = offsetMs(new Date(guess - 86_400_000), tz);
  const after = offsetMs(new Date(guess + 86_400_000), tz);
  const wanted = (d: Date) => {
    const p = zonedParts(d, tz);
    return p.hour === Number(tm[1]) && p.minute === Number(tm[2]) && p.day === Number(dm[3]);
  };
  const candidates = [...new Set([guess - before, guess - after])].map((t) => new Date(t)).filter(wanted).sort((a, b) => a.getTime() - b.getTime());
  if (candidates.length === 0) return new Date(guess - before); // in the gap: shifted forward by it
  return opts.ambiguous === 'later' ? candidates[candidates.length - 1]! : candidates[0]!;
}

/** The local calendar date (YYYY-MM-DD) and time (HH:MM) of `date` in `tz`. */
export function utcToLocal(date: Date, tz: string): { date: string; time: string; weekday: number } {
  const p = zonedParts(date, tz);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}`, weekday: p.weekday };
}

/** `date` (YYYY-MM-DD) plus `n` days. */
export function addDays(date: string, n: number): string {
  const m = DATE_RE.exec(date)!;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n));
  return d.toISOString().slice(0, 10);
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const m = DATE_RE.exec(date)!;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Whole days from local date `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

// ---------------------------------------------------------------------------------------------------
// Plan slots

export type Cadence = { weekdays: number[]; time: string };

/**
 * Instants of `cadence` in `tz` within [from, to), in order.
 *
 * @example slotsBetween({weekdays:[2], time:'09:00'}, from, to, 'Europe/Paris') // every Tuesday 09:00 Paris
 */
export function slotsBetween(cadence: Cadence, from: Date, to: Date, tz: string): Date[] {
  const out: Date[] = [];
  let day = addDays(utcToLocal(from, tz).date, -1);
  const last = addDays(utcToLocal(to, tz).date, 1);
  for (let guard = 0; daysBetween(day, last) >= 0 && guard < 800; guard++, day = addDays(day, 1)) {
    if (!cadence.weekdays.includes(weekdayOf(day))) continue;
    const at = localToUtc(day, cadence.time, tz);
    if (at >= from && at < to) out.push(at);
  }
  return out;
}

/** The first instant of any cadence strictly after `after` (within 5 weeks), or null when there is none. */
export function nextSlot(cadences: Cadence[], after: Date, tz: string): Date | null {
  let best: Date | null = null;
  const horizon = new Date(after.getTime() + 35 * 86_400_000);
  for (const c of cadences) {
    const first = slotsBetween(c, new Date(after.getTime() + 1), horizon, tz)[0];
    if (first && (!best || first < best)) best = first;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Recurrence

export type Recurrence = {
  freq: 'daily' | 'weekly' | 'monthly';
  /** Every `interval` days / weeks / months (default 1). */
  interval?: number | undefined;
  /** Weekly: ISO weekdays (default: the first occurrence's weekday). */
  weekdays?: number[] | undefined;
  /** Local time HH:MM of every occurrence. */
  time: string;
  /** Last local date (inclusive). */
  until?: string | undefined;
  /** Number of occurrences in all (the first included). */
  count?: number | undefined;
};

/**
 * The local dates of a recurrence that starts on local date `start`, in order, at most `limit`.
 * Monthly on the 29th–31st skips months without that day (no silent move to another date).
 */
export function recurrenceDates(rule: Recurrence, start: string, limit: number): string[] {
  const interval = Math.max(1, rule.interval ?? 1);
  const max = Math.min(limit, rule.count ?? Infinity);
  const out: string[] = [];
  const ok = (d: string) => rule.until === undefined || d <= rule.until;
  if (rule.freq === 'daily') {
    for (let i = 0; out.length < max; i++) {
      const d = addDays(start, i * interval);
      if (!ok(d)) break;
      out.push(d);
    }
  } else if (rule.freq === 'weekly') {
    const days = [...new Set(rule.weekdays?.length ? rule.weekdays : [weekdayOf(start)])].sort();
    const monday = addDays(start, 1 - weekdayOf(start));
    for (let w = 0; out.length < max && w < 1000; w += interval) {
      let stop = false;
      for (const wd of days) {
        const d = addDays(monday, w * 7 + wd - 1);
        if (d < start) continue;
        if (!ok(d)) { stop = true; break; }
        out.push(d);
        if (out.length >= max) break;
      }
      if (stop) break;
    }
  } else {
    const [y, m, dd] = start.split('-').map(Number) as [number, number, number];
    for (let k = 0; out.length < max && k < 1200; k += interval) {
      const dt = new Date(Date.UTC(y, m - 1 + k, dd));
      if (dt.getUTCDate() !== dd) continue; // this month has no such day
      const d = dt.toISOString().slice(0, 10);
      if (!ok(d)) break;
      out.push(d);
    }
  }
  return out;
}

/** The UTC instant of occurrence `n` (0 = first) of `rule` starting on local date `start`, or null past its end. */
export function occurrenceAt(rule: Recurrence, start: string, n: number, tz: string): Date | null {
  const dates = recurrenceDates(rule, start, n + 1);
  const d = dates[n];
  return d === undefined ? null : localToUtc(d, rule.time, tz);
}
