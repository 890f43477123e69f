import { describe, expect, it } from 'vitest';
import {
  checkK,
  columnKey,
  coverageKey,
  ctdcCounts,
  ctdcPath,
  downloadName,
  extraColumns,
  isCtdc,
  lowerFirst,
  minK,
  missingPopulations,
  publishedText,
  rateText,
  returnPath,
  unmappedRows,
  type ReturnResult,
} from '../src/intlReturns';
import { formatNumber } from '../src/format';
import { hasKey, translate } from '../src/i18n';
import { Meta, type RoleDef, type Schema } from '../src/meta';
import { navItems } from '../src/nav';
import { matchRoute } from '../src/router';

describe('addresses', () => {
  it('a return for a year, language and format; the CTDC file with k', () => {
    expect(returnPath('glotip', 2019, 'az', 'json')).toBe('/reports/international/glotip?year=2019&lang=az&format=json');
    expect(returnPath('sdg', '2020', 'ru', 'xlsx')).toBe('/reports/international/sdg?year=2020&lang=ru&format=xlsx');
    expect(returnPath('a b', 2019, 'en', 'csv')).toBe('/reports/international/a%20b?year=2019&lang=en&format=csv');
    expect(ctdcPath(2019, 11)).toBe('/reports/international/ctdc?year=2019&k=11');
  });
  it('the CTDC file is told from the returns of aggregates', () => {
    expect(isCtdc({ id: 'ctdc', k: 11 })).toBe(true);
    expect(isCtdc({ id: 'other_file', k: 20 })).toBe(true);
    expect(isCtdc({ id: 'glotip', tables: [{ id: 't', label: 'T', measure: 'M' }] })).toBe(false);
  });
  it('the page answers at /reports/international', () => {
    expect(matchRoute('/reports/international')).toEqual({ page: 'intl_returns' });
    expect(matchRoute('/reports/international/')).toEqual({ page: 'intl_returns' });
  });
});

describe('k of the CTDC file', () => {
  it('a whole number from 11 to 1000', () => {
    expect(checkK('11')).toEqual({ k: 11 });
    expect(checkK(' 25 ')).toEqual({ k: 25 });
    expect(checkK('1000')).toEqual({ k: 1000 });
  });
  it('says what is wrong', () => {
    expect(checkK('')).toEqual({ error: 'ir.k_required' });
    expect(checkK('  ')).toEqual({ error: 'ir.k_required' });
    expect(checkK('10')).toEqual({ error: 'ir.k_min' });
    expect(checkK('0')).toEqual({ error: 'ir.k_min' });
    expect(checkK('1001')).toEqual({ error: 'ir.k_max' });
    // a layout that declares a larger k raises the floor
    expect(checkK('15', 20)).toEqual({ error: 'ir.k_min' });
    expect(checkK('20', 20)).toEqual({ k: 20 });
    expect(minK({ k: 20 })).toBe(20);
    expect(minK({ k: 5 })).toBe(11);
    expect(minK({})).toBe(11);
    for (const bad of ['11.5', '11,0', '-12', '1e2', 'abc', '12a']) expect(checkK(bad), bad).toEqual({ error: 'ir.k_whole' });
  });
  it('the messages name the field and the rule, in every language', () => {
    for (const key of ['ir.k_required', 'ir.k_whole', 'ir.k_min', 'ir.k_max'] as const) {
      expect(translate('az', key, { min: 11, max: 1000 })).toContain('k (anonimlik həddi)');
      expect(translate('en', key, { min: 11, max: 1000 })).toContain('k (anonymity threshold)');
      expect(translate('ru', key, { min: 11, max: 1000 })).toContain('k (порог анонимности)');
    }
    expect(translate('az', 'ir.k_min', { min: 11, max: 1000 })).toContain('11');
    expect(translate('en', 'ir.k_max', { min: 11, max: 1000 })).toContain('1000');
  });
});

