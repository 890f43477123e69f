import { describe, expect, it } from 'vitest';
import {
  addDays,
  buildSheetImport,
  daysBetween,
  emptyRow,
  groupVisits,
  hasSheetErrors,
  isBlankRow,
  mapImportErrors,
  materialWaiting,
  visitStatus,
  weekStart,
  type SheetRow,
} from '../src/childProtection';
import { Meta, type FieldDef, type RoleDef, type Schema } from '../src/meta';
import { navItems } from '../src/nav';
import { matchRoute } from '../src/router';

function row(values: SheetRow['values']): SheetRow {
  return { ...emptyRow(), values };
}

const parse = (body: string) =>
  body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('raid sheet: the import', () => {
  it('a new raid, then a person and a child_found per row pointing at both, found on the raid date', () => {
    const a = row({ last_name: ' Nümunəov ', first_name: 'Sınaq', sex: 'male', birth: '2011', activity: 'begging', parents_measures: ['interview'] });
    const blank = row({ last_name: '  ', parents_measures: [] });
    const b = row({ first_name: 'Aysel', birth: '2012-05', citizenship: 'AZ', activity: 'working', accompanied_by: 'parent' });
    const imp = buildSheetImport({ kind: 'new', values: { raid_on: '2024-03-05', place_type: 'market', place: 'Təzə bazar', region: '', agencies_taking_part: ['police'] } }, [a, blank, b]);
    const lines = parse(imp.body);
    expect(imp.body.endsWith('\n')).toBe(true);
    expect(lines).toEqual([
      { _type: 'raid', _key: 'raid', raid_on: '2024-03-05', place_type: 'market', place: 'Təzə bazar', agencies_taking_part: ['police'] },
      { _type: 'person', _key: `p${a.uid}`, last_name: 'Nümunəov', first_name: 'Sınaq', sex: 'male', birth: '2011' },
      { _type: 'child_found', _key: `c${a.uid}`, raid: { _key: 'raid' }, found_on: '2024-03-05', person: { _key: `p${a.uid}` }, activity: 'begging', parents_measures: ['interview'] },
      { _type: 'person', _key: `p${b.uid}`, first_name: 'Aysel', birth: '2012-05', citizenship: 'AZ' },
      { _type: 'child_found', _key: `c${b.uid}`, raid: { _key: 'raid' }, found_on: '2024-03-05', person: { _key: `p${b.uid}` }, activity: 'working', accompanied_by: 'parent' },
    ]);
    expect(imp.lines).toEqual([
      { kind: 'raid' },
      { kind: 'person', row: a.uid },
      { kind: 'child_found', row: a.uid },
      { kind: 'person', row: b.uid },
      { kind: 'child_found', row: b.uid },
    ]);
    expect(imp.rows).toEqual([a.uid, b.uid]);
  });

  it('an existing raid is referred to by id and gives its date; no raid line', () => {
    const a = row({ last_name: 'X', activity: 'both' });
    const imp = buildSheetImport({ kind: 'existing', id: 42, raid_on: '2023-12-01' }, [a]);
    expect(parse(imp.body)).toEqual([
      { _type: 'person', _key: `p${a.uid}`, last_name: 'X' },
      { _type: 'child_found', _key: `c${a.uid}`, raid: 42, found_on: '2023-12-01', person: { _key: `p${a.uid}` }, activity: 'both' },
    ]);
  });

  it('a new raid without a date sends no found_on (the server says what is missing)', () => {
    const a = row({ activity: 'begging' });
    const lines = parse(buildSheetImport({ kind: 'new', values: {} }, [a]).body);
    expect(lines[2]).not.toHaveProperty('found_on');
  });

  it('blank rows are left out', () => {
    expect(isBlankRow(row({}))).toBe(true);
    expect(isBlankRow(row({ sex: '' }))).toBe(true);
    expect(isBlankRow(row({ sex: 'female' }))).toBe(false);
    expect(buildSheetImport({ kind: 'existing', id: 1, raid_on: '2024-01-01' }, [row({})]).body).toBe('');
  });
});

