import { describe, expect, it } from 'vitest';
import { ApiError, parseProblem } from '../src/api';
import type { Agency } from '../src/agencies';
import {
  answerBody,
  answerOffered,
  answerErrors,
  answerPath,
  checkAnswer,
  CONTRIBUTION_DEADLINE,
  contributionRows,
  hiddenTransition,
  indicatorOptions,
  isContributionOverdue,
  MAX_FIGURES,
  newContributionHref,
  quotedFigureRows,
  requestAnswerable,
  withBodyName,
  type FigureRow,
} from '../src/international';
import { matchRoute } from '../src/router';
import { recordsOf } from './records';

const TODAY = '2024-05-20';

const rec = recordsOf('request_contribution');

const agencies: Agency[] = [
  { id: 7, name: 'Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi', type: 'ministry', region: 'Bakı', active: true },
  { id: 8, name: 'Təhsil Nazirliyi', type: 'education', region: 'Bakı', active: true },
];

const due = (overdue: boolean, name = CONTRIBUTION_DEADLINE) => ({ deadlines: [{ name, label: { az: 'x' }, due_at: '2024-05-10T00:00:00Z', overdue }] });

describe('which transitions and forms an international request offers', () => {
  it('hides the bare "answer" transition of a request only', () => {
    expect(hiddenTransition('international_request', 'answer')).toBe(true);
    expect(hiddenTransition('international_request', 'prepare')).toBe(false);
    expect(hiddenTransition('international_request', 'close')).toBe(false);
    expect(hiddenTransition('request_contribution', 'answer')).toBe(false);
    expect(hiddenTransition('victim_case', 'answer')).toBe(false);
  });

  it('a request is answered while received or in preparation, not deleted', () => {
    expect(requestAnswerable({ state: 'received' })).toBe(true);
    expect(requestAnswerable({ state: 'in_preparation' })).toBe(true);
    expect(requestAnswerable({ state: 'answered' })).toBe(false);
    expect(requestAnswerable({ state: 'closed' })).toBe(false);
    expect(requestAnswerable({ state: 'received', deleted: { at: '2024-01-01T00:00:00Z', by: 1 } })).toBe(false);
  });

  it('the answer form follows the schema\'s "answer" step: its states and its permission', () => {
    const td = {
      workflow: {
        initial: 'received',
        states: [],
        transitions: [
          { name: 'prepare', label: { az: 'x' }, from: ['received'], to: 'in_preparation', permission: 'international_request.update', requires: [] },
          { name: 'answer', label: { az: 'x' }, from: ['received', 'in_preparation'], to: 'answered', permission: 'international_request.answer', requires: [] },
        ],
      },
    };
    const office = (p: string) => p === 'international_request.answer';
    const focal = () => false;
    expect(answerOffered(td, { state: 'received' }, office)).toBe(true);
    expect(answerOffered(td, { state: 'in_preparation' }, office)).toBe(true);
    expect(answerOffered(td, { state: 'answered' }, office)).toBe(false);
    expect(answerOffered(td, { state: 'closed' }, office)).toBe(false);
    expect(answerOffered(td, { state: 'received' }, focal)).toBe(false);
    expect(answerOffered(td, { state: 'received', deleted: { at: '2024-01-01T00:00:00Z', by: 1 } }, office)).toBe(false);
    expect(answerOffered({ workflow: { ...td.workflow, transitions: td.workflow.transitions.slice(0, 1) } }, { state: 'received' }, office)).toBe(false);
    expect(answerOffered(undefined, { state: 'received' }, office)).toBe(false);
  });

  it('the answer route of a request', () => {
    expect(answerPath(12)).toBe('/international-requests/12/answer');
  });
});

