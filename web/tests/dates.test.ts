import { describe, expect, it } from 'vitest';
import { displayDate, displayDateTime, parseDate, parseDateTime, sameDate } from '../src/dates';

describe('parseDate (dd.mm.yyyy in every language, ISO to the API)', () => {
  it('reads a day typed day first, with dots, slashes or dashes, and digits only', () => {
    expect(parseDate('10.03.2019')).toEqual({ value: '2019-03-10' });
    expect(parseDate(' 1.3.2019 ')).toEqual({ value: '2019-03-01' });
    expect(parseDate('10/03/2019')).toEqual({ value: '2019-03-10' });
    expect(parseDate('10-03-2019')).toEqual({ value: '2019-03-10' });
    expect(parseDate('10032019')).toEqual({ value: '2019-03-10' });
  });

  it('takes ISO as it is (pasted, or typed by habit)', () => {
    expect(parseDate('2019-03-10')).toEqual({ value: '2019-03-10' });
  });

  it('knows the calendar: 29 February only in leap years, no 31 February', () => {
    expect(parseDate('31.02.2019')).toEqual({ error: 'day' });
    expect(parseDate('29.02.2019')).toEqual({ error: 'day' });
    expect(parseDate('29.02.2020')).toEqual({ value: '2020-02-29' });
    expect(parseDate('31.04.2019')).toEqual({ error: 'day' });
    expect(parseDate('00.01.2019')).toEqual({ error: 'day' });
  });

  it('refuses month 13 (also in ISO), month 0', () => {
    expect(parseDate('2019-13-01')).toEqual({ error: 'month' });
    expect(parseDate('01.13.2019')).toEqual({ error: 'month' });
    expect(parseDate('01.00.2019')).toEqual({ error: 'month' });
  });

  it('empty is no value and no error', () => {
    expect(parseDate('')).toEqual({});
    expect(parseDate('   ')).toEqual({});
  });

  it('refuses letters, two-digit years, half dates, a time where a day is asked', () => {
    for (const s of ['abc', '10.mart.2019', '10.03.19', '10.03', '2019', '03.2019', '10.03.2019x', '١٠.٠٣.٢٠١٩', '10..03.2019', '2019-03-10T10:47:00Z', '<script>'])
      expect(parseDate(s), s).toEqual({ error: 'format' });
    expect(parseDate('10.03.0999')).toEqual({ error: 'year' });
  });

  it('partial dates (where the schema allows them): day, month or year', () => {
    expect(parseDate('10.03.2019', true)).toEqual({ value: '2019-03-10' });
    expect(parseDate('03.2019', true)).toEqual({ value: '2019-03' });
    expect(parseDate('3/2019', true)).toEqual({ value: '2019-03' });
    expect(parseDate('2019-04', true)).toEqual({ value: '2019-04' });
    expect(parseDate('1999', true)).toEqual({ value: '1999' });
    expect(parseDate('13.2019', true)).toEqual({ error: 'month' });
    expect(parseDate('31.02.2019', true)).toEqual({ error: 'day' });
    expect(parseDate('99', true)).toEqual({ error: 'format' });
    expect(parseDate('abcd', true)).toEqual({ error: 'format' });
  });
});

describe('displayDate', () => {
  it('shows ISO days, months and years day first', () => {
    expect(displayDate('2019-03-10')).toBe('10.03.2019');
    expect(displayDate('2019-03')).toBe('03.2019');
    expect(displayDate('2019')).toBe('2019');
    expect(displayDate(undefined)).toBe('');
    expect(displayDate(42)).toBe('');
    expect(displayDate('not a date')).toBe('not a date');
  });

  it('round-trips with parseDate', () => {
    for (const iso of ['2019-03-10', '2000-02-29', '1999-12-31']) expect(parseDate(displayDate(iso))).toEqual({ value: iso });
    for (const iso of ['2019-03', '1999']) expect(parseDate(displayDate(iso), true)).toEqual({ value: iso });
  });
});

describe('date and time', () => {
  it('shows an instant as dd.mm.yyyy HH:MM (24 hours) in the zone given', () => {
    expect(displayDateTime('2015-03-10T10:47:00Z', 'UTC')).toBe('10.03.2015 10:47');
    expect(displayDateTime('2015-03-10T22:47:00Z', 'Asia/Baku')).toBe('11.03.2015 02:47');
    expect(displayDateTime('', 'UTC')).toBe('');
    expect(displayDateTime('garbage', 'UTC')).toBe('garbage');
  });

  it('reads dd.mm.yyyy HH:MM (and the ISO local form) in the browser zone, back to the same instant', () => {
    const r = parseDateTime('10.03.2019 14:30');
    expect(r.error).toBeUndefined();
    expect(r.value).toMatch(/^2019-03-1\dT\d\d:30:00Z$/);
    expect(displayDateTime(r.value)).toBe('10.03.2019 14:30');
    expect(parseDateTime('10.03.2019, 14:30')).toEqual(r);
    expect(parseDateTime('2019-03-10T14:30')).toEqual(r);
  });

  it('refuses a day without a time, hour 24, minute 60, 31.02, letters', () => {
    expect(parseDateTime('10.03.2019')).toEqual({ error: 'time' });
    expect(parseDateTime('10.03.2019 24:00')).toEqual({ error: 'time' });
    expect(parseDateTime('10.03.2019 12:60')).toEqual({ error: 'time' });
    expect(parseDateTime('31.02.2019 12:00')).toEqual({ error: 'day' });
    expect(parseDateTime('2019-13-01 12:00')).toEqual({ error: 'month' });
    expect(parseDateTime('sabah 12:00')).toEqual({ error: 'format' });
    expect(parseDateTime('abc')).toEqual({ error: 'format' });
    expect(parseDateTime('')).toEqual({});
  });
});

describe('sameDate (a value set from outside replaces the text)', () => {
  it('the text being typed stays while it means the value or is not a date yet', () => {
    expect(sameDate('10.03.2019', '2019-03-10', 'date')).toBe(true);
    expect(sameDate('2019-03-10', '2019-03-10', 'date')).toBe(true);
    expect(sameDate('10.03.20', undefined, 'date')).toBe(true);
    expect(sameDate('10.03.20', '10.03.20', 'date')).toBe(true);
    expect(sameDate('', undefined, 'date')).toBe(true);
  });

  it('another value, or emptied from outside, replaces it', () => {
    expect(sameDate('10.03.2019', '2019-03-11', 'date')).toBe(false);
    expect(sameDate('10.03.2019', undefined, 'date')).toBe(false);
    expect(sameDate('', '2019-03-10', 'date')).toBe(false);
    expect(sameDate('03.2019', '2019-03', 'partial_date')).toBe(true);
    const v = parseDateTime('10.03.2019 14:30').value;
    expect(sameDate('10.03.2019 14:30', v, 'datetime')).toBe(true);
    expect(sameDate('10.03.2019 14:31', v, 'datetime')).toBe(false);
  });
});
