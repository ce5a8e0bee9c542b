import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localToUtc, nextSlot, occurrenceAt, recurrenceDates, slotsBetween, utcToLocal } from './tz.ts';

/** Time-zone and daylight-saving arithmetic (Intl only): wall times of the workspace ⇄ UTC. */
describe('local time ⇄ UTC', () => {
  test('a winter and a summer wall time in Paris get +01:00 and +02:00', () => {
    assert.equal(localToUtc('2026-01-15', '09:00', 'Europe/Paris').toISOString(), '2026-01-15T08:00:00.000Z');
    assert.equal(localToUtc('2026-07-15', '09:00', 'Europe/Paris').toISOString(), '2026-07-15T07:00:00.000Z');
  });

  test('a time that does not exist (Paris, 29 March 2026, 02:30) moves forward by the gap', () => {
    const at = localToUtc('2026-03-29', '02:30', 'Europe/Paris');
    assert.equal(at.toISOString(), '2026-03-29T01:30:00.000Z');
    assert.deepEqual(utcToLocal(at, 'Europe/Paris'), { date: '2026-03-29', time: '03:30', weekday: 7 });
  });

  test('a time that happens twice (Paris, 25 October 2026, 02:30) is the first one, or the second when asked', () => {
    assert.equal(localToUtc('2026-10-25', '02:30', 'Europe/Paris').toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(localToUtc('2026-10-25', '02:30', 'Europe/Paris', { ambiguous: 'later' }).toISOString(), '2026-10-25T01:30:00.000Z');
  });

  test('New York: 02:30 on 8 March 2026 does not exist, 01:30 on 1 November 2026 happens twice', () => {
    assert.equal(localToUtc('2026-03-08', '02:30', 'America/New_York').toISOString(), '2026-03-08T07:30:00.000Z');
    assert.equal(utcToLocal(localToUtc('2026-03-08', '02:30', 'America/New_York'), 'America/New_York').time, '03:30');
    assert.equal(localToUtc('2026-11-01', '01:30', 'America/New_York').toISOString(), '2026-11-01T05:30:00.000Z');
    assert.equal(localToUtc('2026-11-01', '01:30', 'America/New_York', { ambiguous: 'later' }).toISOString(), '2026-11-01T06:30:00.000Z');
  });

  test('times next to a change are exact (01:59 before and 03:00 after the Paris spring change)', () => {
    assert.equal(localToUtc('2026-03-29', '01:59', 'Europe/Paris').toISOString(), '2026-03-29T00:59:00.000Z');
    assert.equal(localToUtc('2026-03-29', '03:00', 'Europe/Paris').toISOString(), '2026-03-29T01:00:00.000Z');
  });

  test('an impossible date is refused', () => {
    assert.throws(() => localToUtc('2026-02-30', '09:00', 'Europe/Paris'), RangeError);
    assert.throws(() => localToUtc('2026-02-10', '24:00', 'Europe/Paris'), RangeError);
  });
});

describe('plan slots', () => {
  const tuThu9 = { weekdays: [2, 3, 4], time: '09:00' };

  test('“Tue–Thu 09:00” stays 09:00 Paris across the spring change (08:00Z, then 07:00Z)', () => {
    const slots = slotsBetween(tuThu9, new Date('2026-03-23T00:00:00Z'), new Date('2026-04-03T00:00:00Z'), 'Europe/Paris');
    assert.deepEqual(slots.map((d) => d.toISOString()), [
      '2026-03-24T08:00:00.000Z', '2026-03-25T08:00:00.000Z', '2026-03-26T08:00:00.000Z',
      '2026-03-31T07:00:00.000Z', '2026-04-01T07:00:00.000Z', '2026-04-02T07:00:00.000Z',
    ]);
    assert.ok(slots.every((d) => utcToLocal(d, 'Europe/Paris').time === '09:00'));
  });

  test('the next slot is strictly after now, on the right weekday', () => {
    // Tuesday 10 March 2026 09:00 Paris exactly: the next one is Wednesday.
    const next = nextSlot([tuThu9], new Date('2026-03-10T08:00:00Z'), 'Europe/Paris');
    assert.equal(next?.toISOString(), '2026-03-11T08:00:00.000Z');
    // Thursday evening: next Tuesday.
    assert.equal(nextSlot([tuThu9], new Date('2026-03-12T18:00:00Z'), 'Europe/Paris')?.toISOString(), '2026-03-17T08:00:00.000Z');
    assert.equal(nextSlot([], new Date(), 'Europe/Paris'), null);
  });

  test('a slot in the autumn repeated hour is taken once, at its first occurrence', () => {
    const slots = slotsBetween({ weekdays: [7], time: '02:30' }, new Date('2026-10-24T00:00:00Z'), new Date('2026-10-26T00:00:00Z'), 'Europe/Paris');
    assert.deepEqual(slots.map((d) => d.toISOString()), ['2026-10-25T00:30:00.000Z']);
  });
});

describe('recurrence', () => {
  test('weekly on Monday and Friday, every other week, with a count', () => {
    assert.deepEqual(recurrenceDates({ freq: 'weekly', interval: 2, weekdays: [1, 5], time: '09:00', count: 5 }, '2026-03-04', 10),
      ['2026-03-06', '2026-03-16', '2026-03-20', '2026-03-30', '2026-04-03']);
  });

  test('daily until a date (inclusive)', () => {
    assert.deepEqual(recurrenceDates({ freq: 'daily', time: '08:00', until: '2026-03-03' }, '2026-03-01', 10), ['2026-03-01', '2026-03-02', '2026-03-03']);
  });

  test('monthly on the 31st skips months without one', () => {
    assert.deepEqual(recurrenceDates({ freq: 'monthly', time: '08:00', count: 4 }, '2026-01-31', 10), ['2026-01-31', '2026-03-31', '2026-05-31', '2026-07-31']);
  });

  test('a daily 09:00 keeps its wall time across the October change in New York and Paris', () => {
    const rule = { freq: 'daily' as const, time: '09:00' };
    const ny = [0, 1, 2].map((n) => occurrenceAt(rule, '2026-10-31', n, 'America/New_York')!.toISOString());
    assert.deepEqual(ny, ['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z']);
    const paris = [0, 1].map((n) => occurrenceAt(rule, '2026-10-24', n, 'Europe/Paris')!.toISOString());
    assert.deepEqual(paris, ['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z']);
  });

  test('past its count there is no occurrence', () => {
    assert.equal(occurrenceAt({ freq: 'daily', time: '09:00', count: 2 }, '2026-03-01', 2, 'Europe/Paris'), null);
  });
});
