import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../src/api';
import { Meta, type FieldDef, type RoleDef, type Schema } from '../src/meta';
import { navItems } from '../src/nav';
import {
  blockListErrors,
  blockListPath,
  buildGrid,
  completePercent,
  defaultReturnYear,
  downloadName,
  fullCounts,
  newReturnHref,
  parseEntries,
  periodHeading,
  periodName,
  returnTaskHref,
  returnYears,
  type Completeness,
} from '../src/returns';
import { matchRoute } from '../src/router';

const p = (period: string, from: string, state: string, extra: Record<string, unknown> = {}) => ({
  period,
  from,
  to: from,
  state,
  due_on: '2019-04-15',
  overdue: false,
  ...extra,
});

const completeness = (): Completeness => ({
  type: 'return_migration_monthly',
  label: { az: 'Aylıq' },
  period: 'month',
  due_days: 15,
  expected: 6,
  counts: { approved: 2, missing: 3, submitted: 1, overdue: 2 },
  complete: 2 / 6,
  agencies: [
    {
      agency_id: 7,
      agency: 'Şəki şöbəsi',
      region: 'Şəki',
      periods: [
        p('2019-02', '2019-02-01', 'missing', { overdue: true }),
        p('2019-01', '2019-01-01', 'approved', { id: 11 }),
        p('2019-03', '2019-03-01', 'submitted', { id: 12 }),
      ],
    },
    {
      agency_id: 3,
      agency: 'Bakı idarəsi',
      region: 'Bakı',
      periods: [
        p('2019-01', '2019-01-01', 'approved', { id: 21 }),
        p('2019-02', '2019-02-01', 'missing', { overdue: true }),
        p('2019-03', '2019-03-01', 'returned', { id: 23, overdue: true }),
      ],
    },
  ],
});

describe('the completeness grid', () => {
  it('periods as columns oldest first, agencies by region then name, cells aligned to the columns', () => {
    const g = buildGrid(completeness(), false);
    expect(g.columns).toEqual(['2019-01', '2019-02', '2019-03']);
    expect(g.rows.map((r) => r.agencyId)).toEqual([3, 7]);
    expect(g.rows[1]!.cells.map((c) => c?.state)).toEqual(['approved', 'missing', 'submitted']);
    expect(g.rows[0]).toMatchObject({ agency: 'Bakı idarəsi', region: 'Bakı', approved: 1, owed: 3 });
  });

  it('a return opens; a missing period opens the new-return form only for one who may create', () => {
    const reader = buildGrid(completeness(), false).rows[0]!.cells;
    expect(reader[0]).toMatchObject({ action: 'open', href: '/records/return_migration_monthly/21', id: 21 });
    expect(reader[1]).toMatchObject({ action: 'none', state: 'missing', overdue: true });
    expect(reader[1]!.href).toBeUndefined();
    const manager = buildGrid(completeness(), true).rows[0]!.cells;
    expect(manager[1]).toMatchObject({ action: 'create', href: '/records/return_migration_monthly/new?period=2019-02' });
    expect(manager[2]).toMatchObject({ action: 'open', state: 'returned', overdue: true, href: '/records/return_migration_monthly/23' });
  });

  it('an agency that does not owe a period has an empty cell there', () => {
    const c = completeness();
    c.agencies[0]!.periods = c.agencies[0]!.periods.filter((x) => x.period !== '2019-01');
    const g = buildGrid(c, true);
    expect(g.columns).toEqual(['2019-01', '2019-02', '2019-03']);
    const sheki = g.rows.find((r) => r.agencyId === 7)!;
    expect(sheki.cells[0]).toBeUndefined();
    expect(sheki.owed).toBe(2);
  });

  it('no agencies, no columns', () => {
    expect(buildGrid({ ...completeness(), agencies: [] }, true)).toEqual({ columns: [], rows: [] });
  });

  it('quarters sort by their start', () => {
    const c = completeness();
    c.agencies = [{ agency_id: 1, agency: 'A', region: '', periods: [p('2019-Q2', '2019-04-01', 'missing'), p('2019-Q1', '2019-01-01', 'draft', { id: 5 })] }];
    expect(buildGrid(c, true).columns).toEqual(['2019-Q1', '2019-Q2']);
  });
});

