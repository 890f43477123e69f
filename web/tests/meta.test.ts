import { describe, expect, it } from 'vitest';
import { agencyMayTake, compact, diff, holds, isRequired, isVisible, listColumns, Meta, recordTitle, titleText, type FieldDef, type Schema, type RoleDef, type TypeDef } from '../src/meta';
import { navItems } from '../src/nav';
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

const schema: Schema = {
  lists: [{ name: 'kind', label: { az: 'Növ' }, values: [{ code: 'a', label: { az: 'A az', en: 'A en' } }, { code: 'old', label: { az: 'Köhnə' }, retired: true }] }],
  types: [
    {
      name: 'victim_case',
      label: { az: 'Qurbanın işi', en: 'Victim case' },
      title_field: 'case_number',
      fields: [f('case_number', { indexed: true }), f('person', { type: 'reference', ref: 'person', indexed: true }), f('kind', { type: 'enum', values: 'kind', indexed: true })],
      workflow: { initial: 'presumed', states: [{ name: 'presumed', label: { az: 'Ehtimal', en: 'Presumed' } }], transitions: [] },
    },
    { name: 'person', label: { az: 'Şəxs' }, fields: [f('last_name', { sensitivity: 'identity', name_search: true })] },
    { name: 'subsidy', label: { az: 'Subsidiya' }, fields: [f('victim_case', { type: 'reference', ref: 'victim_case' })] },
  ],
};
const roles: RoleDef[] = [
  { name: 'case_worker', label: { az: 'Sosial işçi' }, admin: false, identity: 'write', scope: 'assigned', agency_types: [], permissions: { victim_case: ['read', 'create'], person: ['read'], subsidy: ['read'], signal: ['*'] } },
  { name: 'coordinator', label: { az: 'Koordinator' }, admin: false, identity: 'none', scope: 'national', agency_types: [], permissions: { '*': ['read', 'export'] } },
  { name: 'subsidy_officer', label: { az: 'Subsidiya' }, admin: false, identity: 'write', scope: 'agency', agency_types: [], permissions: { subsidy: ['read', 'create', 'pay'] } },
  { name: 'admin', label: { az: 'Admin' }, admin: true, identity: 'none', scope: 'own', agency_types: [], permissions: {} },
];

describe('conditions', () => {
  it('present, equals, in (also over lists)', () => {
    expect(holds({ field: 'x', present: true }, { x: '' })).toBe(false);
    expect(holds({ field: 'x', present: true }, { x: [] })).toBe(false);
    expect(holds({ field: 'x', present: true }, { x: 'a' })).toBe(true);
    expect(holds({ field: 'x', equals: true }, { x: true })).toBe(true);
    expect(holds({ field: 'x', equals: 'other' }, { x: ['a', 'other'] })).toBe(true);
    expect(holds({ field: 'x', in: ['a', 'b'] }, { x: 'b' })).toBe(true);
    expect(holds({ field: 'x', in: ['a', 'b'] }, { x: ['c', 'a'] })).toBe(true);
    expect(holds({ field: 'x', in: ['a', 'b'] }, {})).toBe(false);
  });
  it('visible_if and required_if', () => {
    const g = f('g', { visible_if: { field: 'k', equals: 'monthly' }, required_if: { field: 'k', equals: 'monthly' } });
    expect(isVisible(g, { k: 'one_time' })).toBe(false);
    expect(isVisible(g, { k: 'monthly' })).toBe(true);
    expect(isRequired(g, { k: 'monthly' })).toBe(true);
    expect(isRequired(f('r', { required: true }), {})).toBe(true);
  });
});

