// The action-plan dashboard (P3, docs/prevention-plans-cooperation.md): a plan and a year chosen,
// the plan's measures by chapter (number, text in the user's language, responsible body, due
// day, state, overdue marked, the latest progress report), the totals by responsible body, and
// for the coordinator's office the plan's implementation report for the year (PDF, ODT). A
// body's focal point sees its own body's measures only (the server filters) and files progress
// reports from here (the new-report form with the measure, body and period filled in).
import { records, type ListBody, type RecordBody } from '../api';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { formatDate, formatNumber, todayIso } from '../format';
import { useI18n } from '../i18n/context';
import { label } from '../meta';
import {
  bodyTotals,
  chunks,
  defaultPlanYear,
  donePercent,
  dueInYear,
  groupByChapter,
  implementationReportHref,
  latestReports,
  localText,
  measureRows,
  newProgressReportHref,
  planYears,
  plansHref,
  sumTotals,
  type BodyTotals,
  type MeasureRow,
} from '../plans';
import { navigate, onLinkClick, useLocation } from '../router';
import { useLoad, useSession } from '../session';

/** Every page of a list (the cursor followed to the end). */
export async function listAll(type: string, params: Record<string, string | number | boolean | undefined>): Promise<RecordBody[]> {
  const out: RecordBody[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page: ListBody = await records.list(type, { ...params, limit: 500, cursor });
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

async function loadMeasures(planId: number, withReports: boolean) {
  const measures = await listAll('plan_measure', { plan: planId, sort: 'number' });
  let reports: RecordBody[] = [];
  if (withReports && measures.length > 0) {
    const parts = await Promise.all(
      chunks(
        measures.map((m) => m.id),
        100,
      ).map((ids) => listAll('progress_report', { 'measure[in]': ids.join(','), sort: '-submitted_on', fields: 'measure,period,status,submitted_on' })),
    );
    reports = parts.flat();
  }
  return { planId, measures, reports };
}

export function Plans() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const location = useLocation();
  const q = new URLSearchParams(location.split('?')[1] ?? '');
  const today = todayIso();
  // Loaded again on every visit of the address (a click on the navigation refreshes the page's data).
  const plans = useLoad(() => listAll('action_plan', { sort: '-period_from' }), [location]);
  const items = plans.data ?? [];
  const plan = items.find((p) => p.id === Number(q.get('plan'))) ?? items[0];
  const years = planYears(plan?.data.period_from, plan?.data.period_to, today);
  const askedYear = Number(q.get('year'));
  const year = years.includes(askedYear) ? askedYear : defaultPlanYear(years, today);
  const dueOnly = q.get('due') === 'year';
  const mayReport = meta.may('progress_report', 'create');
  const readsReports = meta.may('progress_report', 'read');
  const isOffice = meta.may('plan_measure', 'assess');
  const loaded = useLoad(() => (plan ? loadMeasures(plan.id, readsReports) : Promise.resolve(undefined)), [plan?.id, location]);
  const data = loaded.data && loaded.data.planId === plan?.id ? loaded.data : undefined;
  const all = data ? measureRows(data.measures, latestReports(data.reports), lang, today) : [];
  const shown = dueOnly ? all.filter((m) => dueInYear(m, year)) : all;
  const groups = groupByChapter(shown);
  const totals = bodyTotals(shown, lang);
  const sum = sumTotals(totals);
  const planTitle = plan ? localText(plan.data, 'title', lang) || `${label(meta.type('action_plan')?.label, lang)} № ${plan.id}` : '';
  const go = (p: number | undefined, y: number | undefined, due: boolean) => navigate(plansHref(p, y, due), { replace: true });

  return (
    <Page title={t('plans.title')}>
      <p>{t('plans.intro')}</p>
      {mayReport && !isOffice && <p class="muted">{t('plans.intro_focal')}</p>}
      <ErrorAlert error={plans.error} />
      {plans.loading && !plans.data && <Loading />}
      {(meta.may('action_plan', 'create') || (plan && meta.may('plan_measure', 'create'))) && (
        <ul class="inline-links">
          {meta.may('action_plan', 'create') && (
            <li>
              <a href="/records/action_plan/new" onClick={onLinkClick} data-testid="new-plan">
                {t('plans.new_plan')}
              </a>
            </li>
          )}
          {plan && meta.may('plan_measure', 'create') && (
            <li>
              <a href={`/records/plan_measure/new?plan=${plan.id}`} onClick={onLinkClick} data-testid="new-measure">
                {t('plans.new_measure')}
              </a>
            </li>
          )}
        </ul>
      )}
      {plans.data && items.length === 0 && <p data-testid="no-plans">{t('plans.none')}</p>}
      {plan && (
        <>
          <div class="toolbar align-end">
            <div class="field">
              <label for="plans-plan">{t('plans.plan')}</label>
              <select id="plans-plan" value={String(plan.id)} onChange={(e) => go(Number((e.currentTarget as HTMLSelectElement).value), undefined, dueOnly)}>
                {items.map((p) => (
                  <option key={p.id} value={String(p.id)}>
                    {localText(p.data, 'title', lang) || `№ ${p.id}`}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="plans-year">{t('plans.year')}</label>
              <select id="plans-year" class="short" value={String(year)} onChange={(e) => go(plan.id, Number((e.currentTarget as HTMLSelectElement).value), dueOnly)}>
                {years.map((y) => (
                  <option key={y} value={String(y)}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="plans-scope">{t('plans.show')}</label>
              <select id="plans-scope" value={dueOnly ? 'year' : 'all'} onChange={(e) => go(plan.id, year, (e.currentTarget as HTMLSelectElement).value === 'year')}>
                <option value="all">{t('plans.show_all')}</option>
                <option value="year">{t('plans.show_due', { year })}</option>
              </select>
            </div>
          </div>
          <section class="panel" aria-labelledby="plan-h" data-testid="plan-info">
            <h2 id="plan-h">
              <a href={`/records/action_plan/${plan.id}`} onClick={onLinkClick}>
                {planTitle}
              </a>
            </h2>
            <p class="muted">
              {t('plans.period', { from: String(plan.data.period_from ?? '…'), to: String(plan.data.period_to ?? '…') })}
              {typeof plan.data.approved_by === 'string' && plan.data.approved_by && <> · {t('plans.approved_by', { act: plan.data.approved_by })}</>}
            </p>
            {isOffice && (
              <p class="report-links" data-testid="implementation-report">
                <span>{t('plans.report', { year })}:</span>{' '}
                <a href={implementationReportHref(plan.id, year, lang, 'pdf')} download data-format="pdf">
                  {t('plans.report_pdf')}
                </a>{' '}
                ·{' '}
                <a href={implementationReportHref(plan.id, year, lang, 'odt')} download data-format="odt">
                  {t('plans.report_odt')}
                </a>
              </p>
            )}
          </section>
          <ErrorAlert error={loaded.error} />
          {loaded.loading && !data && <Loading />}
          {data && (
            <>
              <p aria-live="polite" data-testid="plan-summary">
                {t('plans.summary', {
                  total: formatNumber(sum.total, lang),
                  done: formatNumber(sum.done, lang),
                  open: formatNumber(sum.open, lang),
                  overdue: formatNumber(sum.overdue, lang),
                  not_done: formatNumber(sum.not_done, lang),
                })}
              </p>
              <Totals totals={totals} sum={sum} />
              <section aria-labelledby="measures-h">
                <h2 id="measures-h">{t('plans.measures')}</h2>
                {shown.length === 0 ? (
                  <p class="muted" data-testid="no-measures">{t('plans.no_measures')}</p>
                ) : (
                  <div class="table-wrap">
                    <table class="table plan-table" data-testid="plan-measures">
                      <caption class="visually-hidden">{t('plans.measures_caption', { plan: planTitle })}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('plans.number')}</th>
                          <th scope="col">{t('plans.measure')}</th>
                          <th scope="col">{t('plans.body')}</th>
                          <th scope="col">{t('plans.due_on')}</th>
                          <th scope="col">{t('plans.state')}</th>
                          <th scope="col">{t('plans.latest_report')}</th>
                          {mayReport && (
                            <th scope="col">
                              <span class="visually-hidden">{t('plans.actions')}</span>
                            </th>
                          )}
                        </tr>
                      </thead>
                      {groups.map((g) => (
                        <tbody key={g.chapter} data-chapter={g.chapter}>
                          <tr class="chapter-row">
                            <th scope="colgroup" colSpan={mayReport ? 7 : 6}>
                              {g.chapter || t('plans.no_chapter')} <span class="count">{g.measures.length}</span>
                            </th>
                          </tr>
                          {g.measures.map((m) => (
                            <MeasureLine key={m.id} m={m} year={year} mayReport={mayReport} today={today} />
                          ))}
                        </tbody>
                      ))}
                    </table>
                  </div>
                )}
              </section>
            </>
          )}
        </>
      )}
    </Page>
  );
}

function MeasureLine({ m, year, mayReport, today }: { m: MeasureRow; year: number; mayReport: boolean; today: string }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const statusList = meta.type('progress_report')?.fields.find((f) => f.name === 'status')?.values;
  return (
    <tr data-measure={m.id} data-state={m.state} data-overdue={m.overdue ? 'true' : undefined} class={m.overdue ? 'row-overdue' : undefined}>
      <th scope="row">
        <a href={`/records/plan_measure/${m.id}`} onClick={onLinkClick}>
          {m.number || `№ ${m.id}`}
        </a>
      </th>
      <td class="measure-text">{m.text}</td>
      <td>{m.responsibleBody}</td>
      <td class="nowrap">
        {m.dueOn ? formatDate(m.dueOn, lang) : m.dueYear ? String(m.dueYear) : '—'}
        {m.overdue && (
          <span class="badge badge-overdue" data-testid="overdue">
            {t('plans.overdue_badge')}
          </span>
        )}
      </td>
      <td>
        <span class={`state mstate-${m.state}`}>{meta.stateLabel('plan_measure', m.state, lang)}</span>
      </td>
      <td data-testid="latest-report">
        {m.latest ? (
          <a href={`/records/progress_report/${m.latest.id}`} onClick={onLinkClick} data-report-state={m.latest.state}>
            {m.latest.period}: {meta.valueLabel(statusList, m.latest.status, lang)}
            <span class="small muted"> · {meta.stateLabel('progress_report', m.latest.state, lang)}</span>
          </a>
        ) : (
          <span class="muted">{t('plans.no_report')}</span>
        )}
      </td>
      {mayReport && (
        <td>
          <a
            href={newProgressReportHref(m, year, today)}
            onClick={onLinkClick}
            data-action="report"
            aria-label={`${t('plans.file_report')}: ${m.number}`}
          >
            {t('plans.file_report')}
          </a>
        </td>
      )}
    </tr>
  );
}

function Totals({ totals, sum }: { totals: BodyTotals[]; sum: BodyTotals }) {
  const { t, lang } = useI18n();
  if (totals.length === 0) return null;
  const n = (v: number) => formatNumber(v, lang);
  const bar = (x: BodyTotals) => {
    const w = (v: number) => `${x.total > 0 ? (v / x.total) * 100 : 0}%`;
    return (
      <div class="progress-bar" aria-hidden="true">
        <span class="pb-done" style={{ width: w(x.done) }} />
        <span class="pb-open" style={{ width: w(x.open - x.overdue) }} />
        <span class="pb-overdue" style={{ width: w(x.overdue) }} />
        <span class="pb-not-done" style={{ width: w(x.not_done) }} />
      </div>
    );
  };
  const cells = (x: BodyTotals) => (
    <>
      <td class="num" data-count="total">{n(x.total)}</td>
      <td class="num" data-count="done">{n(x.done)}</td>
      <td class="num" data-count="open">{n(x.open)}</td>
      <td class={x.overdue > 0 ? 'num overdue-count' : 'num'} data-count="overdue">{n(x.overdue)}</td>
      <td class="num" data-count="not_done">{n(x.not_done)}</td>
      <td class="num">{n(donePercent(x))} %</td>
      <td class="bar-cell">{bar(x)}</td>
    </>
  );
  return (
    <section aria-labelledby="totals-h">
      <h2 id="totals-h">{t('plans.totals')}</h2>
      <div class="table-wrap">
        <table class="table compact" data-testid="plan-totals">
          <caption class="visually-hidden">{t('plans.totals')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('plans.body')}</th>
              <th scope="col" class="num">{t('plans.total')}</th>
              <th scope="col" class="num">{t('plans.done')}</th>
              <th scope="col" class="num">{t('plans.open')}</th>
              <th scope="col" class="num">{t('plans.overdue')}</th>
              <th scope="col" class="num">{t('plans.not_done')}</th>
              <th scope="col" class="num">{t('plans.done_share')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('plans.chart')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {totals.map((x) => (
              <tr key={x.body} data-body={x.body}>
                <th scope="row">{x.body || '—'}</th>
                {cells(x)}
              </tr>
            ))}
          </tbody>
          {totals.length > 1 && (
            <tfoot>
              <tr data-body="">
                <th scope="row">{t('plans.all_bodies')}</th>
                {cells(sum)}
              </tr>
            </tfoot>
          )}
        </table>
      </div>
      <ul class="returns-legend" aria-label={t('plans.legend')}>
        <li><span class="rcell-swatch pb-done" aria-hidden="true" /> {t('plans.done')}</li>
        <li><span class="rcell-swatch pb-open" aria-hidden="true" /> {t('plans.open_in_time')}</li>
        <li><span class="rcell-swatch pb-overdue" aria-hidden="true" /> {t('plans.overdue')}</li>
        <li><span class="rcell-swatch pb-not-done" aria-hidden="true" /> {t('plans.not_done')}</li>
      </ul>
    </section>
  );
}
