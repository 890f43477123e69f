// The record page's parts (src/sections.ts) and its summary's helpers (src/recordSummary.ts).
import { describe, expect, it } from 'vitest';
import { type FieldDef, type TypeDef } from '../src/meta';
import { holdingAgency, registeredBy, summarizePlacements } from '../src/recordSummary';
import { formSections, hasSections, OTHER_SECTION, readSection, recordSections, sectionOf, sectionPatch } from '../src/sections';
import { matchRoute } from '../src/router';

const f = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type: 'text',
  label: { az: name },
  required: false,
  indexed: false,
  sensitivity: 'case',
  ...extra,
});

const caseType: TypeDef = {
  name: 'victim_case',
  label: { az: 'Qurbanın işi' },
  fields: [
    f('case_number'),
    f('registered_on', { type: 'date' }),
    f('age', { type: 'integer', computed: { function: 'age_years' } }),
    f('decision_date', { type: 'date' }),
    f('revoked_on', { type: 'date' }),
    f('revocation_reason', { type: 'long_text', visible_if: { field: 'revoked_on', present: true } }),
    f('country_of_exploitation', { type: 'country' }),
    f('forms', { type: 'multi_enum', values: 'forms' }),
    f('place', { visible_if: { field: 'country_of_exploitation', present: true } }),
    f('notes', { type: 'long_text' }),
    f('scan', { type: 'attachment' }),
    f('name', { sensitivity: 'identity' }),
  ],
  sections: [
    { name: 'case', label: { az: 'İş', en: 'Case' }, fields: ['case_number', 'registered_on', 'age', 'name'] },
    { name: 'identification', label: { az: 'Tanınma' }, fields: ['revoked_on', 'decision_date', 'revocation_reason'] },
    { name: 'exploitation', label: { az: 'İstismar' }, fields: ['forms', 'country_of_exploitation'] },
  ],
};

describe('recordSections', () => {
  it("keeps the schema's sections in order, each in its own field order", () => {
    const s = recordSections(caseType);
    expect(s.map((x) => x.name)).toEqual(['case', 'identification', 'exploitation', OTHER_SECTION]);
    expect(s[1]!.fields.map((x) => x.name)).toEqual(['revoked_on', 'decision_date', 'revocation_reason']);
    expect(s[0]!.label).toEqual({ az: 'İş', en: 'Case' });
  });

  it('puts the fields no section names last, under "Other", in schema order', () => {
    const other = recordSections(caseType).at(-1)!;
    expect(other.name).toBe(OTHER_SECTION);
    expect(other.label).toBeUndefined();
    expect(other.fields.map((x) => x.name)).toEqual(['place', 'notes', 'scan']);
  });

  it('has no "Other" when every field is in a section', () => {
    const all: TypeDef = { ...caseType, fields: caseType.fields.slice(0, 2), sections: [{ name: 'case', label: { az: 'İş' }, fields: ['registered_on', 'case_number'] }] };
    expect(recordSections(all).map((x) => x.name)).toEqual(['case']);
  });

  it('skips unknown and repeated names and drops a section left empty', () => {
    const odd: TypeDef = {
      ...caseType,
      sections: [
        { name: 'a', label: { az: 'A' }, fields: ['gone', 'case_number'] },
        { name: 'b', label: { az: 'B' }, fields: ['case_number', 'gone'] },
      ],
    };
    const s = recordSections(odd);
    expect(s.map((x) => x.name)).toEqual(['a', OTHER_SECTION]);
    expect(s[0]!.fields.map((x) => x.name)).toEqual(['case_number']);
    expect(s[1]!.fields).toHaveLength(caseType.fields.length - 1);
  });

  it('gives a type without sections one unnamed part with every field', () => {
    for (const sections of [undefined, []]) {
      const plain: TypeDef = { ...caseType, sections };
      expect(hasSections(plain)).toBe(false);
      const s = recordSections(plain);
      expect(s).toHaveLength(1);
      expect(s[0]!.name).toBe('');
      expect(s[0]!.label).toBeUndefined();
      expect(s[0]!.fields).toBe(plain.fields);
    }
    expect(hasSections(caseType)).toBe(true);
  });

  it("a new record's form leaves out a part with nothing to fill (computed fields only)", () => {
    const t: TypeDef = {
      ...caseType,
      sections: [...caseType.sections!, { name: 'computed', label: { az: 'Hesablanan' }, fields: ['age'] }],
    };
    expect(formSections(t).map((x) => x.name)).toEqual(['case', 'identification', 'exploitation', OTHER_SECTION]);
    // A file on a type that takes none is nothing to fill either.
    const noFiles: TypeDef = { ...caseType, attachments: 'never', sections: [{ name: 'files', label: { az: 'Fayllar' }, fields: ['scan'] }] };
    expect(formSections(noFiles).map((x) => x.name)).toEqual([OTHER_SECTION]);
  });

  it('finds the part a field is in', () => {
    const s = recordSections(caseType);
    expect(sectionOf(s, 'decision_date')).toBe('identification');
    expect(sectionOf(s, 'notes')).toBe(OTHER_SECTION);
    expect(sectionOf(s, 'nothing')).toBeUndefined();
  });
});

