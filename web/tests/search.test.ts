import { describe, expect, it } from 'vitest';
import { ApiError, parseProblem } from '../src/api';
import { translate } from '../src/i18n';
import type { FieldDef } from '../src/meta';
import { matchRoute, ROUTES } from '../src/router';
import {
  groupHits,
  hasSearchWord,
  hasWordSearch,
  hitHref,
  moreHref,
  refSearchPlan,
  searchHref,
  searchPath,
  searchRefusal,
  type SearchHit,
} from '../src/search';

const field = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type: 'text',
  label: { az: name },
  required: false,
  indexed: false,
  sensitivity: 'case',
  ...extra,
});

describe('hasSearchWord', () => {
  it('needs a word of 3 letters or digits, in any script, accents and Azerbaijani letters counted', () => {
    expect(hasSearchWord('yardim')).toBe(true);
    expect(hasSearchWord('Yardım')).toBe(true);
    expect(hasSearchWord('Şəki')).toBe(true);
    expect(hasSearchWord('Мир')).toBe(true);
    expect(hasSearchWord('2024')).toBe(true);
    expect(hasSearchWord('ə̃ab')).toBe(true); // a combining mark does not split the word
    expect(hasSearchWord('ab cd')).toBe(false);
    expect(hasSearchWord('  ')).toBe(false);
    expect(hasSearchWord('a-b-c')).toBe(false);
    expect(hasSearchWord('no 12')).toBe(false);
  });
});

describe('hasWordSearch', () => {
  it('is true when a field of the type is marked word_search', () => {
    expect(hasWordSearch({ fields: [field('name', { word_search: true })] })).toBe(true);
    expect(hasWordSearch({ fields: [field('name'), field('last_name', { name_search: true })] })).toBe(false);
    expect(hasWordSearch(undefined)).toBe(false);
  });
});

describe('addresses', () => {
  it('the search page: /search?q=, trimmed and encoded; the route and ROUTES know it', () => {
    expect(searchHref('  Yardım Mərkəzi ')).toBe('/search?q=Yard%C4%B1m%20M%C9%99rk%C9%99zi');
    expect(searchHref('   ')).toBe('/search');
    expect(ROUTES.search).toBe('/search');
    expect(matchRoute('/search')).toEqual({ page: 'search' });
    expect(matchRoute('/search/')).toEqual({ page: 'search' });
  });

  it('the API: /search?q=&per_type=', () => {
    expect(searchPath('a&b ')).toBe('/search?q=a%26b&per_type=5');
    expect(searchPath('yardim', 10)).toBe('/search?q=yardim&per_type=10');
  });

  it('a hit leads to its record (a criminal case to its own page); "more" to the list filtered', () => {
    expect(hitHref({ type: 'facility', id: 12 })).toBe('/records/facility/12');
    expect(hitHref({ type: 'criminal_case', id: 3 })).toBe('/criminal-cases/3');
    expect(moreHref('facility', ' yardim ', 'words')).toBe('/records/facility?words=yardim');
    expect(moreHref('person', 'Əliyeva', 'name')).toBe('/records/person?q=%C6%8Fliyeva');
  });
});

describe('groupHits', () => {
  const hits: SearchHit[] = [
    { type: 'victim_case', id: 4, title: 'VC-2024-1', match: 'words' },
    { type: 'facility', id: 12, title: 'Yardım Mərkəzi Sumqayıt', match: 'words' },
    { type: 'facility', id: 13, title: 'Yardım Mərkəzi Bakı', match: 'words', more: true },
    { type: 'person', id: 7, title: 'P-1', match: 'words' },
    { type: 'person', id: 8, title: 'P-2', match: 'name', more: true },
    { type: 'person', id: 7, title: 'P-1', match: 'name' },
  ];

  it('groups by type in the server order, each hit once, and says which list has the rest', () => {
    const groups = groupHits(hits);
    expect(groups.map((g) => g.type)).toEqual(['victim_case', 'facility', 'person']);
    expect(groups[0]).toEqual({ type: 'victim_case', hits: [hits[0]] });
    expect(groups[1]!.hits.map((h) => h.id)).toEqual([12, 13]);
    expect(groups[1]!.more).toBe('words');
    expect(groups[2]!.hits.map((h) => h.id)).toEqual([7, 8]);
    expect(groups[2]!.more).toBe('name');
  });

  it('words win over names for the "more" link', () => {
    const groups = groupHits([
      { type: 'person', id: 1, match: 'name', more: true },
      { type: 'person', id: 2, match: 'words', more: true },
    ]);
    expect(groups[0]!.more).toBe('words');
  });

  it('orders the types as asked (e.g. by their labels)', () => {
    const labels: Record<string, string> = { victim_case: 'Victim case', facility: 'Facility', person: 'Person' };
    const groups = groupHits(hits, (a, b) => labels[a]!.localeCompare(labels[b]!, 'en'));
    expect(groups.map((g) => g.type)).toEqual(['facility', 'person', 'victim_case']);
    // Azerbaijani order: Q before M (A B C Ç D E Ə F G Ğ H X I İ J K Q L M ...).
    const az: Record<string, string> = { victim_case: 'Qurbanın işi', facility: 'Müəssisə', person: 'Şəxs' };
    expect(groupHits(hits, (a, b) => az[a]!.localeCompare(az[b]!, 'az')).map((g) => g.type)).toEqual(['victim_case', 'facility', 'person']);
  });

  it('nothing found: no groups', () => {
    expect(groupHits([])).toEqual([]);
  });
});