describe('Meta', () => {
  it('permissions per type, "*" for every type, transitions by permission name', () => {
    const m = new Meta(schema, roles, ['case_worker']);
    expect(m.may('victim_case', 'create')).toBe(true);
    expect(m.may('subsidy', 'create')).toBe(false);
    expect(m.identity('person')).toBe('write');
    expect(m.may('signal', 'close')).toBe(true);
    const c = new Meta(schema, roles, ['coordinator']);
    expect(c.may('subsidy', 'read')).toBe(true);
    expect(c.may('subsidy', 'create')).toBe(false);
    expect(c.identity('person')).toBe('none');
    const s = new Meta(schema, roles, ['subsidy_officer']);
    expect(s.mayPermission('subsidy.pay')).toBe(true);
    expect(s.mayPermission('victim_case.identify')).toBe(false);
  });
  it('labels in the language, falling back to az; retired codes kept for labels', () => {
    const m = new Meta(schema, roles, []);
    expect(m.valueLabel('kind', 'a', 'en')).toBe('A en');
    expect(m.valueLabel('kind', 'a', 'ru')).toBe('A az');
    expect(m.valueLabel('kind', 'old', 'en')).toBe('Köhnə');
    expect(m.valueLabel('kind', 'zzz', 'en')).toBe('zzz');
    expect(m.stateLabel('victim_case', 'presumed', 'en')).toBe('Presumed');
  });
  it('finds the types that point at a type', () => {
    const m = new Meta(schema, roles, []);
    expect(m.referencing('victim_case').map(([t, fd]) => `${t.name}.${fd.name}`)).toEqual(['subsidy.victim_case']);
  });
  it('titles and list columns', () => {
    const vc = schema.types[0]!;
    expect(recordTitle(vc, { id: 3, data: { case_number: 'V-1' } }, 'az')).toBe('V-1');
    expect(recordTitle(schema.types[2], { id: 9, data: {} }, 'az')).toBe('Subsidiya № 9');
    expect(listColumns(vc).map((c) => c.name)).toEqual(['person', 'kind']);
  });
  it('a type titled by a day reads "<type>, <day>"', () => {
    const plan: TypeDef = { name: 'rehabilitation_plan', label: { az: 'Fərdi reabilitasiya planı', en: 'Individual rehabilitation plan' }, title_field: 'drawn_up_on', fields: [f('drawn_up_on', { type: 'date' })] };
    expect(titleText(plan, '2024-03-05', 'az')).toBe('Fərdi reabilitasiya planı, 5 mart 2024');
    expect(titleText(plan, '2024-03-05', 'en')).toBe('Individual rehabilitation plan, 5 March 2024');
    expect(recordTitle(plan, { id: 2, data: { drawn_up_on: '2024-03-05' } }, 'az')).toBe('Fərdi reabilitasiya planı, 5 mart 2024');
    expect(recordTitle(plan, { id: 2, data: {} }, 'az')).toBe('Fərdi reabilitasiya planı № 2');
    // text titles stay as they are; nothing for an absent value
    expect(titleText(schema.types[0], '2024-03-05', 'az')).toBe('2024-03-05');
    expect(titleText(plan, '  ', 'az')).toBe('');
    expect(titleText(plan, undefined, 'az')).toBe('');
  });
  it('navigation follows the roles', () => {
    const keys = (r: string[]) => navItems(new Meta(schema, roles, r)).map((i) => i.key);
    expect(keys(['admin'])).toContain('nav.users');
    expect(keys(['admin'])).not.toContain('nav.registers');
    expect(keys(['coordinator'])).toContain('nav.dashboard');
    expect(keys(['case_worker'])).not.toContain('nav.dashboard');
    expect(keys(['case_worker'])).toContain('nav.registers');
  });
});

describe('diff and compact', () => {
  it('sends only changes; cleared values as null', () => {
    expect(diff({ a: 1, b: 'x', c: ['p'] }, { a: 1, b: '', c: ['p', 'q'], d: true })).toEqual({ b: null, c: ['p', 'q'], d: true });
    expect(diff({ a: [] }, {})).toEqual({});
    expect(compact({ a: '', b: [], c: 0, d: false, e: null })).toEqual({ c: 0, d: false });
  });
});

describe('matchRoute', () => {
  it('maps paths to pages', () => {
    expect(matchRoute('/')).toEqual({ page: 'home' });
    expect(matchRoute('/records/victim_case')).toEqual({ page: 'list', type: 'victim_case' });
    expect(matchRoute('/records/victim_case/new')).toEqual({ page: 'new', type: 'victim_case' });
    expect(matchRoute('/records/victim_case/42')).toEqual({ page: 'record', type: 'victim_case', id: 42 });
    expect(matchRoute('/criminal-cases/7')).toEqual({ page: 'criminal_case', id: 7 });
    expect(matchRoute('/reports/annual/')).toEqual({ page: 'report' });
    expect(matchRoute('/records/Bad')).toEqual({ page: 'not_found' });
    expect(matchRoute('/records/x/0')).toEqual({ page: 'not_found' });
  });
});