describe('counts, years and period names', () => {
  it('counts: every state, 0 when the API leaves it out; unknown keys ignored', () => {
    expect(fullCounts({ approved: 2, overdue: 1, weird: 9 })).toEqual({ approved: 2, submitted: 0, returned: 0, draft: 0, missing: 0, overdue: 1 });
    expect(fullCounts(undefined).missing).toBe(0);
  });

  it('complete as a floored percentage', () => {
    expect(completePercent(2 / 3)).toBe(66);
    expect(completePercent(0.996)).toBe(99);
    expect(completePercent(1)).toBe(100);
    expect(completePercent(0)).toBe(0);
    expect(completePercent(Number.NaN)).toBe(0);
  });

  it('years from the first period owed to this year, latest first', () => {
    expect(returnYears('2019-01-01', '2021-06-30')).toEqual([2021, 2020, 2019]);
    expect(returnYears(undefined, '2021-06-30')).toEqual([2021]);
    expect(returnYears('2030-01-01', '2021-06-30')).toEqual([2021]);
  });

  it('the grid opens on the last year with periods owed', () => {
    expect(defaultReturnYear('month', '2021-01-10')).toBe(2020);
    expect(defaultReturnYear('month', '2021-02-10')).toBe(2021);
    expect(defaultReturnYear('quarter', '2021-03-31')).toBe(2020);
    expect(defaultReturnYear('quarter', '2021-04-01')).toBe(2021);
    expect(defaultReturnYear('year', '2021-12-31')).toBe(2020);
  });

  it('period headings and names in three languages', () => {
    expect(periodHeading('2019-03', 'az')).toBe('mar');
    expect(periodName('2019-03', 'az')).toBe('mart 2019');
    expect(periodName('2019-03', 'en')).toBe('March 2019');
    expect(periodName('2019-03', 'ru')).toBe('март 2019');
    expect(periodHeading('2019-Q2', 'az')).toBe('II rüb');
    expect(periodName('2019-Q2', 'en')).toBe('Q2 2019');
    expect(periodName('2019-Q4', 'ru')).toBe('IV кв. 2019');
    expect(periodName('2019', 'az')).toBe('2019');
  });
});

describe('return-due tasks', () => {
  it('a missing return opens the new-return form with the period; a draft or returned one opens the record', () => {
    expect(returnTaskHref('return_migration_monthly', { period: '2019-03', due_at: '2019-04-15T00:00:00Z', overdue: true, state: 'missing' })).toBe(
      '/records/return_migration_monthly/new?period=2019-03',
    );
    expect(returnTaskHref('return_public_morality', { period: '2019-Q1', due_at: '', overdue: true, state: 'returned', id: 9 })).toBe('/records/return_public_morality/9');
    expect(newReturnHref('return_public_morality', '2019-Q1')).toBe('/records/return_public_morality/new?period=2019-Q1');
  });
});