describe('contributions', () => {
  it("the server's deadline decides when the record carries it", () => {
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-10' }, 'requested', due(true)), TODAY)).toBe(true);
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-10' }, 'requested', due(false)), TODAY)).toBe(false);
    // Another deadline of the record says nothing about this one.
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-30' }, 'requested', due(true, 'other')), TODAY)).toBe(false);
  });

  it('without the deadline: still awaited and past its day', () => {
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-19' }, 'requested'), TODAY)).toBe(true);
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-19' }, 'returned'), TODAY)).toBe(true);
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-20' }, 'requested'), TODAY)).toBe(false);
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-01' }, 'submitted'), TODAY)).toBe(false);
    expect(isContributionOverdue(rec(1, { due_on: '2024-05-01' }, 'accepted'), TODAY)).toBe(false);
    expect(isContributionOverdue(rec(1, {}, 'requested'), TODAY)).toBe(false);
  });

  it('rows by due day, the body by the agency name, else the name written on the record', () => {
    const rows = contributionRows(
      [
        rec(3, { contributing_agency_id: 8, body_name: 'TN', due_on: '2024-06-01', submitted_on: '2024-05-18' }, 'submitted'),
        rec(2, { contributing_agency_id: 7, body_name: 'AQUPDK', due_on: '2024-05-10' }, 'requested', due(true)),
        rec(4, { contributing_agency_id: 99, body_name: 'Daxili İşlər Nazirliyi', due_on: '2024-05-10' }, 'accepted'),
        rec(5, { body_name: 'Ədliyyə Nazirliyi' }, 'requested'),
      ],
      agencies,
      TODAY,
    );
    expect(rows.map((r) => r.id)).toEqual([2, 4, 3, 5]);
    expect(rows[0]).toEqual({
      id: 2,
      state: 'requested',
      agencyId: 7,
      bodyName: 'Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi',
      dueOn: '2024-05-10',
      submittedOn: '',
      overdue: true,
    });
    expect(rows[1]!.bodyName).toBe('Daxili İşlər Nazirliyi');
    expect(rows[1]!.overdue).toBe(false);
    expect(rows[2]!.bodyName).toBe('Təhsil Nazirliyi');
    expect(rows[2]!.submittedOn).toBe('2024-05-18');
    expect(rows[3]!.agencyId).toBeUndefined();
    expect(rows[3]!.bodyName).toBe('Ədliyyə Nazirliyi');
  });

  it('an agency neither listed nor named reads as its number', () => {
    expect(contributionRows([rec(1, { contributing_agency_id: 42 }, 'requested')], agencies, TODAY)[0]!.bodyName).toBe('№ 42');
  });

  it('the new contribution form with the request and today filled in', () => {
    const href = newContributionHref(12, TODAY);
    expect(href).toBe('/records/request_contribution/new?request=12&asked_on=2024-05-20');
    expect(matchRoute(href.split('?')[0]!)).toEqual({ page: 'new', type: 'request_contribution' });
  });

  it("the body's name follows the agency chosen unless the user wrote another", () => {
    const chose7 = withBodyName({ request: 12 }, { request: 12, contributing_agency_id: 7 }, agencies);
    expect(chose7.body_name).toBe('Ailə, Qadın və Uşaq Problemləri üzrə Dövlət Komitəsi');
    // Another agency: the name filled in follows it.
    expect(withBodyName(chose7, { ...chose7, contributing_agency_id: 8 }, agencies).body_name).toBe('Təhsil Nazirliyi');
    // A name the user wrote stays.
    const typed = { ...chose7, body_name: 'Komitə (Uşaq hüquqları şöbəsi)' };
    expect(withBodyName(typed, { ...typed, contributing_agency_id: 8 }, agencies).body_name).toBe('Komitə (Uşaq hüquqları şöbəsi)');
    // Other fields changing leave it alone.
    expect(withBodyName(typed, { ...typed, due_on: '2024-06-01' }, agencies)).toEqual({ ...typed, due_on: '2024-06-01' });
    // The agency cleared: the name it filled in goes too.
    const cleared = withBodyName(chose7, { request: 12, body_name: chose7.body_name }, agencies);
    expect(cleared).toEqual({ request: 12 });
  });
});

