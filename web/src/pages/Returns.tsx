// Periodic returns (docs/returns.md): the return types the user sees with their completeness
// (GET /returns), and for one type and year the grid of agencies × periods (GET
// /returns/{type}/completeness), each cell coloured by its state, overdue ones marked. A cell opens
// its return; a missing one opens the new-return form with the period filled in, for a user who
// may create returns. A data manager sees their own agency only (the server filters).
import { api } from '../api';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { formatDate, formatNumber, todayIso } from '../format';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n';
import { label } from '../meta';
import {
  buildGrid,
  completePercent,
  defaultReturnYear,
  fullCounts,
  periodHeading,
  periodName,
  RETURN_STATES,
  returnYears,
  type Completeness,
  type GridCell,
  type ReturnOverview,
} from '../returns';
import { navigate, onLinkClick, useLocation } from '../router';
import { useLoad, useSession } from '../session';

const STATE_KEYS: Record<string, MessageKey> = {
  approved: 'returns.state_approved',
  submitted: 'returns.state_submitted',
  returned: 'returns.state_returned',
  draft: 'returns.state_draft',
  missing: 'returns.state_missing',
};
const PERIOD_KEYS: Record<string, MessageKey> = {
  month: 'returns.period_month',
  quarter: 'returns.period_quarter',
  year: 'returns.period_year',
};

