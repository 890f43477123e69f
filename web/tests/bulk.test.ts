import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api';
import {
  assignableFields,
  bulkTransitions,
  csvCell,
  csvFields,
  csvFileName,
  csvValue,
  failureText,
  mayBulkTransition,
  rowsCsv,
  runBulk,
  summarize,
  toCsv,
  type BulkRow,
  type CsvNames,
} from '../src/bulk';
import { translator } from '../src/i18n';
import type { FieldDef, TransitionDef, TypeDef } from '../src/meta';

const f = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type: 'text',
  label: { az: name },
  required: false,
  indexed: true,
  sensitivity: 'case',
  ...extra,
});
const tr = (name: string, extra: Partial<TransitionDef> = {}): TransitionDef => ({
  name,
  label: { az: name, en: `${name} (en)` },
  from: [],
  to: name,
  permission: `signal.${name}`,
  requires: [],
  ...extra,
});

const signal: TypeDef = {
  name: 'signal',
  label: { az: 'Siqnal' },
  title_field: 'summary',
  fields: [
    f('summary', { type: 'long_text', label: { az: 'Qısa məzmun' } }),
    f('person_name', { sensitivity: 'identity', label: { az: 'Ad' } }),
    f('referred_at', { type: 'datetime', label: { az: 'Yönləndirilib' } }),
    f('source', { type: 'enum', values: 'source', label: { az: 'Mənbə' } }),
  ],
  workflow: {
    initial: 'registered',
    states: [],
    transitions: [
      tr('refer', { from: ['registered'], to: 'referred', requires: ['referred_at'] }),
      tr('close', { to: 'closed' }),
      tr('reopen', { from: ['closed'], to: 'registered' }),
    ],
  },
};
const row = (id: number, state: string, version = 3): BulkRow => ({ id, state, version, data: {} });
const all = () => true;
const az = translator('az');
const en = translator('en');

describe('the steps offered for the selected rows', () => {
  it('only those that need no input, offered for at least one row; the others named as left out', () => {
    const steps = bulkTransitions(signal, [row(1, 'registered'), row(2, 'closed'), row(3, 'referred')], all, 5);
    expect(steps.map((s) => s.transition.name)).toEqual(['close', 'reopen']);
    expect(steps[0]).toMatchObject({ applicable: [1, 3], skipped: [2] });
    expect(steps[1]).toMatchObject({ applicable: [2], skipped: [1, 3] });
  });
  it('by the user\'s permissions; none for a type without a workflow', () => {
    expect(bulkTransitions(signal, [row(1, 'registered')], (p) => p === 'signal.refer', 5)).toEqual([]);
    expect(bulkTransitions({ ...signal, workflow: undefined }, [row(1, 'registered')], all, 5)).toEqual([]);
    expect(mayBulkTransition(signal, (p) => p === 'signal.close')).toBe(true);
    expect(mayBulkTransition(signal, (p) => p === 'signal.refer')).toBe(false);
  });
  it('assignment: the user fields (…_user_id), not computed', () => {
    const td = { fields: [f('assigned_user_id', { type: 'integer' }), f('helper_user_id', { type: 'integer', computed: { fn: 'x' } }), f('to_agency_id', { type: 'integer' })] };
    expect(assignableFields(td).map((x) => x.name)).toEqual(['assigned_user_id']);
    expect(assignableFields(signal)).toEqual([]);
  });
});

describe('the calls: one per record, in order, none retried', () => {
  it('keeps going after a failure and reports each', async () => {
    const calls: number[] = [];
    const progress: string[] = [];
    const outcomes = await runBulk(
      [row(1, 'a'), row(2, 'a'), row(3, 'a')],
      async (r) => {
        calls.push(r.id);
        if (r.id === 2) throw new ApiError({ status: 412, code: 'record.version_conflict' });
        return r;
      },
      (done, n) => progress.push(`${done}/${n}`),
    );
    expect(calls).toEqual([1, 2, 3]);
    expect(progress).toEqual(['1/3', '2/3', '3/3']);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const s = summarize(outcomes, [9]);
    expect(s.total).toBe(3);
    expect(s.succeeded).toEqual([1, 3]);
    expect(s.failed.map((x) => x.id)).toEqual([2]);
    expect(s.skipped).toEqual([9]);
  });
  it('one at a time: the next starts when the last has answered', async () => {
    let running = 0;
    let most = 0;
    await runBulk([row(1, 'a'), row(2, 'a'), row(3, 'a')], async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    });
    expect(most).toBe(1);
  });
});