const rows = (...r: Array<[number, string, string]>): FigureRow[] => r.map(([key, indicator, period]) => ({ key, indicator, period }));

describe('the body of the answer', () => {
  it('the day, the text and the figures, trimmed; empty rows left out and their keys kept aside', () => {
    const { body, rowKeys } = answerBody({
      answeredOn: '2024-05-20',
      answerText: 'Cavab mətni.\n',
      figures: rows([1, 'victims_identified', ' 2023 '], [2, '', ''], [5, 'minor_victims_identified', '2005..2020']),
    });
    expect(body).toEqual({
      answered_on: '2024-05-20',
      answer_text: 'Cavab mətni.\n',
      figures: [
        { indicator: 'victims_identified', period: '2023' },
        { indicator: 'minor_victims_identified', period: '2005..2020' },
      ],
    });
    expect(rowKeys).toEqual([1, 5]);
  });

  it('no day, no text, no figure: the server names what is missing', () => {
    expect(answerBody({ answeredOn: ' ', answerText: '  ', figures: [] })).toEqual({ body: { figures: [] }, rowKeys: [] });
  });

  it('a row with an indicator and no period (or the other way round) is stopped before sending', () => {
    const { errors, rowKeys } = checkAnswer({
      answeredOn: '2024-05-20',
      answerText: 'x',
      figures: rows([3, 'victims_identified', ''], [4, '', ''], [6, '', '2019'], [7, 'victims_identified', '2019']),
    });
    expect(rowKeys).toEqual([3, 6, 7]);
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['figures[0].period', 'required'],
      ['figures[1].indicator', 'required'],
    ]);
    const mapped = answerErrors(new ApiError({ status: 422, code: 'validation', errors }), rowKeys);
    expect(mapped.rows.get(3)!.period.map((e) => e.code)).toEqual(['required']);
    expect(mapped.rows.get(6)!.indicator.map((e) => e.code)).toEqual(['required']);
    expect(mapped.rows.has(7)).toBe(false);
  });

  it('more than the server takes is stopped too', () => {
    const many = Array.from({ length: MAX_FIGURES + 1 }, (_, i): FigureRow => ({ key: i + 1, indicator: 'victims_identified', period: '2019' }));
    expect(checkAnswer({ answeredOn: '2024-05-20', answerText: 'x', figures: many }).errors.map((e) => e.field)).toEqual(['figures']);
    expect(checkAnswer({ answeredOn: '2024-05-20', answerText: 'x', figures: many.slice(1) }).errors).toEqual([]);
  });
});