describe('raid sheet: errors back to rows and cells', () => {
  const a = row({ last_name: 'A', birth: '20xx', activity: 'begging' });
  const b = row({ last_name: 'B' });
  const imp = buildSheetImport({ kind: 'new', values: { raid_on: '2024-03-05' } }, [a, b]);
  // lines: 1 raid, 2 person a, 3 child a, 4 person b, 5 child b

  it('places each error at the raid field, the row cell or the row; consequential reference errors are dropped', () => {
    const e = mapImportErrors(
      [
        { line: 1, field: 'place_type', code: 'required', message: 'is required' },
        { line: 2, field: 'birth', code: 'partial_date', message: 'must be YYYY, YYYY-MM or YYYY-MM-DD' },
        { line: 3, field: 'person', code: 'reference', message: "refers to the row with key 'p1', which failed" },
        { line: 3, field: 'raid', code: 'reference', message: "refers to the row with key 'raid', which failed" },
        { line: 5, field: 'activity', code: 'required', message: 'is required' },
        { line: 5, field: 'raid', code: 'reference', message: "refers to the row with key 'raid', which failed" },
        { line: 4, field: 'other_names', code: 'too_long', message: 'too long' },
        { line: 5, field: 'parents_measures[1]', code: 'duplicate', message: 'given twice' },
        { line: 0, field: '', code: 'json', message: 'bad' },
      ],
      imp,
      'new',
    );
    expect(e.raid).toEqual({ place_type: [{ code: 'required', message: 'is required' }] });
    expect(e.rows[a.uid]).toEqual({ birth: [{ code: 'partial_date', message: 'must be YYYY, YYYY-MM or YYYY-MM-DD' }] });
    expect(e.rows[b.uid]).toEqual({
      activity: [{ code: 'required', message: 'is required' }],
      '': [{ code: 'too_long', message: 'too long' }],
      parents_measures: [{ code: 'duplicate', message: 'given twice' }],
    });
    expect(e.general).toEqual([{ code: 'json', message: 'bad' }]);
    expect(hasSheetErrors(e)).toBe(true);
  });

  it("a child's found_on goes to the raid's date (once), a reference to a raid that did not fail stays at the row", () => {
    const e = mapImportErrors(
      [
        { line: 3, field: 'found_on', code: 'required', message: 'is required' },
        { line: 5, field: 'found_on', code: 'required', message: 'is required' },
        { line: 5, field: 'person', code: 'reference', message: 'not found' },
      ],
      imp,
      'new',
    );
    expect(e.raid).toEqual({ raid_on: [{ code: 'required', message: 'is required' }] });
    expect(e.rows[b.uid]).toEqual({ '': [{ code: 'reference', message: 'not found' }] });
    expect(e.rows[a.uid]).toBeUndefined();
  });

  it('with an existing raid, a refused raid reference is shown at the row', () => {
    const ex = buildSheetImport({ kind: 'existing', id: 9, raid_on: '2024-01-01' }, [a]);
    const e = mapImportErrors([{ line: 2, field: 'raid', code: 'reference', message: 'out of reach' }], ex, 'existing');
    expect(e.rows[a.uid]).toEqual({ '': [{ code: 'reference', message: 'out of reach' }] });
    expect(hasSheetErrors(mapImportErrors([], ex, 'existing'))).toBe(false);
  });
});

describe('dates', () => {
  it('days, weeks (Monday first)', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
    expect(daysBetween('x', '2024-03-01')).toBeUndefined();
    expect(addDays('2024-12-30', 3)).toBe('2025-01-02');
    expect(weekStart('2024-03-06')).toBe('2024-03-04'); // Wednesday
    expect(weekStart('2024-03-10')).toBe('2024-03-04'); // Sunday
    expect(weekStart('2024-03-04')).toBe('2024-03-04'); // Monday
  });
});

