// Coordinator dashboard: key figures of a year (with the change from the year before), victims
// identified per year, and the breakdowns of the victims (country, form of exploitation, sex,
// age...), from /statistics/indicators/{id}?period=. A click on a figure shows its definition
// and, when the role may read them, the records behind it.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { BarChart } from '../components/BarChart';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { unitFor } from '../plural';
import { useLoad } from '../session';
import { latestYearWithData, recentYears } from '../years';
import { FigureDetails } from './FigureDetails';

export interface Cell {
  code: string;
  label: string;
  display: string;
  value: number | null;
  suppressed: boolean;
}
export interface Figure {
  indicator: string;
  label: string;
  definition: string;
  display: string;
  value: number | null;
  unit: string;
  period: string;
  available: boolean;
  suppressed: boolean;
  change?: { display: string; percent?: number };
  previous?: { display: string; period: string };
  breakdowns?: Array<{ dimension: string; label: string; cells: Cell[] }>;
  register?: string;
}

const KEY_FIGURES = ['victims_identified', 'victims_placed_in_ministry_shelter', 'victims_placed_assistance', 'victims_one_time_subsidy', 'crimes_registered', 'accused_prosecuted', 'wanted_persons', 'hotline_appeals'];
const CHARTED = ['country_of_exploitation', 'form_of_exploitation', 'sex', 'age_band', 'minor_adult', 'citizenship'];

export function figureUrl(id: string, period: string, lang: string): string {
  return `/statistics/indicators/${encodeURIComponent(id)}?period=${encodeURIComponent(period)}&lang=${lang}`;
}

/**
 * The year the statistics pages open on: the latest of the last ten years in which victims were
 * identified (or, failing that, last year), from the same figure the victims-by-year chart shows.
 * Undefined while it is being found out.
 */
export function useDefaultYear(): string | undefined {
  const thisYear = new Date().getFullYear();
  const probe = useLoad(async () => {
    const years = recentYears(thisYear);
    const figs = await Promise.all(years.map((y) => api.request<Figure>('GET', figureUrl('victims_identified', String(y), 'az')).catch(() => undefined)));
    return String(latestYearWithData(years, figs, thisYear));
  }, []);
  return probe.data ?? (probe.error ? String(thisYear - 1) : undefined);
}

export function Dashboard() {
  const { t, lang } = useI18n();
  const thisYear = new Date().getFullYear();
  const defaultYear = useDefaultYear();
  const [chosen, setYear] = useState<string | undefined>(undefined);
  const year = chosen ?? defaultYear;
  const [open, setOpen] = useState<Figure | undefined>(undefined);
  const years = Array.from({ length: 6 }, (_, i) => Number(year) - 5 + i);
  const data = useLoad(async () => {
    if (!year) return undefined;
    const figs = await Promise.all(KEY_FIGURES.map((id) => api.request<Figure>('GET', figureUrl(id, year, lang)).catch(() => undefined)));
    const trend = await Promise.all(years.map((y) => api.request<Figure>('GET', figureUrl('victims_identified', String(y), lang)).catch(() => undefined)));
    return { figs: figs.filter((f): f is Figure => !!f && f.available !== false), trend };
  }, [year, lang]);
  const victims = data.data?.figs.find((f) => f.indicator === 'victims_identified');
  return (
    <Page title={t('dash.title')}>
      <div class="toolbar">
        <div class="field">
          <label for="dash-year">{t('dash.year')}</label>
          <select id="dash-year" value={year ?? ''} disabled={!year} onChange={(e) => setYear((e.currentTarget as HTMLSelectElement).value)}>
            {!year && <option value="">…</option>}
            {Array.from({ length: 20 }, (_, i) => thisYear - i).map((y) => (
              <option key={y} value={y}>{y}</option>
            ))}
          </select>
        </div>
      </div>
      {(data.loading || !year) && <Loading label={t('dash.computing')} />}
      <ErrorAlert error={data.error} />
      {open && <FigureDetails figure={open} onClose={() => setOpen(undefined)} />}
      {data.data && (
        <>
          <ul class="cards" data-testid="key-figures">
            {data.data.figs.map((f) => (
              <li class="card" key={f.indicator}>
                <h3>{f.label}</h3>
                <p class="big-number">
                  <button type="button" class="figure-button" onClick={() => setOpen(f)} aria-label={t('dash.figure_about', { label: f.label, value: f.display })}>
                    {f.display}
                  </button>{' '}
                  <span class="muted small">{unitFor(f.unit, f.value, lang)}</span>
                </p>
                {f.previous && (
                  <p class="small muted">
                    {f.change?.display
                      ? t('dash.previous', { period: f.previous.period, value: f.previous.display, change: f.change.display })
                      : t('dash.previous_only', { period: f.previous.period, value: f.previous.display })}
                  </p>
                )}
              </li>
            ))}
          </ul>
          <div class="chart-grid">
            <BarChart
              id="trend"
              title={t('dash.by_year', { label: victims?.label ?? '' })}
              bars={years.map((y, i) => {
                const f = data.data!.trend[i];
                return { label: String(y), value: f ? f.value : null, display: f ? f.display : '—' };
              })}
            />
            {CHARTED.map((dim) => {
              const b = victims?.breakdowns?.find((x) => x.dimension === dim);
              if (!b) return null;
              const cells = [...b.cells].sort((p, q) => (q.value ?? 0) - (p.value ?? 0)).slice(0, 12);
              return <BarChart key={dim} id={`b-${dim}`} title={`${victims!.label}: ${b.label}`} bars={cells.map((c) => ({ label: c.label, value: c.value, display: c.display }))} />;
            })}
          </div>
          <p class="small muted">{t('dash.disclosure', { n: formatNumber(5, lang) })}</p>
        </>
      )}
    </Page>
  );
}