describe("the server's errors at the rows they name", () => {
  const problem = (errors: Array<{ field: string; code: string; message?: string }>) =>
    parseProblem(422, 'application/problem+json', JSON.stringify({ type: 'about:blank', status: 422, code: 'validation', errors }));

  it('figures[i].indicator and figures[i].period go to the row sent as figures[i]', () => {
    // Rows 1, (2 empty, not sent), 5, 9: figures[1] is row 5 and figures[2] row 9.
    const { rowKeys } = answerBody({
      answeredOn: '2024-05-20',
      answerText: 'x',
      figures: rows([1, 'victims_identified', '2020'], [2, '', ''], [5, 'no_such_indicator', '2020'], [9, 'victims_identified', '20x0']),
    });
    const m = answerErrors(
      problem([
        { field: 'figures[1].indicator', code: 'unknown', message: "There is no indicator 'no_such_indicator'." },
        { field: 'figures[2].period', code: 'invalid', message: 'bad period' },
      ]),
      rowKeys,
    );
    expect([...m.rows.keys()].sort()).toEqual([5, 9]);
    expect(m.rows.get(5)!.indicator.map((e) => e.code)).toEqual(['unknown']);
    expect(m.rows.get(5)!.period).toEqual([]);
    expect(m.rows.get(9)!.period.map((e) => e.message)).toEqual(['bad period']);
    expect(m.rows.get(9)!.indicator).toEqual([]);
    expect(m.fields.size).toBe(0);
    expect(m.other).toEqual([]);
  });

  it('a row as a whole, the list, the request fields and the rest', () => {
    const m = answerErrors(
      problem([
        { field: 'figures[0]', code: 'type', message: 'must be {indicator, period}' },
        { field: 'figures', code: 'max_items' },
        { field: 'figures[7].period', code: 'invalid' },
        { field: 'answer_text', code: 'required_for_transition' },
        { field: 'answered_on', code: 'date' },
        { field: 'If-Match', code: 'format' },
      ]),
      [4],
    );
    expect(m.rows.get(4)!.row.map((e) => e.code)).toEqual(['type']);
    // An index the form did not send: shown with the list rather than lost.
    expect(m.fields.get('figures')!.map((e) => e.code)).toEqual(['max_items', 'invalid']);
    expect(m.fields.get('answer_text')!.map((e) => e.code)).toEqual(['required_for_transition']);
    expect(m.fields.get('answered_on')!.map((e) => e.code)).toEqual(['date']);
    expect(m.other.map((e) => e.field)).toEqual(['If-Match']);
  });

  it('not a validation problem: nothing at the fields', () => {
    const conflict = answerErrors(parseProblem(409, 'application/problem+json', '{"status":409,"code":"record.conflict"}'), [1]);
    expect(conflict.rows.size + conflict.fields.size + conflict.other.length).toBe(0);
    expect(answerErrors(new Error('x'), [1]).rows.size).toBe(0);
    expect(answerErrors(undefined, []).other).toEqual([]);
  });
});

describe('the indicator catalogue and the quoted figures', () => {
  it('indicators by name in the language, the id when unnamed', () => {
    const opts = indicatorOptions(
      [
        { id: 'victims_identified', label: 'Müəyyən edilmiş qurbanlar' },
        { id: 'crimes_registered', label: 'Qeydə alınmış cinayətlər' },
        { id: 'accused_prosecuted', label: 'Cinayət məsuliyyətinə cəlb edilənlər' },
        { id: 'hotline_appeals', label: '' },
      ],
      'az',
    );
    // The Azerbaijani alphabet: C … H … K, Q, L, M.
    expect(opts.map((o) => o.value)).toEqual(['accused_prosecuted', 'hotline_appeals', 'crimes_registered', 'victims_identified']);
    expect(opts[1]).toEqual({ value: 'hotline_appeals', label: 'hotline_appeals' });
  });

  it('quoted figures in the order quoted, named from the catalogue when it knows the indicator', () => {
    const q = (id: number, data: Record<string, unknown>) => rec(id, { request: 12, ...data }, '');
    const out = quotedFigureRows(
      [
        q(31, { indicator: 'minor_victims_identified', label: 'Minor victims identified', period: '2005..2020', indicator_version: 1, edition: 'public', computed_at: '2024-05-20T08:00:00Z' }),
        q(30, { indicator: 'victims_identified', label: 'Victims identified', period: '2020', value: 25, display: '25', indicator_version: 2, edition: 'restricted', computed_at: '2024-05-20T08:00:00Z' }),
      ],
      [{ id: 'victims_identified', label: 'Müəyyən edilmiş qurbanlar' }],
    );
    expect(out.map((r) => r.id)).toEqual([30, 31]);
    expect(out[0]).toEqual({
      id: 30,
      indicator: 'victims_identified',
      label: 'Müəyyən edilmiş qurbanlar',
      period: '2020',
      display: '25',
      value: 25,
      edition: 'restricted',
      computedAt: '2024-05-20T08:00:00Z',
      version: 2,
    });
    expect(out[1]!.label).toBe('Minor victims identified');
    expect(out[1]!.value).toBeUndefined();
    expect(out[1]!.display).toBe('');
    expect(quotedFigureRows([q(1, { indicator: 'x_y', period: '2019' })])[0]!.label).toBe('x_y');
  });
});
