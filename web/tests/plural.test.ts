import { describe, expect, it } from 'vitest';
import { format, translate } from '../src/i18n';
import { pluralCategory, pluralForm, unitFor } from '../src/plural';

describe('plural rules', () => {
  it('Russian: one / few / many as CLDR says, for every number up to 1000', () => {
    const rules = new Intl.PluralRules('ru');
    for (let n = 0; n <= 1000; n++) expect(pluralCategory('ru', n), String(n)).toBe(rules.select(n));
    expect(pluralCategory('ru', 1.5)).toBe(rules.select(1.5));
  });

  it('English and Azerbaijani: one is exactly 1', () => {
    for (const n of [0, 1, 2, 11, 21, 101, 1.5]) {
      expect(pluralCategory('en', n), String(n)).toBe(new Intl.PluralRules('en').select(n));
      expect(pluralCategory('az', n), String(n)).toBe(n === 1 ? 'one' : 'other');
    }
  });

  it('picks the catalogue form', () => {
    const ru = ['лицо', 'лица', 'лиц'];
    expect([1, 2, 5, 11, 12, 14, 21, 22, 25, 91, 101, 111, 0].map((n) => `${n} ${pluralForm('ru', n, ru)}`)).toEqual([
      '1 лицо', '2 лица', '5 лиц', '11 лиц', '12 лиц', '14 лиц', '21 лицо', '22 лица', '25 лиц', '91 лицо', '101 лицо', '111 лиц', '0 лиц',
    ]);
    expect(pluralForm('ru', 1.5, ru)).toBe('лица');
    expect(pluralForm('en', 1, ['person', 'persons'])).toBe('person');
    expect(pluralForm('en', 0, ['person', 'persons'])).toBe('persons');
    expect(pluralForm('az', 91, ['şəxs'])).toBe('şəxs');
    expect(pluralForm('ru', 5, ['один'])).toBe('один'); // too few forms: the last given
  });

  it("agrees the statistics' units with the figure", () => {
    expect(unitFor('лиц', 91, 'ru')).toBe('лицо');
    expect(unitFor('лиц', 66, 'ru')).toBe('лиц');
    expect(unitFor('лиц', 3, 'ru')).toBe('лица');
    expect(unitFor('детей', 2, 'ru')).toBe('ребёнка');
    expect(unitFor('persons', 1, 'en')).toBe('person');
    expect(unitFor('persons', 2, 'en')).toBe('persons');
    expect(unitFor('şəxs', 1, 'az')).toBe('şəxs');
    expect(unitFor('лиц', null, 'ru')).toBe('лиц'); // held back ("<5")
    expect(unitFor('%', 1, 'ru')).toBe('%');
    expect(unitFor('неизвестно', 1, 'ru')).toBe('неизвестно');
  });

  it('messages word their counts: {n|one|few|many}', () => {
    expect(format('{n} {n|день|дня|дней}', { n: 21 }, 'ru')).toBe('21 день');
    expect(format('{n} {n|день|дня|дней}', { n: '1 234' }, 'ru')).toBe('1 234 дня');
    expect(format('{n} {n|day|days}', { n: 1 }, 'en')).toBe('1 day');
    expect(format('{n|day|days}', {}, 'en')).toBe('{n|day|days}');
    expect(translate('ru', 'visits.in_days', { n: 3 })).toBe('через 3 дня');
    expect(translate('ru', 'visits.in_days', { n: 5 })).toBe('через 5 дней');
    expect(translate('ru', 'hotline.hidden', { n: 1 })).toBe('Ещё 1 запись без доступа.');
    expect(translate('en', 'hotline.hidden', { n: 1 })).toBe('1 more registration you cannot see.');
    expect(translate('en', 'imports.failed', { n: 2 })).toBe('The file has 2 errors; nothing was imported.');
    expect(translate('az', 'visits.in_days', { n: 5 })).toBe('5 gün sonra');
  });
});

describe('catalogues', () => {
  it('a counted word names a placeholder the message has', async () => {
    const { catalogs, LANGS } = await import('../src/i18n');
    for (const lang of LANGS)
      for (const [key, text] of Object.entries(catalogs[lang]))
        for (const m of text.matchAll(/\{(\w+)\|[^{}]*\}/g)) expect(text, `${lang} ${key}`).toContain(`{${m[1]}}`);
  });
});
