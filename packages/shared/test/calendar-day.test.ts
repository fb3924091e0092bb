import { describe, expect, it } from 'vitest';
import { addDays, dayBounds, dayOf, isCalendarDay } from '../src/calendar-day.js';

describe('calendar days in a time zone', () => {
  it('start and end at local midnight, 23 or 25 hours long across daylight-saving changes', () => {
    expect(dayBounds('2026-11-24', 'UTC')).toEqual({
      start: Date.parse('2026-11-24T00:00:00Z'),
      end: Date.parse('2026-11-25T00:00:00Z'),
    });
    const ny = dayBounds('2026-11-24', 'America/New_York');
    expect(new Date(ny.start).toISOString()).toBe('2026-11-24T05:00:00.000Z');
    const springForward = dayBounds('2026-03-08', 'America/New_York');
    expect((springForward.end - springForward.start) / 3_600_000).toBe(23);
    const fallBack = dayBounds('2026-11-01', 'America/New_York');
    expect((fallBack.end - fallBack.start) / 3_600_000).toBe(25);
  });

  it('name the day an instant falls on, count days, and refuse dates that do not exist', () => {
    expect(dayOf(Date.parse('2026-11-24T03:00:00Z'), 'America/New_York')).toBe('2026-11-23');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('2026-11-24')).toBe(true);
  });
});