describe('a refusal in words', () => {
  const label = (name: string) => ({ decline_reason: 'İmtina səbəbi' })[name] ?? name;
  it('a version conflict is "changed meanwhile"', () => {
    expect(failureText(new ApiError({ status: 412, code: 'record.version_conflict', detail: 'now version 4' }), az, label)).toBe(
      'Qeyd bu arada başqa istifadəçi tərəfindən dəyişdirilib; siyahı yeniləndi, onu yenidən seçib təkrar edin.',
    );
  });
  it('a validation names the field by its label and the rule', () => {
    const e = new ApiError({
      status: 422,
      code: 'validation.failed',
      errors: [{ field: 'decline_reason', code: 'required_for_transition', message: 'required' }],
    });
    expect(failureText(e, az, label)).toBe('Daxil edilən məlumatlarda səhvlər var. İmtina səbəbi: Bu addım üçün bu sahə doldurulmalıdır.');
    const other = new ApiError({ status: 422, code: 'validation.failed', errors: [{ field: 'x[0].y', code: 'strange', message: 'is strange' }] });
    expect(failureText(other, en, label)).toMatch(/x: is strange$/);
  });
  it("another refusal: the server's message (worded by code when the app has it)", () => {
    expect(failureText(new ApiError({ status: 409, code: 'access.consent_missing', detail: 'The person did not consent.' }), en, label)).toBe('The person did not consent.');
    expect(failureText(new ApiError({ status: 403, code: 'auth.forbidden', detail: 'x' }), az, label)).toBe('Bu əməliyyat üçün icazəniz yoxdur.');
    expect(failureText(new ApiError({ status: 404, code: 'not_found' }), az, label)).toBe('Qeyd tapılmadı və ya ona çıxışınız yoxdur.');
    expect(failureText(new Error('boom'), en, label)).toBe(en('error.unknown'));
  });
});

describe('the selected rows as CSV', () => {
  const names: CsvNames = {
    lang: 'az',
    t: az,
    valueLabel: (list, code) => (list === 'source' && code === 'hotline' ? 'Qaynar xətt' : code),
    agencies: [{ id: 4, name: 'Sınaq QHT', type: 'ngo', region: 'Bakı', active: true }],
    colleagues: [{ id: 6, display_name: 'Əliyeva Sınaq' }],
    typeLabel: (t) => (t === 'person' ? 'Şəxs' : t),
  };
  it('cells: quoted when needed, formulas defused, numbers kept', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-12')).toBe('-12');
    expect(csvCell('-12,5')).toBe('"-12,5"');
    expect(csvCell('+994 50 000')).toBe("'+994 50 000");
  });
  it('a file: byte-order mark, CRLF', () => {
    expect(toCsv(['a', 'b'], [['1', '2']])).toBe('\ufeffa,b\r\n1,2\r\n');
    expect(csvFileName('signal', '2026-12-01')).toBe('signal-2026-12-01.csv');
  });
  it('never an identity field, the title field first', () => {
    const columns = [signal.fields[1]!, signal.fields[3]!];
    expect(csvFields(signal, columns).map((x) => x.name)).toEqual(['summary', 'source']);
    const person: Pick<TypeDef, 'fields' | 'title_field'> = { title_field: 'last_name', fields: [f('last_name', { sensitivity: 'identity' }), f('sex', { type: 'enum' })] };
    expect(csvFields(person, [person.fields[1]!]).map((x) => x.name)).toEqual(['sex']);
  });
  it('values as the app shows them: labels, days dd.mm.yyyy, money in manat, names', () => {
    expect(csvValue(f('s', { type: 'enum', values: 'source' }), 'hotline', names)).toBe('Qaynar xətt');
    expect(csvValue(f('s', { type: 'multi_enum', values: 'source' }), ['hotline', 'x'], names)).toBe('Qaynar xətt, x');
    expect(csvValue(f('d', { type: 'date' }), '2019-03-10', names)).toBe('10.03.2019');
    expect(csvValue(f('d', { type: 'partial_date' }), '2019-03', names)).toBe('03.2019');
    expect(csvValue(f('m', { type: 'money' }), 70050, names)).toBe('700.50');
    expect(csvValue(f('b', { type: 'boolean' }), false, names)).toBe('Xeyr');
    expect(csvValue(f('to_agency_id', { type: 'integer' }), 4, names)).toBe('Sınaq QHT');
    expect(csvValue(f('assigned_user_id', { type: 'integer' }), 6, names)).toBe('Əliyeva Sınaq');
    expect(csvValue(f('assigned_user_id', { type: 'integer' }), 60, names)).toBe('№ 60');
    expect(csvValue(f('person', { type: 'reference', ref: 'person' }), 12, names)).toBe('Şəxs № 12');
    expect(csvValue(f('n', { type: 'integer' }), 1234, names)).toBe('1234');
    expect(csvValue(f('n'), undefined, names)).toBe('');
  });
  it('the rows: number, fields, state, last change', () => {
    const text = rowsCsv(
      signal,
      [signal.fields[1]!, signal.fields[3]!],
      [{ id: 7, state: 'closed', data: { summary: 'Sınaq, məlumat', person_name: 'Gizli Ad', source: 'hotline' }, updated_at: '2026-12-01T08:00:00Z' }],
      names,
      (s) => (s === 'closed' ? 'Bağlanıb' : ''),
    );
    const [header, line] = text.replace('\ufeff', '').split('\r\n');
    expect(header).toBe('№,Qısa məzmun,Mənbə,Vəziyyət,Dəyişdirilib');
    expect(line).toMatch(/^7,"Sınaq, məlumat",Qaynar xətt,Bağlanıb,01\.12\.2026 \d{2}:00$/);
    expect(text).not.toContain('Gizli Ad');
  });
});