describe('the block list', () => {
  it('query: the recipient trimmed and encoded; a blank one left for the server to refuse', () => {
    expect(blockListPath('  Azərtelekom MMC & Co ', '2019-05-01')).toBe('/block-list?recipient=Az%C9%99rtelekom%20MMC%20%26%20Co&date=2019-05-01');
    expect(blockListPath('  ', '2019-05-01')).toBe('/block-list?date=2019-05-01');
  });

  it('entries and file name from the headers', () => {
    expect(parseEntries('3')).toBe(3);
    expect(parseEntries('0')).toBe(0);
    expect(parseEntries(null)).toBeUndefined();
    expect(parseEntries('x')).toBeUndefined();
    expect(downloadName('attachment; filename="block-list-2019-05-01.txt"', '2019-05-01')).toBe('block-list-2019-05-01.txt');
    expect(downloadName('attachment; filename="../x/y.txt"', 'd')).toBe('.._x_y.txt');
    expect(downloadName(null, '2019-05-01')).toBe('block-list-2019-05-01.txt');
  });

  it("a 422's errors: the form's fields named, the rest listed", () => {
    const e = new ApiError({
      status: 422,
      code: 'validation',
      errors: [
        { field: 'recipient', code: 'invalid', message: 'required' },
        { field: 'date', code: 'date', message: 'bad' },
        { field: 'recipient', code: 'x', message: 'again' },
        { field: 'other', code: 'c', message: 'm' },
      ],
    });
    expect(blockListErrors(e)).toEqual({ fields: ['recipient', 'date'], other: ['other: m'] });
    expect(blockListErrors(new Error('x'))).toEqual({ fields: [], other: [] });
  });

  it('getText: the text and headers, or the problem as an ApiError', async () => {
    const ok = new ApiClient({
      fetch: async () => new Response('# header\nexample.org\tQ-1\t2019-05-01\n', { status: 200, headers: { 'X-Entries': '1', 'Content-Type': 'text/plain' } }),
      language: () => 'az',
    });
    const r = await ok.getText('/block-list?recipient=A');
    expect(r.text).toContain('example.org');
    expect(r.headers.get('X-Entries')).toBe('1');
    const bad = new ApiClient({
      fetch: async () =>
        new Response(JSON.stringify({ status: 422, code: 'validation', errors: [{ field: 'recipient', code: 'invalid', message: 'm' }] }), {
          status: 422,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
      language: () => 'az',
    });
    const err = await bad.getText('/block-list').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).fieldErrors('recipient')).toHaveLength(1);
  });
});

describe('navigation, routes and the schema extras', () => {
  const f = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: 'text', label: { az: name }, required: false, indexed: false, sensitivity: 'case', ...extra });
  const schema: Schema = {
    lists: [],
    types: [
      { name: 'monitoring_item', label: { az: 'm' }, attachments: 'never', notice: { az: 'yükləməyin', en: 'never upload' }, fields: [f('address', { sensitivity: 'identity' })] },
      {
        name: 'return_migration_monthly',
        label: { az: 'r' },
        periodic_return: { period: 'month', agency_types: ['migration'], due_days: 15, since: '2019-01-01' },
        fields: [f('period')],
      },
      { name: 'signal', label: { az: 's' }, fields: [f('x')] },
    ],
  };
  const role = (name: string, identity: RoleDef['identity'], permissions: Record<string, string[]>): RoleDef => ({
    name,
    label: { az: name },
    admin: false,
    identity,
    scope: 'national',
    agency_types: [],
    permissions,
  });
  const roles = [
    role('internet_monitoring_officer', 'write', { monitoring_item: ['create', 'read', 'update', 'export', 'confirm'] }),
    role('coordinator', 'none', { '*': ['read', 'export'], return_migration_monthly: ['read', 'export', 'approve'] }),
    role('data_manager', 'none', { return_migration_monthly: ['create', 'read', 'update', 'export', 'submit'] }),
    role('statistician', 'none', { '*': ['read', 'export'] }),
  ];
  const meta = (r: string) => new Meta(schema, roles, [r]);
  const hrefs = (r: string) => navItems(meta(r)).map((i) => i.href);

  it('the block list for export with identity access only', () => {
    expect(meta('internet_monitoring_officer').mayExportBlockList).toBe(true);
    expect(meta('coordinator').mayExportBlockList).toBe(false); // exports, but no identity
    expect(hrefs('internet_monitoring_officer')).toContain('/block-list');
    expect(hrefs('coordinator')).not.toContain('/block-list');
    expect(hrefs('data_manager')).not.toContain('/block-list');
  });

  it('the returns page for those who submit or approve returns', () => {
    expect(meta('data_manager').returnTypes().map((t) => t.name)).toEqual(['return_migration_monthly']);
    expect(hrefs('data_manager')).toContain('/returns');
    expect(hrefs('coordinator')).toContain('/returns');
    expect(hrefs('statistician')).not.toContain('/returns');
    expect(hrefs('internet_monitoring_officer')).not.toContain('/returns');
  });

  it('routes', () => {
    expect(matchRoute('/returns')).toEqual({ page: 'returns' });
    expect(matchRoute('/block-list/')).toEqual({ page: 'block_list' });
  });
});
