import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The instant of a wall date and time ("2026-03-29", "09:00") in a time zone, as ISO 8601. */
export function wallToInstant(date: string, time: string, timeZone: string): string {
  return dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', timeZone).toISOString();
}

/** The wall date and time of an instant in a time zone. */
export function instantToWall(iso: string, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/**
 * FullCalendar runs in UTC here and is fed wall times (the API's zoned `local` fields): a Date it hands
 * back carries the workspace's wall time in its UTC fields. This turns it into the real instant.
 */
export function calendarDateToInstant(date: Date, timeZone: string): string {
  const iso = date.toISOString();
  return wallToInstant(iso.slice(0, 10), iso.slice(11, 16), timeZone);
}

/** A wall date and time as FullCalendar's UTC-coerced ISO string. */
export function wallToCalendar(date: string, time: string): string {
  return `${date}T${time}:00Z`;
}
