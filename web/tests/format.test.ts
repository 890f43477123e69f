import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPartialDate, fromLocalInput, isPartialDate } from '../src/format';

describe('format', () => {
  it('dates in each language (Azerbaijani months spelt out)', () => {
    expect(formatDate('2019-06-04', 'az')).toBe('4 iyun 2019');
    expect(formatDate('2019-06-04', 'en')).toBe('4 June 2019');
    expect(formatDate('2019-06-04', 'ru')).toMatch(/^4 июня 2019/);
    expect(formatDateTime('2019-06-04T10:15:00Z', 'az', 'UTC')).toBe('4 iyun 2019, 10:15');
  });
  it('partial dates', () => {
    expect(formatPartialDate('1990', 'az')).toBe('1990');
    expect(formatPartialDate('1990-05', 'az')).toBe('may 1990');
    expect(formatPartialDate('1990-05', 'en')).toBe('May 1990');
    expect(isPartialDate('1990')).toBe(true);
    expect(isPartialDate('1990-13')).toBe(false);
    expect(isPartialDate('1990-02-30')).toBe(false);
    expect(isPartialDate('90')).toBe(false);
  });
  it('money in qəpik', () => {
    expect(formatMoney(70000, 'en')).toBe('700.00 ₼');
    expect(formatMoney(123456789, 'az')).toBe('1.234.567,89 ₼');
    expect(formatNumber(1234567.5, 'az')).toBe('1.234.567,5');
  });
  it('datetime-local values become UTC instants', () => {
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('2020-01-02T03:04')).toMatch(/^2020-01-0\dT\d\d:04:00Z$/);
  });
});
