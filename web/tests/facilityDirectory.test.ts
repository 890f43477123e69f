import { describe, expect, it } from 'vitest';
import { facilityDirectoryHint } from '../src/facilityDirectory';
import { Meta, type RoleDef, type Schema } from '../src/meta';

const schema: Schema = { lists: [], types: [{ name: 'facility', label: { az: 'Müəssisə' }, fields: [] }] };
const role = (name: string, scope: string, permissions: Record<string, string[]>): RoleDef => ({
  name,
  label: { az: name },
  admin: false,
  identity: 'none',
  scope,
  agency_types: [],
  permissions,
});
const roles = [
  role('case_worker', 'assigned', { facility: ['create', 'read', 'update'] }),
  role('facility_directory', 'national', { facility: ['read'] }),
  role('police_investigator', 'national', { facility: ['create', 'read', 'update', 'export'] }),
  role('coordinator', 'national', { '*': ['read', 'export'] }),
  role('hotline_operator', 'agency', { signal: ['create', 'read'] }),
];

describe('the facility directory hint', () => {
  it('a case worker without the directory role is told when the facilities come back empty', () => {
    const m = new Meta(schema, roles, ['case_worker']);
    expect(m.readsNationally('facility')).toBe(false);
    expect(facilityDirectoryHint(m, true)).toBe(true);
    expect(facilityDirectoryHint(m, false)).toBe(false);
  });
  it('not with the directory role, nor with a role that reads facilities nationally', () => {
    expect(facilityDirectoryHint(new Meta(schema, roles, ['case_worker', 'facility_directory']), true)).toBe(false);
    expect(facilityDirectoryHint(new Meta(schema, roles, ['police_investigator']), true)).toBe(false);
    expect(facilityDirectoryHint(new Meta(schema, roles, ['coordinator']), true)).toBe(false);
    expect(new Meta(schema, roles, ['coordinator']).readsNationally('facility')).toBe(true);
  });
  it('the role held counts even when /roles does not describe it', () => {
    const m = new Meta(schema, roles.slice(0, 1), ['case_worker', 'facility_directory']);
    expect(m.hasRole('facility_directory')).toBe(true);
    expect(facilityDirectoryHint(m, true)).toBe(false);
  });
  it('a national role that reads other types only does not count', () => {
    const m = new Meta(schema, roles, ['hotline_operator']);
    expect(m.readsNationally('facility')).toBe(false);
    expect(facilityDirectoryHint(m, true)).toBe(true);
  });
});