describe('the CTDC counts', () => {
  it('from X-Ctdc-Rows and X-Ctdc-Suppressed', () => {
    expect(ctdcCounts(new Headers({ 'X-Ctdc-Rows': '80', 'X-Ctdc-Suppressed': '3' }))).toEqual({ rows: 80, suppressed: 3 });
    expect(ctdcCounts(new Headers({ 'X-Ctdc-Rows': '0', 'X-Ctdc-Suppressed': '0' }))).toEqual({ rows: 0, suppressed: 0 });
    expect(ctdcCounts(new Headers())).toEqual({});
    expect(ctdcCounts(new Headers({ 'X-Ctdc-Rows': 'many', 'X-Ctdc-Suppressed': '-1' }))).toEqual({});
  });
  it('worded with plurals', () => {
    expect(translate('en', 'ir.ctdc_result', { rows: 1, suppressed: 2, k: 11 })).toBe('The file holds 1 row; 2 rows were suppressed for k-anonymity (k = 11).');
    expect(translate('az', 'ir.ctdc_result', { rows: formatNumber(1234, 'az'), suppressed: 0, k: 11 })).toBe('Faylda 1.234 sətir var; k-anonimlik üçün 0 sətir çıxarılıb (k = 11).');
  });
});

describe('downloads', () => {
  it('the server names the file', () => {
    expect(downloadName('attachment; filename="palermo-glotip-2019.csv"', 'x.csv')).toBe('palermo-glotip-2019.csv');
    expect(downloadName("attachment; filename*=UTF-8''palermo%20sdg.xlsx", 'x')).toBe('palermo sdg.xlsx');
    expect(downloadName('attachment; filename="../evil.csv"', 'x')).toBe('.._evil.csv');
    expect(downloadName(null, 'palermo-ctdc-2019.csv')).toBe('palermo-ctdc-2019.csv');
    expect(downloadName('attachment', 'f.json')).toBe('f.json');
  });
});

const result: ReturnResult = {
  return: 'glotip',
  year: 2019,
  country: 'AZE',
  title: 'GLOTIP',
  gaps: [{ measure: 'Persons brought into formal contact', reason: 'Şübhəli şəxslər ayrıca reyestrdə saxlanılmır' }],
  unmapped: [
    { table: 'detected_victims', column: 'form', crosswalk: 'glotip_form', national_code: 'organ_removal', rows: 2 },
    { table: 'gone', column: 'sex', code: 'x', rows: 1 },
  ],
  tables: [
    {
      id: 'detected_victims',
      label: 'Aşkar edilmiş qurbanlar',
      measure: 'Detected victims',
      indicator: 'victims_identified',
      columns: ['form', 'sex', 'age'],
      coverage: 'records',
      total: 91,
      rows: [{ codes: { form: 'Total', sex: 'Total', age: 'Total' }, value: 91, published: '91' }],
    },
  ],
};

describe('the preview', () => {
  it('names the table of each unmapped code; never drops one', () => {
    expect(unmappedRows(result)).toEqual([
      { table: 'detected_victims', column: 'form', code: 'organ_removal', rows: 2, tableLabel: 'Aşkar edilmiş qurbanlar' },
      { table: 'gone', column: 'sex', code: 'x', rows: 1, tableLabel: 'gone' },
    ]);
    expect(unmappedRows({ ...result, unmapped: undefined })).toEqual([]);
  });
  it('population and rate only when the rows carry them (SDG 16.2.2)', () => {
    expect(extraColumns(result.tables[0]!)).toEqual([]);
    expect(extraColumns({ rows: [{ codes: {}, value: 3, published: '3', population: 1_000_000, rate: 0.3 }] })).toEqual(['population', 'rate']);
    expect(extraColumns({ rows: [{ codes: {}, value: 3, published: '3', population: null, rate: null }] })).toEqual(['population', 'rate']);
  });
  it('a rate as published (in the language\'s digits), else the rate, else a dash', () => {
    const az = (n: number) => formatNumber(n, 'az', 2);
    expect(rateText({ rate: 0.2734, published_rate: '0.27' }, az)).toBe('0,27');
    expect(rateText({ rate: 0.01, published_rate: '<0.05' }, az)).toBe('<0,05');
    expect(rateText({ rate: 1.5 }, az)).toBe('1,50');
    expect(rateText({ rate: null, published_rate: '' }, az)).toBe('—');
    expect(rateText({ published_rate: 'n/a' }, az)).toBe('n/a');
    expect(extraColumns({ rate_per: 100000, rows: [] })).toEqual(['population', 'rate']);
  });
  it('groups without a population are named, with their table', () => {
    expect(
      missingPopulations({
        tables: result.tables,
        no_population: [{ table: 'detected_victims', population: 'pop_az', population_label: 'Əhali', year: 2019, codes: { sex: 'Unknown', age: 'Total' } }],
      }),
    ).toEqual([{ tableLabel: 'Aşkar edilmiş qurbanlar', population: 'Əhali', year: 2019, codes: 'sex: Unknown, age: Total' }]);
    expect(missingPopulations({ tables: [] })).toEqual([]);
    const labelled = missingPopulations(
      { tables: [], no_population: [{ table: 't', population: 'pop', year: 2020, codes: { sex: 'Male' } }] },
      (c) => translate('az', columnKey(c)!),
    );
    expect(labelled).toEqual([{ tableLabel: 't', population: 'pop', year: 2020, codes: 'Cins: Male' }]);
  });
  it('coverage in words when it is not records', () => {
    expect(coverageKey('records')).toBeUndefined();
    expect(coverageKey('total_only')).toBe('ir.coverage_total_only');
    expect(coverageKey('no_data')).toBe('ir.coverage_no_data');
    expect(coverageKey('partial')).toBe('ir.coverage_other');
  });
  it('known columns have labels; others show their id', () => {
    for (const c of ['form', 'sex', 'age', 'citizenship', 'reporting_entity', 'role']) expect(hasKey(columnKey(c) ?? '')).toBe(true);
    expect(columnKey('region_m49')).toBeUndefined();
  });
  it('published cells: numbers in the language, "<5" as it is, nothing as a dash', () => {
    const az = (n: number) => formatNumber(n, 'az');
    expect(publishedText('1234', az)).toBe('1.234');
    expect(publishedText('<5', az)).toBe('<5');
    expect(publishedText('', az)).toBe('—');
    expect(publishedText(null, az)).toBe('—');
  });
  it('a gap reads "not stated: …, because …" with the reason in lower case', () => {
    const g = result.gaps![0]!;
    expect(translate('az', 'ir.gap', { measure: g.measure, reason: lowerFirst(g.reason, 'az') })).toBe(
      'Göstərilmir: Persons brought into formal contact, çünki şübhəli şəxslər ayrıca reyestrdə saxlanılmır.',
    );
    expect(lowerFirst('Suspects are not kept', 'en')).toBe('suspects are not kept');
    expect(lowerFirst('İnsan', 'az')).toBe('insan');
    expect(lowerFirst('Işıq', 'az')).toBe('ışıq');
    expect(lowerFirst('UNODC asks', 'en')).toBe('UNODC asks');
    expect(lowerFirst('', 'en')).toBe('');
  });
});

