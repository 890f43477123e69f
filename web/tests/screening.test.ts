import { describe, expect, it } from 'vitest';
import { afterScreeningHref, ageRange, choiceMessages, defaultList, focusFor, latestScreening, screenedBy } from '../src/screening';
import { translate } from '../src/i18n';

describe('focusFor (the indicator list from the forms of exploitation)', () => {
  it('takes the sexual list when the case records sexual exploitation', () => {
    expect(focusFor(['sexual_prostitution'])).toEqual({ focus: 'sexual', reason: 'sexual', forms: ['sexual_prostitution'] });
    expect(focusFor(['sexual_remote', 'sexual_private']).focus).toBe('sexual');
  });
  it('takes the sexual list for mixed forms, and says so', () => {
    expect(focusFor(['forced_labour', 'sexual_pornography'])).toMatchObject({ focus: 'sexual', reason: 'mixed' });
  });
  it('takes the labour list for other forms and when none is recorded', () => {
    expect(focusFor(['forced_labour', 'servitude'])).toMatchObject({ focus: 'labour', reason: 'labour' });
    expect(focusFor([])).toMatchObject({ focus: 'labour', reason: 'none' });
    expect(focusFor(undefined)).toMatchObject({ focus: 'labour', reason: 'none' });
    expect(focusFor('sexual_prostitution')).toMatchObject({ focus: 'labour', reason: 'none' });
    expect(focusFor([null, 7, ''])).toMatchObject({ focus: 'labour', reason: 'none', forms: [] });
  });
});

describe('ageRange (whole years from a partial date of birth)', () => {
  it('is exact for a full date, the birthday counted on the day', () => {
    expect(ageRange('2001-03-10', '2019-03-10')).toEqual({ min: 18, max: 18 });
    expect(ageRange('2001-03-11', '2019-03-10')).toEqual({ min: 17, max: 17 });
    expect(ageRange('2000-02-29', '2018-02-28')).toEqual({ min: 17, max: 17 });
  });
  it('is a range of two for a year alone, or the birthday month', () => {
    expect(ageRange('2001', '2019-03-10')).toEqual({ min: 17, max: 18 });
    expect(ageRange('2001-03', '2019-03-10')).toEqual({ min: 17, max: 18 });
    expect(ageRange('2001-02', '2019-03-10')).toEqual({ min: 18, max: 18 });
    expect(ageRange('2001-04', '2019-03-10')).toEqual({ min: 17, max: 17 });
  });
  it('refuses what is not a date, and a birth after the day', () => {
    expect(ageRange('10.03.2001', '2019-03-10')).toBeUndefined();
    expect(ageRange(2001, '2019-03-10')).toBeUndefined();
    expect(ageRange('2020', '2019-03-10')).toBeUndefined();
    expect(ageRange('2019', '2019-03-10')).toEqual({ min: 0, max: 0 });
  });
});

describe('defaultList', () => {
  const on = '2019-03-10';
  it('a sexually exploited adult: the sexual adult list', () => {
    const c = defaultList({ forms: ['sexual_prostitution'], birth: '1994-06-22', caseIsChild: false }, on);
    expect(c).toMatchObject({ focus: 'sexual', isChild: false, focusReason: 'sexual', childReason: 'adult', age: 24 });
  });
  it('a minor on the screening day: the child list, whatever the case said when registered', () => {
    expect(defaultList({ forms: ['forced_labour'], birth: '2003-01-05', caseIsChild: false }, on)).toMatchObject({ isChild: true, childReason: 'minor', age: 16 });
  });
  it('an uncertain age (a year only, 17 or 18): presumed a child', () => {
    expect(defaultList({ birth: '2001' }, on)).toMatchObject({ isChild: true, childReason: 'uncertain', age: undefined, birth: '2001' });
  });
  it('no date of birth: what the case recorded, else the adult list', () => {
    expect(defaultList({ caseIsChild: true }, on)).toMatchObject({ isChild: true, childReason: 'case_child' });
    expect(defaultList({ caseIsChild: false }, on)).toMatchObject({ isChild: false, childReason: 'case_adult' });
    expect(defaultList({}, on)).toMatchObject({ isChild: false, childReason: 'unknown', focus: 'labour', focusReason: 'none' });
    expect(defaultList({ birth: 'not a date', caseIsChild: 'yes' }, on)).toMatchObject({ isChild: false, childReason: 'unknown' });
  });
});

