import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The instant a calendar day ("2025-03-12") starts in a time zone, as ISO 8601. */
export function startOfDay(day: string, timeZone: string): string {
  return dayjs.tz(day, timeZone).toISOString();
}

/** The last millisecond of a calendar day in a time zone, as ISO 8601. */
export function endOfDay(day: string, timeZone: string): string {
  return dayjs.tz(day, timeZone).add(1, 'day').subtract(1, 'millisecond').toISOString();
}

/** Today's date ("2025-03-12") in a time zone. */
export function today(timeZone: string): string {
  return dayjs().tz(timeZone).format('YYYY-MM-DD');
}