describe('visit calendar', () => {
  const today = '2024-03-06';
  it('due on the day, overdue after it', () => {
    expect(visitStatus('2024-03-05', today)).toBe('overdue');
    expect(visitStatus('2024-03-06', today)).toBe('today');
    expect(visitStatus('2024-03-07', today)).toBe('upcoming');
  });

  const visits = [
    { id: 4, data: { planned_on: '2024-03-11' } },
    { id: 1, data: { planned_on: '2024-02-28' } },
    { id: 2, data: { planned_on: '2024-03-06' } },
    { id: 3, data: { planned_on: '2024-03-04' } },
    { id: 5, data: {} },
  ];

  it('by week: oldest first, counts of overdue and due today, undated last', () => {
    const g = groupVisits(visits, 'week', today);
    expect(g.map((x) => [x.key, x.from, x.to, x.items.map((i) => `${i.visit.id}:${i.status}`), x.overdue, x.today])).toEqual([
      ['2024-02-26', '2024-02-26', '2024-03-03', ['1:overdue'], 1, 0],
      ['2024-03-04', '2024-03-04', '2024-03-10', ['3:overdue', '2:today'], 1, 1],
      ['2024-03-11', '2024-03-11', '2024-03-17', ['4:upcoming'], 0, 0],
      ['', '', '', ['5:upcoming'], 0, 0],
    ]);
  });

  it('by month', () => {
    const g = groupVisits(visits.slice(0, 4), 'month', today);
    expect(g.map((x) => [x.key, x.from, x.to, x.items.map((i) => i.visit.id)])).toEqual([
      ['2024-02', '2024-02-01', '2024-02-29', [1]],
      ['2024-03', '2024-03-01', '2024-03-31', [3, 2, 4]],
    ]);
  });
});

describe("commission's inbox", () => {
  it('days waiting; overdue after 15 days', () => {
    expect(materialWaiting('2024-03-01', '2024-03-16')).toEqual({ days: 15, overdue: false });
    expect(materialWaiting('2024-03-01', '2024-03-17')).toEqual({ days: 16, overdue: true });
    expect(materialWaiting(undefined, '2024-03-17')).toBeUndefined();
  });
});

describe('child protection navigation and routes', () => {
  const f = (name: string): FieldDef => ({ name, type: 'text', label: { az: name }, required: false, indexed: false, sensitivity: 'case' });
  const schema: Schema = {
    lists: [],
    types: ['raid', 'child_found', 'person', 'care_visit', 'commission_material'].map((name) => ({ name, label: { az: name }, fields: [f('x')] })),
  };
  const role = (name: string, permissions: Record<string, string[]>): RoleDef => ({
    name,
    label: { az: name },
    admin: false,
    identity: 'write',
    scope: 'region',
    agency_types: [],
    permissions,
  });
  const roles = [
    role('police_juvenile_officer', { raid: ['create', 'read'], child_found: ['create', 'read'], commission_material: ['create', 'read'], person: ['create', 'read'] }),
    role('child_protection_officer', { raid: ['create', 'read'], child_found: ['create', 'read'], person: ['create', 'read'], care_visit: ['create', 'read', 'complete'] }),
    role('juvenile_commission_secretary', { commission_material: ['read', 'update', 'decide'], child_found: ['read'], raid: ['read'], person: ['read'] }),
    role('coordinator', { '*': ['read', 'export'] }),
  ];
  const hrefs = (r: string) => navItems(new Meta(schema, roles, [r])).map((i) => i.href);

  it('each screen only for the roles that do that work', () => {
    expect(hrefs('police_juvenile_officer')).toContain('/raids/new');
    expect(hrefs('police_juvenile_officer')).not.toContain('/visits');
    expect(hrefs('police_juvenile_officer')).not.toContain('/commission');
    expect(hrefs('child_protection_officer')).toEqual(expect.arrayContaining(['/raids/new', '/visits']));
    expect(hrefs('juvenile_commission_secretary')).toContain('/commission');
    expect(hrefs('juvenile_commission_secretary')).not.toContain('/raids/new');
    for (const h of ['/raids/new', '/visits', '/commission']) expect(hrefs('coordinator')).not.toContain(h);
  });

  it('routes', () => {
    expect(matchRoute('/raids/new')).toEqual({ page: 'raid_sheet' });
    expect(matchRoute('/visits/')).toEqual({ page: 'visits' });
    expect(matchRoute('/commission')).toEqual({ page: 'commission' });
  });
});
