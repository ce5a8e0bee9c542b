import { request } from '../../../api/client.ts';
import { enc, inbox } from './paths.ts';

// Settings → SLA & hours: response-time policies and the business calendar they count in.

export interface SlaPolicy {
  id: string;
  name: string;
  channelIds: string[];
  priorities: string[];
  firstResponseMinutes: number;
  resolutionMinutes: number | null;
  atRiskRatio: number;
  position: number;
  enabled: boolean;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface BusinessCalendar {
  timezone: string;
  week: Partial<Record<Weekday, [string, string][]>>;
  holidays: { day: string; name: string }[];
}

/** Calls of Settings → SLA & hours (part of inboxApi). */
export const slaApi = {
  policies: (wid: string) => request<{ policies: SlaPolicy[] }>('GET', `${inbox(wid)}/sla-policies`),
  savePolicy: (wid: string, id: string | null, input: Omit<SlaPolicy, 'id' | 'position'>) =>
    id
      ? request<SlaPolicy>('PATCH', `${inbox(wid)}/sla-policies/${enc(id)}`, input)
      : request<SlaPolicy>('POST', `${inbox(wid)}/sla-policies`, input),
  deletePolicy: (wid: string, id: string) => request<void>('DELETE', `${inbox(wid)}/sla-policies/${enc(id)}`),
  calendar: (wid: string) => request<BusinessCalendar>('GET', `${inbox(wid)}/business-hours`),
  saveHours: (wid: string, week: BusinessCalendar['week']) =>
    request<BusinessCalendar>('PUT', `${inbox(wid)}/business-hours`, { week }),
  addHoliday: (wid: string, day: string, name: string) =>
    request<BusinessCalendar>('POST', `${inbox(wid)}/holidays`, { day, name }),
  removeHoliday: (wid: string, day: string) => request<void>('DELETE', `${inbox(wid)}/holidays/${enc(day)}`),
};
