import { describe, expect, it } from 'vitest';
import { assignedHref, assigneeField, colleagueName, colleagueOptions, isUserField, type Colleague } from '../src/colleagues';

const colleagues: Colleague[] = [
  { id: 6, display_name: 'Əliyeva Sınaq' },
  { id: 2, display_name: 'Bağırov Nümunə' },
  { id: 9, display_name: 'Cəfərov Test' },
];

describe('user id fields', () => {
  it('are integer fields named user_id or ending in _user_id', () => {
    expect(isUserField({ name: 'assigned_user_id', type: 'integer' })).toBe(true);
    expect(isUserField({ name: 'user_id', type: 'integer' })).toBe(true);
    // not a number field, or a name that only resembles one
    expect(isUserField({ name: 'assigned_user_id', type: 'text' })).toBe(false);
    expect(isUserField({ name: 'assigned_user_ids', type: 'integer' })).toBe(false);
    expect(isUserField({ name: 'superuser_id', type: 'integer' })).toBe(false);
    expect(isUserField({ name: 'to_agency_id', type: 'integer' })).toBe(false);
  });
  it('an indexed one filters the list ("my cases")', () => {
    const fields = [
      { name: 'case_number', type: 'text', indexed: true },
      { name: 'helper_user_id', type: 'integer', indexed: false },
      { name: 'assigned_user_id', type: 'integer', indexed: true },
    ] as const;
    expect(assigneeField(fields)?.name).toBe('assigned_user_id');
    expect(assigneeField(fields.slice(0, 2))).toBeUndefined();
    expect(assignedHref('victim_case', 'assigned_user_id', 6)).toBe('/records/victim_case?assigned_user_id=6');
  });
});

describe('colleague names and choices', () => {
  it('reads an id as the name; anyone not listed by their number; nothing for no id', () => {
    expect(colleagueName(colleagues, 2)).toBe('Bağırov Nümunə');
    expect(colleagueName(colleagues, 42)).toBe('№ 42');
    expect(colleagueName([], 6)).toBe('№ 6');
    expect(colleagueName([{ id: 3, display_name: ' ' }], 3)).toBe('№ 3');
    expect(colleagueName(colleagues, undefined)).toBe('');
    expect(colleagueName(colleagues, '6')).toBe('');
  });
  it('offers the colleagues by name in the alphabet of the language', () => {
    // Azerbaijani order: A B C Ç D E Ə …
    expect(colleagueOptions(colleagues, undefined).map((o) => o.value)).toEqual([2, 9, 6]);
    expect(colleagueOptions(colleagues, 2)[0]).toEqual({ value: 2, label: 'Bağırov Nümunə' });
  });
  it('keeps the current value when it is not a colleague (another agency\'s worker), first, by number', () => {
    const options = colleagueOptions(colleagues, 42);
    expect(options[0]).toEqual({ value: 42, label: '№ 42' });
    expect(options).toHaveLength(4);
    expect(colleagueOptions([], 5)).toEqual([{ value: 5, label: '№ 5' }]);
  });
});