export function Returns() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const location = useLocation();
  const q = new URLSearchParams(location.split('?')[1] ?? '');
  const overview = useLoad(() => api.request<{ items: ReturnOverview[] }>('GET', '/returns'), []);
  const items = overview.data?.items ?? [];
  const today = todayIso();
  const chosen = items.find((x) => x.type === q.get('type')) ?? items.find((x) => x.expected > 0) ?? items[0];
  const chosenDef = chosen ? meta.type(chosen.type) : undefined;
  const years = returnYears(chosenDef?.periodic_return?.since, today);
  const askedYear = Number(q.get('year'));
  const year = years.includes(askedYear) ? askedYear : Math.max(defaultReturnYear(chosen?.period, today), years[years.length - 1] ?? 0);
  const grid = useLoad(
    () =>
      chosen
        ? api.request<Completeness>('GET', `/returns/${chosen.type}/completeness?from=${year}&to=${year}`)
        : Promise.resolve(undefined),
    [chosen?.type, year],
  );
  const choose = (type: string, y?: number) => navigate(`/returns?type=${encodeURIComponent(type)}${y ? `&year=${y}` : ''}`);
  const stateText = (s: string) => (STATE_KEYS[s] ? t(STATE_KEYS[s]) : meta.stateLabel(chosen?.type ?? '', s, lang));

  const cellTitle = (c: GridCell) =>
    [
      periodName(c.period, lang),
      stateText(c.state),
      c.overdue ? t('returns.overdue_since', { date: formatDate(c.due_on, lang) }) : t('returns.due_on', { date: formatDate(c.due_on, lang) }),
      c.action === 'create' ? t('returns.enter') : c.action === 'open' ? t('returns.open_n', { id: c.id ?? '' }) : '',
    ]
      .filter(Boolean)
      .join(' · ');

  const cell = (c: GridCell | undefined, key: string) => {
    if (!c)
      return (
        <td key={key} class="rcell rcell-none">
          <span class="visually-hidden">{t('returns.not_owed')}</span>
        </td>
      );
    const content = (
      <>
        <span class="rcell-state">{stateText(c.state)}</span>
        {c.overdue && (
          <span class="rcell-overdue" aria-hidden="true">
            !
          </span>
        )}
        <span class="visually-hidden">
          {' '}
          ({periodName(c.period, lang)}
          {c.overdue ? `; ${t('returns.overdue')}` : ''})
        </span>
      </>
    );
    return (
      <td key={key} class={`rcell rcell-${c.state}${c.overdue ? ' rcell-late' : ''}`} data-period={c.period} data-state={c.state} data-overdue={c.overdue ? 'true' : undefined}>
        {c.href ? (
          <a href={c.href} onClick={onLinkClick} title={cellTitle(c)} data-action={c.action}>
            {content}
          </a>
        ) : (
          <span title={cellTitle(c)}>{content}</span>
        )}
      </td>
    );
  };

  const model = grid.data && chosen && grid.data.type === chosen.type ? buildGrid(grid.data, meta.may(chosen.type, 'create')) : undefined;
  const gridCounts = fullCounts(grid.data?.counts);

  return (
    <Page title={t('returns.title')}>
      <p>{t('returns.intro')}</p>
      <ErrorAlert error={overview.error} />
      {overview.loading && !overview.data && <Loading />}
      {overview.data && items.length === 0 && <p>{t('returns.none')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="returns-overview">
            <caption class="visually-hidden">{t('returns.overview_caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('returns.type')}</th>
                <th scope="col">{t('returns.period_kind')}</th>
                <th scope="col" class="num">{t('returns.expected')}</th>
                {RETURN_STATES.map((s) => (
                  <th key={s} scope="col" class="num">
                    {t(STATE_KEYS[s]!)}
                  </th>
                ))}
                <th scope="col" class="num">{t('returns.overdue')}</th>
                <th scope="col" class="num">{t('returns.complete')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => {
                const c = fullCounts(it.counts);
                const current = chosen?.type === it.type;
                return (
                  <tr key={it.type} data-type={it.type} class={current ? 'row-current' : undefined}>
                    <th scope="row">
                      <a
                        href={`/returns?type=${it.type}`}
                        onClick={(e) => {
                          e.preventDefault();
                          choose(it.type);
                        }}
                        aria-current={current ? 'true' : undefined}
                      >
                        {label(it.label, lang)}
                      </a>
                    </th>
                    <td>
                      {PERIOD_KEYS[it.period] ? t(PERIOD_KEYS[it.period]!) : it.period}
                      <div class="small muted">{t('returns.due_days', { n: it.due_days })}</div>
                    </td>
                    <td class="num">{formatNumber(it.expected, lang)}</td>
                    {RETURN_STATES.map((s) => (
                      <td key={s} class="num" data-count={s}>
                        {formatNumber(c[s], lang)}
                      </td>
                    ))}
                    <td class={c.overdue > 0 ? 'num overdue-count' : 'num'} data-count="overdue">
                      {formatNumber(c.overdue, lang)}
                    </td>
                    <td class="num">{it.expected > 0 ? `${formatNumber(completePercent(it.complete), lang)} %` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {chosen && (
        <section class="returns-grid" aria-labelledby="grid-h">
          <h2 id="grid-h">{label(chosen.label, lang)}</h2>
          <div class="toolbar align-end">
            <div class="field">
              <label for="returns-type">{t('returns.type')}</label>
              <select id="returns-type" value={chosen.type} onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value, year)}>
                {items.map((it) => (
                  <option key={it.type} value={it.type}>
                    {label(it.label, lang)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="returns-year">{t('returns.year')}</label>
              <select id="returns-year" class="short" value={String(year)} onChange={(e) => choose(chosen.type, Number((e.currentTarget as HTMLSelectElement).value))}>
                {years.map((y) => (
                  <option key={y} value={String(y)}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
            {meta.may(chosen.type, 'create') && (
              <a class="button button-plain" href={`/records/${chosen.type}/new`} onClick={onLinkClick}>
                {t('returns.new')}
              </a>
            )}
          </div>
          <ErrorAlert error={grid.error} />
          {grid.loading && !model && <Loading />}
          {model && (
            <>
              <p aria-live="polite" data-testid="grid-summary">
                {t('returns.grid_summary', {
                  expected: formatNumber(grid.data?.expected ?? 0, lang),
                  approved: formatNumber(gridCounts.approved, lang),
                  submitted: formatNumber(gridCounts.submitted, lang),
                  missing: formatNumber(gridCounts.missing, lang),
                  overdue: formatNumber(gridCounts.overdue, lang),
                })}
              </p>
              {model.rows.length === 0 || model.columns.length === 0 ? (
                <p class="muted">{model.rows.length === 0 ? t('returns.no_agencies') : t('returns.no_periods', { year })}</p>
              ) : (
                <div class="table-wrap">
                  <table class="table compact returns-table" data-testid="returns-grid">
                    <caption class="visually-hidden">{t('returns.grid_caption', { type: label(chosen.label, lang), year })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('returns.agency')}</th>
                        {model.columns.map((p) => (
                          <th key={p} scope="col" abbr={periodName(p, lang)}>
                            {periodHeading(p, lang)}
                          </th>
                        ))}
                        <th scope="col" class="num">{t('returns.approved_of')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {model.rows.map((r) => (
                        <tr key={r.agencyId} data-agency={r.agencyId}>
                          <th scope="row">
                            {r.agency}
                            {r.region && <div class="small muted">{meta.valueLabel('region', r.region, lang)}</div>}
                          </th>
                          {r.cells.map((c, i) => cell(c, model.columns[i]!))}
                          <td class="num">
                            {formatNumber(r.approved, lang)} / {formatNumber(r.owed, lang)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <ul class="returns-legend" aria-label={t('returns.legend')}>
                {RETURN_STATES.map((s) => (
                  <li key={s}>
                    <span class={`rcell-swatch rcell-${s}`} aria-hidden="true" /> {t(STATE_KEYS[s]!)}
                  </li>
                ))}
                <li>
                  <span class="rcell-overdue" aria-hidden="true">
                    !
                  </span>{' '}
                  {t('returns.overdue')}
                </li>
              </ul>
            </>
          )}
        </section>
      )}
    </Page>
  );
}