describe('searchRefusal', () => {
  const refused = (field: string, code: string) =>
    parseProblem(422, 'application/problem+json', JSON.stringify({ code: 'validation.failed', status: 422, errors: [{ field, code, message: 'm' }] }));

  it('reads the rule broken from the 422 of the field asked about', () => {
    expect(searchRefusal(refused('q', 'min_length'), 'q')).toBe('min_length');
    expect(searchRefusal(refused('q', 'max_length'), 'q')).toBe('max_length');
    expect(searchRefusal(refused('words', 'not_searchable'), 'words')).toBe('not_searchable');
    expect(searchRefusal(refused('words', 'min_length'), 'q')).toBeUndefined();
    expect(searchRefusal(refused('q', 'other'), 'q')).toBeUndefined();
  });

  it('any other failure is not a refusal of the text', () => {
    expect(searchRefusal(new ApiError({ status: 500, code: 'internal' }), 'q')).toBeUndefined();
    expect(searchRefusal(new Error('x'), 'q')).toBeUndefined();
    expect(searchRefusal(undefined, 'q')).toBeUndefined();
  });

  it('the messages name the rule in every language', () => {
    expect(translate('az', 'search.too_short')).toMatch(/3 hərf və ya rəqəm/);
    expect(translate('en', 'search.too_short')).toMatch(/3 letters or digits/);
    expect(translate('ru', 'search.too_short')).toMatch(/3 букв или цифр/);
    expect(translate('en', 'search.found', { n: 1 })).toBe('1 result found');
    expect(translate('en', 'search.found', { n: 4 })).toBe('4 results found');
  });
});

describe('refSearchPlan', () => {
  const words = { titleField: 'name', wordSearch: true, nameSearch: false };

  it('a type searched by words: the words, not the exact title', () => {
    expect(refSearchPlan('Yardım', words)).toEqual({ words: 'Yardım' });
    expect(refSearchPlan('  yardim merk ', words)).toEqual({ words: 'yardim merk' });
  });

  it('too short for words: the exact title as the fallback', () => {
    expect(refSearchPlan('Ya', words)).toEqual({ title: ['name', 'Ya'] });
    expect(refSearchPlan('Ya', { ...words, titleField: undefined })).toEqual({});
  });

  it('a type without word_search fields: the exact title', () => {
    expect(refSearchPlan('Yardım', { ...words, wordSearch: false })).toEqual({ title: ['name', 'Yardım'] });
  });

  it('a number: that record, and the words (a number in a case number)', () => {
    expect(refSearchPlan('12', words)).toEqual({ id: 12, title: ['name', '12'] });
    expect(refSearchPlan('2024', words)).toEqual({ id: 2024, words: '2024' });
  });

  it('names for roles with identity access (2 letters or more, not a number)', () => {
    const names = { titleField: 'pseudonym', wordSearch: true, nameSearch: true };
    expect(refSearchPlan('Əliyeva', names)).toEqual({ words: 'Əliyeva', names: 'Əliyeva' });
    expect(refSearchPlan('Ə', names)).toEqual({ title: ['pseudonym', 'Ə'] });
    expect(refSearchPlan('123', names)).toEqual({ id: 123, words: '123' });
  });

  it('nothing typed: nothing searched', () => {
    expect(refSearchPlan('   ', words)).toEqual({});
  });
});
