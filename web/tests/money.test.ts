import { describe, expect, it } from 'vitest';
import { translator } from '../src/i18n';
import { manatToQepik, moneyMessage, moneyServerMessage, parseManat, qepikToManatInput, sameMoney } from '../src/money';

const FINE = { min: 0, max: 10_000_000 }; // labour_inspection.fine_amount: up to 100 000 AZN

describe('manat typed -> qəpik', () => {
  it('whole manat, a point or a comma, one or two decimals', () => {
    expect(parseManat('700')).toEqual({ value: 70000 });
    expect(parseManat('700.50')).toEqual({ value: 70050 });
    expect(parseManat('700,50')).toEqual({ value: 70050 });
    expect(parseManat('700,5')).toEqual({ value: 70050 });
    expect(parseManat('0')).toEqual({ value: 0 });
    expect(parseManat('0,01')).toEqual({ value: 1 });
    expect(parseManat('007')).toEqual({ value: 700 });
  });

  it('is exact where binary floating point is not', () => {
    expect(0.29 * 100).not.toBe(29); // 28.999999999999996
    expect(manatToQepik('0.29')).toBe(29);
    expect(manatToQepik('0,57')).toBe(57);
    expect(manatToQepik('1.13')).toBe(113);
    expect(manatToQepik('1234567.89')).toBe(123456789);
    expect(manatToQepik('9.07')).toBe(907);
    expect(manatToQepik('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
    for (let q = 0; q < 100_000; q += 7) expect(manatToQepik(qepikToManatInput(q))).toBe(q);
  });

  it('blank is no value, not an error', () => {
    expect(parseManat('')).toEqual({ value: undefined });
    expect(parseManat('   ')).toEqual({ value: undefined });
    expect(manatToQepik('')).toBeUndefined();
  });

  it('spaces around, and groups of three parted by spaces', () => {
    expect(parseManat('  700 ')).toEqual({ value: 70000 });
    expect(parseManat('\u00A0700\t')).toEqual({ value: 70000 });
    expect(parseManat('1 234,56')).toEqual({ value: 123456 });
    expect(parseManat('1\u00A0234\u00A0567,89')).toEqual({ value: 123456789 });
    expect(parseManat('1\u202F234,56')).toEqual({ value: 123456 }); // narrow no-break space (ru)
    expect(parseManat('7 00').error).toBe('format');
    expect(parseManat('7  000').error).toBe('format');
    expect(parseManat('1234 567').error).toBe('format');
  });

  it('a trailing point and a leading one', () => {
    expect(parseManat('700.')).toEqual({ value: 70000 });
    expect(parseManat('700,')).toEqual({ value: 70000 });
    expect(parseManat('.5')).toEqual({ value: 50 });
    expect(parseManat(',05')).toEqual({ value: 5 });
    expect(parseManat('.').error).toBe('format');
    expect(parseManat(',').error).toBe('format');
  });

  it('more than two decimals is refused, also ambiguous thousands ("1.234")', () => {
    expect(parseManat('700.505')).toEqual({ value: '700.505', error: 'decimals' });
    expect(parseManat('700,500').error).toBe('decimals');
    expect(parseManat('1.234').error).toBe('decimals');
    expect(parseManat('0.001').error).toBe('decimals');
  });

  it('hostile and foreign texts are not amounts (the text is kept, never dropped)', () => {
    for (const s of ['1e3', '1E3', '7a', 'abc', '0x10', 'Infinity', 'NaN', '+5', '--5', '7,00,0', '1.234,56', '1,234.56', '7.0.0', '700 AZN', '₼700', '700₼', '5-', '1_000', '١٢', '٧٠٠', '７００', '७००', '7\n00', '-', '−'])
      expect(parseManat(s, FINE), s).toEqual({ value: s.trim(), error: 'format' });
    expect(manatToQepik('1e3')).toBeUndefined();
    expect(manatToQepik('٧٠٠')).toBeUndefined();
  });

  it('negative amounts where the minimum is 0, "-0" included', () => {
    expect(parseManat('-5', FINE)).toEqual({ value: '-5', error: 'negative' });
    expect(parseManat('-0', FINE)).toEqual({ value: '-0', error: 'negative' });
    expect(parseManat('-0,00', FINE).error).toBe('negative');
    expect(parseManat('\u22125', FINE).error).toBe('negative'); // the minus sign
    expect(parseManat(' -700,50 ', FINE).error).toBe('negative');
    // Without a minimum a negative amount is one (and -0 is 0, not -0).
    expect(parseManat('-700,50')).toEqual({ value: -70050 });
    expect(Object.is(parseManat('-0').value, 0)).toBe(true);
    expect(parseManat('-5', { min: -100 })).toEqual({ value: -500, error: 'min' });
  });

  it('the schema limits are in qəpik', () => {
    expect(parseManat('100000', FINE)).toEqual({ value: 10_000_000 });
    expect(parseManat('100000,01', FINE)).toEqual({ value: 10_000_001, error: 'max' });
    expect(parseManat('5', { min: 1000 })).toEqual({ value: 500, error: 'min' });
    expect(manatToQepik('100000,01', FINE)).toBeUndefined();
  });

  it('very long texts', () => {
    expect(parseManat('9'.repeat(17), FINE)).toEqual({ value: '9'.repeat(17), error: 'max' });
    expect(parseManat('9'.repeat(17)).error).toBe('too_large');
    expect(parseManat('90071992547409.92').error).toBe('too_large'); // one qəpik beyond a safe integer
    expect(parseManat('1'.repeat(100_000), FINE).error).toBe('max');
    expect(parseManat('1'.repeat(100_000)).error).toBe('too_large');
    expect(parseManat('0'.repeat(60) + '7').value).toBe(700);
    expect(parseManat('7.' + '0'.repeat(100_000)).error).toBe('format');
    expect(parseManat('a'.repeat(100_000)).error).toBe('format');
    const started = Date.now();
    parseManat('1 '.repeat(50_000) + 'x');
    parseManat('1'.repeat(30) + ' 000'.repeat(10) + 'x');
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('qəpik -> the text of the input', () => {
  it('two decimals, exactly', () => {
    expect(qepikToManatInput(70000)).toBe('700.00');
    expect(qepikToManatInput(70050)).toBe('700.50');
    expect(qepikToManatInput(29)).toBe('0.29');
    expect(qepikToManatInput(5)).toBe('0.05');
    expect(qepikToManatInput(0)).toBe('0.00');
    expect(qepikToManatInput(123456789)).toBe('1234567.89');
    expect(qepikToManatInput(-70050)).toBe('-700.50');
    expect(qepikToManatInput(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
  });
  it('nothing, or a wrong text kept as it is', () => {
    expect(qepikToManatInput(undefined)).toBe('');
    expect(qepikToManatInput(null)).toBe('');
    expect(qepikToManatInput(Number.NaN)).toBe('');
    expect(qepikToManatInput('7a')).toBe('7a');
  });
  it('the typed text is left alone when it says the value', () => {
    expect(sameMoney('700,5', 70050)).toBe(true);
    expect(sameMoney('700.50', 70050)).toBe(true);
    expect(sameMoney('', undefined)).toBe(true);
    expect(sameMoney('7a', '7a')).toBe(true);
    expect(sameMoney('700', 70050)).toBe(false);
  });
});

describe('messages', () => {
  it('limits read in manat in each language', () => {
    expect(moneyMessage('max', FINE, translator('en'), 'en')).toBe('The amount can be at most 100,000.00 ₼.');
    expect(moneyMessage('max', FINE, translator('az'), 'az')).toBe('Məbləğ ən çoxu 100.000,00 ₼ ola bilər.');
    expect(moneyMessage('max', FINE, translator('ru'), 'ru')).toMatch(/^Сумма может быть не больше 100\s000,00 ₼\.$/);
    expect(moneyMessage('decimals', FINE, translator('az'), 'az')).toBe('Vergüldən sonra ən çoxu iki rəqəm (qəpik) ola bilər.');
    expect(moneyMessage('negative', FINE, translator('ru'), 'ru')).toBe('Сумма не может быть отрицательной.');
    expect(moneyMessage('format', FINE, translator('en'), 'en')).toBe('Enter the amount in manat, e.g. 700 or 700.50.');
    expect(moneyMessage('max', {}, translator('en'), 'en')).toBe('The amount is too large.');
  });
  it("the server's codes for a money field, in manat", () => {
    expect(moneyServerMessage('max', FINE, translator('en'), 'en')).toBe('The amount can be at most 100,000.00 ₼.');
    expect(moneyServerMessage('min', FINE, translator('en'), 'en')).toBe('The amount must be at least 0.00 ₼.');
    expect(moneyServerMessage('type', FINE, translator('en'), 'en')).toBe('Enter the amount in manat, e.g. 700 or 700.50.');
    expect(moneyServerMessage('required', FINE, translator('en'), 'en')).toBeUndefined();
  });
});
