import { describe, expect, it } from 'vitest';
import { addDays, addMonths, calendarNames, clampDay, dayLabel, inRange, keyMove, monthGrid, partsOf, startDay, weekdayIndex } from '../src/calendar';

describe('the month grid', () => {
  it('shows March 2019 in five weeks from Monday 25 February', () => {
    const g = monthGrid(2019, 3);
    expect(g).toHaveLength(5);
    expect(g[0]![0]).toEqual({ iso: '2019-02-25', day: 25, inMonth: false });
    expect(g[0]![4]).toEqual({ iso: '2019-03-01', day: 1, inMonth: true });
    expect(g[4]![6]).toEqual({ iso: '2019-03-31', day: 31, inMonth: true });
    for (const w of g) expect(w).toHaveLength(7);
  });
  it('February 2021 (Monday the 1st) is four weeks; a month can take six', () => {
    expect(monthGrid(2021, 2)).toHaveLength(4);
    expect(monthGrid(2020, 8)).toHaveLength(6);
    expect(monthGrid(2020, 2).flat().filter((d) => d.inMonth)).toHaveLength(29);
  });
});

describe('moving', () => {
  it('by days across months and years', () => {
    expect(addDays('2019-12-31', 1)).toBe('2020-01-01');
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
  });
  it('by months keeps the day within the month', () => {
    expect(addMonths('2019-01-31', 1)).toBe('2019-02-28');
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
    expect(addMonths('2019-12-15', 1)).toBe('2020-01-15');
    expect(addMonths('2019-01-15', -1)).toBe('2018-12-15');
    expect(addMonths('2020-02-29', 12)).toBe('2021-02-28');
  });
  it('by keys: arrows, Home/End (the week, Monday first), Page Up/Down (month; with Shift, year)', () => {
    expect(weekdayIndex('2019-03-10')).toBe(6);
    expect(keyMove('2019-03-10', 'ArrowLeft')).toBe('2019-03-09');
    expect(keyMove('2019-03-10', 'ArrowDown')).toBe('2019-03-17');
    expect(keyMove('2019-03-10', 'ArrowUp')).toBe('2019-03-03');
    expect(keyMove('2019-03-10', 'Home')).toBe('2019-03-04');
    expect(keyMove('2019-03-04', 'End')).toBe('2019-03-10');
    expect(keyMove('2019-03-31', 'PageDown')).toBe('2019-04-30');
    expect(keyMove('2019-03-10', 'PageUp', true)).toBe('2018-03-10');
    expect(keyMove('2019-03-10', 'a')).toBeUndefined();
  });
});

describe('limits and the day a calendar opens on', () => {
  it('keeps within min and max', () => {
    expect(inRange('2019-03-10', '2019-03-10', '2019-03-10')).toBe(true);
    expect(inRange('2019-03-09', '2019-03-10')).toBe(false);
    expect(clampDay('1899-12-31', '1900-01-01')).toBe('1900-01-01');
    expect(clampDay('2030-01-01', undefined, '2020-12-31')).toBe('2020-12-31');
  });
  it("opens on the field's day (a partial date on its first day, a date-time on its day), else today", () => {
    expect(startDay('2019-03-10', '2024-05-05')).toBe('2019-03-10');
    expect(startDay('2019-05', '2024-05-05')).toBe('2019-05-01');
    expect(startDay('2019', '2024-05-05')).toBe('2019-01-01');
    expect(startDay('2019-03-10T10:47:00Z', '2024-05-05')).toBe('2019-03-10');
    expect(startDay('31.02.2019', '2024-05-05')).toBe('2024-05-05');
    expect(startDay('2019-02-31', '2024-05-05')).toBe('2024-05-05');
    expect(startDay(undefined, '2024-05-05', undefined, '2020-12-31')).toBe('2020-12-31');
  });
  it('reads only real days', () => {
    expect(partsOf('2019-02-29')).toBeUndefined();
    expect(partsOf('2019-13-01')).toBeUndefined();
    expect(partsOf(20190310)).toBeUndefined();
    expect(partsOf('2019-03-10')).toEqual([2019, 3, 10]);
  });
});

describe('names in the language of the page', () => {
  it('English and Russian from Intl, Monday first', () => {
    const en = calendarNames('en');
    expect(en.months[0]).toBe('January');
    expect(en.daysLong[0]).toBe('Monday');
    expect(en.daysLong[6]).toBe('Sunday');
    const ru = calendarNames('ru');
    expect(ru.months[2]).toBe('Март');
    expect(ru.daysLong[0]).toBe('понедельник');
  });
  it('Azerbaijani from Intl, or spelt here when the browser lacks the data', () => {
    expect(calendarNames('az').months[0]).toBe('Yanvar');
    // A browser whose ICU has no Azerbaijani: English or "M01" come back.
    class NoAz extends Intl.DateTimeFormat {
      constructor(_locale: string, options: Intl.DateTimeFormatOptions) {
        super('en-GB', options);
      }
    }
    const az = calendarNames('az', NoAz as unknown as typeof Intl.DateTimeFormat);
    expect(az.months).toHaveLength(12);
    expect(az.months[7]).toBe('Avqust');
    expect(az.daysLong[0]).toBe('bazar ertəsi');
    expect(az.daysShort).toHaveLength(7);
  });
  it('a day said in full for a screen reader', () => {
    expect(dayLabel('2019-03-10', calendarNames('en'), 'en')).toBe('Sunday, 10 March 2019');
    expect(dayLabel('2019-03-10', calendarNames('az'), 'az')).toBe('bazar, 10 mart 2019');
    expect(dayLabel('2019-03-10', calendarNames('ru'), 'ru')).toMatch(/^воскресенье, 10 марта 2019/);
  });
});