describe('readSection', () => {
  const [caseSection, identification, exploitation, other] = recordSections(caseType);

  it('shows the fields with values and counts the empty ones', () => {
    const r = readSection(caseType, caseSection!, { case_number: 'A-1', registered_on: '2019-03-01', age: 24 });
    expect(r.shown.map((x) => x.name)).toEqual(['case_number', 'registered_on', 'age']);
    // The name is empty; the computed age would not have been counted.
    expect(r.empty).toBe(1);
    expect(readSection(caseType, caseSection!, {}).empty).toBe(3);
  });

  it('does not count a field whose condition does not hold, nor an identity field the server withheld', () => {
    expect(readSection(caseType, identification!, {}).empty).toBe(2);
    expect(readSection(caseType, identification!, { revoked_on: '2020-01-01' })).toEqual({ shown: [identification!.fields[0]], empty: 2 });
    expect(readSection(caseType, caseSection!, { case_number: 'A-1' }, true).empty).toBe(1);
  });

  it('treats blank text and empty lists as empty', () => {
    const r = readSection(caseType, exploitation!, { forms: [], country_of_exploitation: '' });
    expect(r).toEqual({ shown: [], empty: 2 });
    expect(readSection(caseType, exploitation!, { forms: ['forced_labour'], country_of_exploitation: 'RU' }).shown).toHaveLength(2);
  });

  it('never shows a file on a type that takes none', () => {
    const noFiles: TypeDef = { ...caseType, attachments: 'never' };
    const r = readSection(noFiles, other!, { scan: 'att_1', notes: 'x' });
    expect(r.shown.map((x) => x.name)).toEqual(['notes']);
    expect(r.empty).toBe(0);
  });
});

describe('sectionPatch', () => {
  const [caseSection, identification, exploitation] = recordSections(caseType);
  const before = { case_number: 'A-1', registered_on: '2019-03-01', decision_date: '2019-03-10', notes: 'x', country_of_exploitation: 'RU', place: 'Moskva' };

  it("sends the part's changed fields only, absent ones as null", () => {
    const edited = { ...before, forms: ['forced_labour'], country_of_exploitation: 'TR', place: 'İstanbul' };
    // The place changed in the edit too but is another part's: not sent.
    expect(sectionPatch(caseType, exploitation!, before, edited)).toEqual({ forms: ['forced_labour'], country_of_exploitation: 'TR' });
    const cleared: Record<string, unknown> = { ...before };
    delete cleared.decision_date;
    expect(sectionPatch(caseType, identification!, before, cleared)).toEqual({ decision_date: null });
  });

  it('is empty when nothing in the part changed', () => {
    expect(sectionPatch(caseType, caseSection!, before, { ...before, notes: 'changed elsewhere' })).toEqual({});
    expect(sectionPatch(caseType, caseSection!, before, { ...before, name: '' })).toEqual({});
  });

  it("clears another part's value that the change hides (its condition no longer holds)", () => {
    const edited: Record<string, unknown> = { ...before };
    delete edited.country_of_exploitation;
    expect(sectionPatch(caseType, exploitation!, before, edited)).toEqual({ country_of_exploitation: null, place: null });
  });

  it("clears a value of the part itself that the change hides", () => {
    const b = { ...before, revoked_on: '2020-01-01', revocation_reason: 'səhv' };
    const edited: Record<string, unknown> = { ...b };
    delete edited.revoked_on;
    expect(sectionPatch(caseType, identification!, b, edited)).toEqual({ revoked_on: null, revocation_reason: null });
  });
});

describe("the summary's helpers", () => {
  it('names who registered the record from its history', () => {
    expect(
      registeredBy([
        { action: 'update', at: '2019-03-02T10:00:00Z', by_name: 'B' },
        { action: 'create', at: '2019-03-01T09:00:00Z', by_name: 'Sınaq Müstəntiq' },
      ]),
    ).toEqual({ name: 'Sınaq Müstəntiq', at: '2019-03-01T09:00:00Z' });
    expect(registeredBy([{ action: 'create', at: '2019-03-01T09:00:00Z', by_name: '' }])).toBeUndefined();
    expect(registeredBy([])).toBeUndefined();
  });

  it("takes the registering agency when the record gives it", () => {
    expect(holdingAgency({ id: 1, agency_id: 7 })).toBe(7);
    expect(holdingAgency({ id: 1 })).toBeUndefined();
    expect(holdingAgency({ id: 1, agency_id: 0 })).toBeUndefined();
    expect(holdingAgency({ id: 1, agency_id: '7' })).toBeUndefined();
  });

  it('counts the placements and finds the current stay (the latest admitted)', () => {
    expect(summarizePlacements([])).toEqual({ count: 0 });
    const done = { id: 1, state: 'discharged', data: { facility: 3, admitted_on: '2019-04-01' } };
    expect(summarizePlacements([done])).toEqual({ count: 1 });
    const a = { id: 2, state: 'admitted', data: { facility: 4, admitted_on: '2019-05-01' } };
    const b = { id: 3, state: 'admitted', data: { facility: 5, admitted_on: '2019-06-01' } };
    const c = { id: 4, state: 'admitted', data: { facility: 6, admitted_on: '2019-06-01' } };
    expect(summarizePlacements([done, b, a])).toEqual({ count: 3, current: b });
    expect(summarizePlacements([c, b]).current).toBe(c);
  });
});

describe('the print route', () => {
  it('matches /records/{type}/{id}/print', () => {
    expect(matchRoute('/records/victim_case/12/print')).toEqual({ page: 'record_print', type: 'victim_case', id: 12 });
    expect(matchRoute('/records/victim_case/12')).toEqual({ page: 'record', type: 'victim_case', id: 12 });
    expect(matchRoute('/records/victim_case/0/print')).toEqual({ page: 'not_found' });
  });
});
