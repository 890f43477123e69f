import { describe, expect, it } from 'vitest';
import {
  applyChanges,
  changesAlreadyIn,
  compareRecords,
  defaultChoices,
  fieldsOf,
  needsChoice,
  resolve,
  sameValue,
} from '../src/offline/conflicts';
import { recordsOf } from './records';

const person = recordsOf('person');

// One field per case: a (nobody changed it), b (mine only), c (theirs only), d (both, the same
// value), e (both, different values), f (I cleared it), g (they added it).
const base = person(12, { a: 1, b: 'x', c: 'x', d: 'x', e: 'x', f: 'x' }, 'registered', { version: 3 });
const changes = { b: 'mine', d: 'same', e: 'mine', f: null };
const mine = applyChanges(base, changes);
const theirs = person(12, { a: 1, b: 'x', c: 'theirs', d: 'same', e: 'theirs', f: 'x', g: 'new' }, 'closed', {
  version: 5,
  updated_at: '2025-03-02T10:00:00Z',
  updated_by: 9,
});

describe('comparing base, mine and theirs', () => {
  it('lists every field that differs, classified, and nothing else', () => {
    expect(compareRecords(base, mine, theirs)).toEqual([
      { field: 'b', base: 'x', mine: 'mine', theirs: 'x', kind: 'mine-only' },
      { field: 'c', base: 'x', mine: 'x', theirs: 'theirs', kind: 'theirs-only' },
      { field: 'd', base: 'x', mine: 'same', theirs: 'same', kind: 'both-same' },
      { field: 'e', base: 'x', mine: 'mine', theirs: 'theirs', kind: 'both-different' },
      { field: 'f', base: 'x', mine: null, theirs: 'x', kind: 'mine-only' },
      { field: 'g', base: null, mine: null, theirs: 'new', kind: 'theirs-only' },
    ]);
  });

  it('ignores what the server manages (version, dates, state), in records and flat maps', () => {
    const flatBase = { id: 12, version: 3, state: 'registered', updated_at: 'then', name: 'A' };
    const flatTheirs = { id: 12, version: 5, state: 'closed', updated_at: 'now', name: 'A' };
    expect(compareRecords(flatBase, flatBase, flatTheirs)).toEqual([]);
    expect(compareRecords(base, base, { ...base, version: 9, state: 'closed', updated_at: 'now' })).toEqual([]);
    expect(fieldsOf(base)).toBe(base.data);
    expect(fieldsOf(null)).toEqual({});
  });

  it('compares values as the server stores them: missing is null, objects by content', () => {
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue('1', 1)).toBe(false);
    expect(sameValue(0, null)).toBe(false);
    expect(sameValue('', null)).toBe(false);
    const b = { tags: ['a', 'b'], place: { lat: 1, lon: 2 } };
    expect(compareRecords(b, { tags: ['a', 'b'], place: { lon: 2, lat: 1 } }, { ...b, tags: ['b', 'a'] })).toEqual([
      { field: 'tags', base: ['a', 'b'], mine: ['a', 'b'], theirs: ['b', 'a'], kind: 'theirs-only' },
    ]);
  });
});

describe('resolving', () => {
  const conflicts = compareRecords(base, mine, theirs);

  it('chooses the side that changed by default and leaves both-different to the user', () => {
    expect(defaultChoices(conflicts)).toEqual({ b: 'mine', c: 'theirs', d: 'theirs', f: 'mine', g: 'theirs' });
    expect(needsChoice(conflicts)).toEqual(['e']);
    expect(() => resolve(conflicts, theirs)).toThrow(/Choose a value for: e/);
  });

  it('builds the PATCH of the fields that differ from theirs, with their version', () => {
    expect(resolve(conflicts, theirs, { e: 'mine' })).toEqual({ patch: { b: 'mine', e: 'mine', f: null }, version: 5 });
    expect(resolve(conflicts, theirs, { e: 'theirs' })).toEqual({ patch: { b: 'mine', f: null }, version: 5 });
    expect(resolve(conflicts, theirs, { e: { value: 'typed' }, b: 'theirs', c: 'mine', g: { value: undefined } })).toEqual({
      patch: { e: 'typed', c: 'x', f: null, g: null },
      version: 5,
    });
  });

  it('sends nothing when the user keeps the server values everywhere', () => {
    const keepTheirs = Object.fromEntries(conflicts.map((c) => [c.field, 'theirs' as const]));
    expect(resolve(conflicts, theirs, keepTheirs)).toEqual({ patch: {}, version: 5 });
  });
});

describe('a change already in', () => {
  it('is recognised field by field', () => {
    expect(changesAlreadyIn({ d: 'same' }, theirs)).toBe(true);
    expect(changesAlreadyIn({ d: 'same', e: 'mine' }, theirs)).toBe(false);
    expect(changesAlreadyIn({ h: null }, theirs)).toBe(true);
    expect(changesAlreadyIn({ a: null }, theirs)).toBe(false);
  });
});
