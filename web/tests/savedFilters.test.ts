import { describe, expect, it } from 'vitest';
import {
  addSavedFilter,
  dropsNameSearch,
  filterQuery,
  isCurrentFilter,
  loadSavedFilters,
  MAX_SAVED_FILTERS,
  parseSavedFilters,
  removeSavedFilter,
  savedFilterHref,
  savedFiltersKey,
  storeSavedFilters,
  type SavedFilter,
  type StorageLike,
} from '../src/savedFilters';

/** A Storage in memory; `broken` throws as a browser with storage disabled or full does. */
function memory(broken = false): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => {
      if (broken) throw new Error('SecurityError');
      return data.get(k) ?? null;
    },
    setItem: (k, v) => {
      if (broken) throw new Error('QuotaExceededError');
      data.set(k, v);
    },
  };
}

describe('saved filters', () => {
  it('are kept per user and per type: another user of the computer never sees them', () => {
    const s = memory();
    expect(savedFiltersKey(5, 'signal')).toBe('palermo.saved_filters.5.signal');
    expect(storeSavedFilters(s, 5, 'signal', [{ name: 'Açıq', query: 'state=registered' }])).toBe(true);
    expect(loadSavedFilters(s, 5, 'signal').items).toEqual([{ name: 'Açıq', query: 'state=registered' }]);
    expect(loadSavedFilters(s, 6, 'signal').items).toEqual([]);
    expect(loadSavedFilters(s, 5, 'referral').items).toEqual([]);
  });

  it('keep the list query but the name search (personal data) and paging', () => {
    expect(filterQuery({ state: 'sent', sort: '-sent_at', q: 'Əliyeva', cursor: 'abc', words: 'yardım', empty: '' })).toBe(
      'state=sent&sort=-sent_at&words=yard%C4%B1m',
    );
    expect(dropsNameSearch({ q: 'Əliyeva' })).toBe(true);
    expect(dropsNameSearch({ q: '' })).toBe(false);
    expect(filterQuery({ 'registered_on[gte]': '2019-01-01' })).toBe('registered_on%5Bgte%5D=2019-01-01');
    expect(savedFilterHref('signal', 'state=closed')).toBe('/records/signal?state=closed');
    expect(savedFilterHref('signal', '')).toBe('/records/signal');
  });

  it('the current one is known whatever the order of its values', () => {
    const f: SavedFilter = { name: 'x', query: 'state=sent&sort=-sent_at' };
    expect(isCurrentFilter(f, { sort: '-sent_at', state: 'sent' })).toBe(true);
    expect(isCurrentFilter(f, { sort: '-sent_at', state: 'sent', q: 'Ad' })).toBe(true);
    expect(isCurrentFilter(f, { state: 'sent' })).toBe(false);
  });

  it('are added under a name, replaced by the same name in any case, refused without a name or anything to keep', () => {
    let items: SavedFilter[] = [];
    const r = addSavedFilter(items, '  Mənim   açıq işlərim ', 'state=open');
    expect(r).toEqual({ items: [{ name: 'Mənim açıq işlərim', query: 'state=open' }], replaced: false });
    items = 'items' in r ? r.items : [];
    const again = addSavedFilter(items, 'MƏNİM AÇIQ İŞLƏRİM', 'state=closed');
    expect(again).toEqual({ items: [{ name: 'MƏNİM AÇIQ İŞLƏRİM', query: 'state=closed' }], replaced: true });
    expect(addSavedFilter(items, '   ', 'state=open')).toEqual({ error: 'name_empty' });
    expect(addSavedFilter(items, 'x'.repeat(61), 'state=open')).toEqual({ error: 'name_long' });
    expect(addSavedFilter(items, 'Boş', '')).toEqual({ error: 'nothing' });
    expect(removeSavedFilter(items, 'mənim açıq işlərim')).toEqual([]);
  });

  it(`at most ${MAX_SAVED_FILTERS} per type; a name already there may still be replaced`, () => {
    const items = Array.from({ length: MAX_SAVED_FILTERS }, (_, i) => ({ name: `F${i}`, query: `state=s${i}` }));
    expect(addSavedFilter(items, 'Yeni', 'state=x')).toEqual({ error: 'full' });
    const r = addSavedFilter(items, 'F3', 'state=x');
    expect('items' in r && r.items[3]).toEqual({ name: 'F3', query: 'state=x' });
  });

  it('a corrupt or foreign value in storage gives no filters (said so), never an error', () => {
    expect(parseSavedFilters(null)).toEqual({ items: [], corrupt: false });
    expect(parseSavedFilters('')).toEqual({ items: [], corrupt: false });
    expect(parseSavedFilters('{not json')).toEqual({ items: [], corrupt: true });
    expect(parseSavedFilters('{"name":"x"}')).toEqual({ items: [], corrupt: true });
    expect(parseSavedFilters('null')).toEqual({ items: [], corrupt: true });
    // the good ones kept, the bad ones left out
    const mixed = JSON.stringify([{ name: 'Yaxşı', query: '?state=a' }, { name: 5, query: 'x=1' }, null, 'str', { name: 'yaxşı', query: 'dup=1' }, { name: 'Adlı', query: 'q=Ad&state=b' }]);
    expect(parseSavedFilters(mixed)).toEqual({
      items: [
        { name: 'Yaxşı', query: 'state=a' },
        { name: 'Adlı', query: 'state=b' },
      ],
      corrupt: true,
    });
    const many = JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ name: `F${i}`, query: `a=${i}` })));
    const r = parseSavedFilters(many);
    expect(r.items).toHaveLength(MAX_SAVED_FILTERS);
    expect(r.corrupt).toBe(true);
    const s = memory();
    s.data.set(savedFiltersKey(1, 'signal'), '[[[');
    expect(loadSavedFilters(s, 1, 'signal')).toEqual({ items: [], corrupt: true });
  });

  it('storage unavailable: nothing read, a write says it failed', () => {
    const broken = memory(true);
    expect(loadSavedFilters(broken, 1, 'signal')).toEqual({ items: [], corrupt: false });
    expect(storeSavedFilters(broken, 1, 'signal', [])).toBe(false);
    expect(storeSavedFilters(undefined, 1, 'signal', [])).toBe(false);
    expect(loadSavedFilters(undefined, 1, 'signal')).toEqual({ items: [], corrupt: false });
  });
});