describe('who sees the page', () => {
  const schema: Schema = {
    lists: [],
    types: ['victim_case', 'person', 'accused', 'statistic_aggregate'].map((name) => ({ name, label: { az: name }, fields: [] })),
  };
  const role = (name: string, scope: string, permissions: Record<string, string[]>): RoleDef => ({
    name,
    label: { az: name },
    admin: name === 'admin',
    identity: 'none',
    scope,
    agency_types: [],
    permissions,
  });
  const roles = [
    role('coordinator', 'national', { '*': ['read', 'export'], statistic_aggregate: ['read', 'export', 'create'] }),
    role('statistician', 'national', { '*': ['read', 'export'] }),
    role('police_investigator', 'national', { victim_case: ['read', 'export'], person: ['read', 'export'] }),
    role('case_worker', 'assigned', { '*': ['read', 'export'] }),
    role('reader', 'national', { '*': ['read'] }),
    role('odd', 'national', { '*': ['read', 'export'], accused: ['read'] }),
    role('admin', 'own', {}),
  ];
  const meta = (r: string[]) => new Meta(schema, roles, r);
  const hrefs = (r: string[]) => navItems(meta(r)).map((i) => i.href);

  it('the coordinator and the statistician, next to the annual report', () => {
    expect(meta(['coordinator']).mayExactStatistics).toBe(true);
    expect(meta(['statistician']).mayExactStatistics).toBe(true);
    const h = hrefs(['coordinator']);
    expect(h).toContain('/reports/international');
    expect(h.indexOf('/reports/international')).toBe(h.indexOf('/reports/annual') + 1);
  });
  it('not the police (figures, but not every register), an NGO, a reader, an administrator', () => {
    for (const r of ['police_investigator', 'case_worker', 'reader', 'odd', 'admin']) {
      expect(meta([r]).mayExactStatistics, r).toBe(false);
      expect(hrefs([r]), r).not.toContain('/reports/international');
    }
    expect(hrefs(['police_investigator'])).toContain('/reports/annual');
    // Roles add up per register: the missing export of accused comes from another national role.
    expect(meta(['odd', 'statistician']).mayExactStatistics).toBe(true);
    expect(new Meta({ lists: [], types: [] }, roles, ['coordinator']).mayExactStatistics).toBe(false);
  });
});
