import { describe, expect, it } from 'vitest';
import { agencyLabel, agencyName, agencyOptions, agencyTypeField, isAgencyField, type Agency } from '../src/agencies';

const agencies: Agency[] = [
  { id: 3, name: 'Yardım Mərkəzi', type: 'assistance_center', region: 'Bakı', active: true },
  { id: 1, name: 'DİN Baş İdarəsi', type: 'special_police', region: '', active: true },
  { id: 7, name: 'QHT «Ümid»', type: 'ngo', region: 'Gəncə', active: true },
  { id: 9, name: 'Bağlanmış QHT', type: 'ngo', region: 'Gəncə', active: false },
];

describe('agency id fields', () => {
  it('are integer fields named agency_id or ending in _agency_id', () => {
    expect(isAgencyField({ name: 'responsible_agency_id', type: 'integer' })).toBe(true);
    expect(isAgencyField({ name: 'to_agency_id', type: 'integer' })).toBe(true);
    expect(isAgencyField({ name: 'agency_id', type: 'integer' })).toBe(true);
    // not a number field, or a name that only resembles one
    expect(isAgencyField({ name: 'to_agency_id', type: 'text' })).toBe(false);
    expect(isAgencyField({ name: 'agency_ids', type: 'integer' })).toBe(false);
    expect(isAgencyField({ name: 'subagency_id', type: 'integer' })).toBe(false);
    expect(isAgencyField({ name: 'agency', type: 'integer' })).toBe(false);
  });
  it('are narrowed by the agency type field beside them', () => {
    expect(agencyTypeField('to_agency_id')).toBe('to_agency_type');
    expect(agencyTypeField('responsible_agency_id')).toBe('responsible_agency_type');
  });
});

describe('agency labels and names', () => {
  it('"name (region)", the name alone without a region', () => {
    expect(agencyLabel(agencies[0]!)).toBe('Yardım Mərkəzi (Bakı)');
    expect(agencyLabel(agencies[1]!)).toBe('DİN Baş İdarəsi');
    expect(agencyLabel({ name: 'X', region: '  ' })).toBe('X');
  });
  it("names the region by the list's label when given one (the agency stores its code)", () => {
    const names: Record<string, string> = { ganja: 'Gəncə', baku: 'Bakı' };
    const regionLabel = (c: string) => names[c] ?? c;
    expect(agencyLabel({ name: 'QHT', region: 'ganja' }, regionLabel)).toBe('QHT (Gəncə)');
    expect(agencyLabel({ name: 'QHT', region: 'unknown' }, regionLabel)).toBe('QHT (unknown)');
    const options = agencyOptions([{ id: 5, name: 'Polis', type: 'police', region: 'baku', active: true }], undefined, '', 'az', regionLabel);
    expect(options).toEqual([{ value: 5, label: 'Polis (Bakı)' }]);
  });
  it('reads an id as the name; an unknown one by its number; nothing for no id', () => {
    expect(agencyName(agencies, 7)).toBe('QHT «Ümid»');
    expect(agencyName(agencies, 42)).toBe('№ 42');
    expect(agencyName([], 3)).toBe('№ 3');
    expect(agencyName(agencies, undefined)).toBe('');
    expect(agencyName(agencies, '7')).toBe('');
  });
});

describe('agency choices', () => {
  it('active agencies by label, with the region', () => {
    const o = agencyOptions(agencies, undefined, undefined);
    expect(o.map((x) => x.value)).toEqual([1, 7, 3]);
    expect(o.map((x) => x.label)).toEqual(['DİN Baş İdarəsi', 'QHT «Ümid» (Gəncə)', 'Yardım Mərkəzi (Bakı)']);
  });
  it('of the type chosen beside the field, keeping the current value', () => {
    expect(agencyOptions(agencies, undefined, 'ngo').map((x) => x.value)).toEqual([7]);
    expect(agencyOptions(agencies, 3, 'ngo').map((x) => x.value)).toEqual([7, 3]);
    expect(agencyOptions(agencies, undefined, '').map((x) => x.value)).toEqual([1, 7, 3]);
  });
  it('a deactivated agency only when it is the current value', () => {
    expect(agencyOptions(agencies, undefined, undefined).some((x) => x.value === 9)).toBe(false);
    expect(agencyOptions(agencies, 9, undefined).find((x) => x.value === 9)?.label).toBe('Bağlanmış QHT (Gəncə)');
  });
  it('an id not listed (or the list not loaded yet) stays chosen, by its number, first', () => {
    expect(agencyOptions([], 5, undefined)).toEqual([{ value: 5, label: '№ 5' }]);
    expect(agencyOptions(agencies, 5, undefined)[0]).toEqual({ value: 5, label: '№ 5' });
  });
});