import { linkageQuery } from '../src/pages/HotlineIntake';
import { transitionFields } from '../src/pages/RecordPage';

describe('hotline matching query', () => {
  it('sends only what was typed, once a name or phone is long enough', () => {
    expect(linkageQuery({ last_name: 'Nü' })).toBeUndefined();
    expect(linkageQuery({ last_name: ' Nümunəova ', first_name: '', birth: '1999-04' })).toEqual({ last_name: 'Nümunəova', birth: '1999-04' });
    expect(linkageQuery({ phone: '+994 50 000 00 00' })).toEqual({ phone: '+994 50 000 00 00' });
  });
});

describe('transition forms', () => {
  it('ask for the required fields and those required with them', () => {
    const td = {
      name: 'signal',
      label: { az: 'Siqnal' },
      fields: [f('referred_at', { type: 'datetime' }), f('referred_to', { required_if: { field: 'referred_at', present: true } }), f('summary')],
    };
    const tr = { name: 'refer', label: { az: 'x' }, from: ['registered'], to: 'referred', permission: 'signal.refer', requires: ['referred_at'] };
    expect(transitionFields(td, tr)).toEqual(['referred_at', 'referred_to']);
  });
});

import { visibleValues } from '../src/meta';

describe('visibleValues', () => {
  it('drops values of fields whose condition no longer holds', () => {
    const td = { name: 'subsidy', label: { az: 'S' }, fields: [f('kind'), f('period_from', { visible_if: { field: 'kind', equals: 'monthly' } })] };
    expect(visibleValues(td, { kind: 'one_time', period_from: '2020-01-01' })).toEqual({ kind: 'one_time' });
    expect(visibleValues(td, { kind: 'monthly', period_from: '2020-01-01' })).toEqual({ kind: 'monthly', period_from: '2020-01-01' });
  });
});

import { personRecord } from '../src/pages/HotlineIntake';

describe('linkage candidates', () => {
  it('a signal links to a visible person record, never to a person id as such', () => {
    const c = { person_id: 7, probability: 0.95, band: 'link' as const, agreements: [], hidden_registrations: 0 };
    expect(personRecord({ ...c, registrations: [{ type: 'signal', id: 7, visible: true }] })).toBeUndefined();
    expect(personRecord({ ...c, registrations: [{ type: 'signal', id: 7 }, { type: 'person', id: 9, visible: true }] })).toBe(9);
    expect(personRecord({ ...c, registrations: [{ type: 'person', id: 9, visible: false }] })).toBeUndefined();
  });
});

describe('agencyMayTake', () => {
  const accept = { actor_agency_field: 'to_agency_id' };
  it('keeps a referral answer to the agency it names', () => {
    expect(agencyMayTake(accept, { to_agency_id: 7 }, 7)).toBe(true);
    expect(agencyMayTake(accept, { to_agency_id: 7 }, 8)).toBe(false);
    expect(agencyMayTake(accept, { to_agency_id: 7 }, null)).toBe(false);
  });
  it('lets anyone with the permission take it when the record names no agency, or the workflow does not ask', () => {
    expect(agencyMayTake(accept, {}, 8)).toBe(true);
    expect(agencyMayTake({}, { to_agency_id: 7 }, 8)).toBe(true);
  });
});

import { refersAtIntake } from '../src/pages/HotlineIntake';
describe('refersAtIntake', () => {
  it('refers the new signal when the call is routed to the special police and the unit is picked', () => {
    expect(refersAtIntake({ routed_to_agency_type: 'special_police' }, 'Baş idarə')).toBe(true);
    expect(refersAtIntake({ routed_to_agency_type: 'special_police' }, '  ')).toBe(false);
    expect(refersAtIntake({ routed_to_agency_type: 'ngo' }, 'Təmiz Dünya')).toBe(false);
    expect(refersAtIntake({}, 'Baş idarə')).toBe(false);
  });
});