describe('choiceMessages (why the list, in words)', () => {
  const words = (lang: 'az' | 'en' | 'ru', birth: string, forms: string[]) =>
    choiceMessages(defaultList({ forms, birth }, '2019-03-10'), (c) => `«${c}»`).map((m) => translate(lang, m.key, m.params));
  it('names the forms and the age', () => {
    expect(words('en', '1994-06-22', ['sexual_prostitution'])).toEqual([
      'The sexual exploitation list: the case records «sexual_prostitution».',
      'The adult list: 24 years old on the screening day.',
    ]);
    expect(words('ru', '2003-01-05', [])[1]).toBe('Детский список: в день проверки 16 лет.');
    expect(words('ru', '2017-01-05', [])[1]).toBe('Детский список: в день проверки 2 года.');
    expect(words('az', '2003-01-05', ['forced_labour'])).toEqual(['Əmək istismarı siyahısı: işdə «forced_labour» qeyd olunub.', 'Uşaq siyahısı: yoxlama günü 16 yaşı var.']);
  });
  it('shows an uncertain date of birth as typed (mm.yyyy, yyyy), not ISO', () => {
    expect(words('en', '2001-03', [])[1]).toContain('(03.2001)');
    expect(words('en', '2001', [])[1]).toContain('(2001)');
  });
  it('never leaves a placeholder', () => {
    for (const lang of ['az', 'en', 'ru'] as const)
      for (const birth of ['1994-06-22', '2003', '2001', '', '2003-01'])
        for (const forms of [[], ['forced_labour'], ['sexual_private', 'servitude']]) for (const w of words(lang, birth, forms)) expect(w).not.toMatch(/[{}]/);
  });
});

describe('latestScreening', () => {
  const s = (id: number, screened_on?: string, created_at?: string) => ({ id, created_at, data: screened_on ? { screened_on } : {} });
  it('takes the latest day, then the latest made, then the highest id', () => {
    expect(latestScreening([s(1, '2019-03-01'), s(2, '2019-03-05'), s(3, '2019-02-28')])?.id).toBe(2);
    expect(latestScreening([s(4, '2019-03-05', '2019-03-05T10:00:00Z'), s(2, '2019-03-05', '2019-03-05T11:00:00Z')])?.id).toBe(2);
    expect(latestScreening([s(4, '2019-03-05'), s(7, '2019-03-05'), s(5, '2019-03-05')])?.id).toBe(7);
    expect(latestScreening([s(9), s(1, '2018-01-01')])?.id).toBe(1);
    expect(latestScreening([])).toBeUndefined();
  });
});

describe('screenedBy', () => {
  it('the screener named, else who recorded it', () => {
    expect(screenedBy({ screener: ' Kapitan Sınaq ' }, [{ action: 'create', by_name: 'X' }])).toBe('Kapitan Sınaq');
    expect(screenedBy({ screener: '' }, [{ action: 'update', by_name: 'Y' }, { action: 'create', by_name: 'Z' }])).toBe('Z');
    expect(screenedBy({}, [{ action: 'create', by_name: '' }])).toBeUndefined();
    expect(screenedBy({}, undefined)).toBeUndefined();
  });
});

describe('afterScreeningHref (saving lands on the case)', () => {
  it('goes to the case the screening was made for', () => {
    expect(afterScreeningHref({ victim_case: 12, person: 3 }, 'person:3', 40)).toBe('/records/victim_case/12?screened=40');
  });
  it('else back to the record it was opened from, else the screening', () => {
    expect(afterScreeningHref({ person: 3 }, 'person:3', 40)).toBe('/records/person/3?screened=40');
    expect(afterScreeningHref({}, 'person:3/../x', 40)).toBe('/records/screening/40?created=1');
    expect(afterScreeningHref({ victim_case: '12' }, undefined, 40)).toBe('/records/screening/40?created=1');
  });
});
