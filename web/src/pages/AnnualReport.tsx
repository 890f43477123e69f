// The annual report: choose year, language and edition; preview it (format=json: sections,
// paragraphs with their figures, charts); download PDF / ODT / XLSX (with progress). A click on
// a figure of the preview shows its definition and, if allowed, its records.
import { useState } from 'preact/hooks';
import { api, ApiError, parseProblem } from '../api';
import { Alert } from '../components/Alert';
import { BarChart } from '../components/BarChart';
import { saveFile } from '../download';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { LANGS, type Lang } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../messages';
import { useDefaultYear, type Figure } from './Dashboard';
import { FigureDetails } from './FigureDetails';

interface Report {
  title: string;
  subtitle?: string;
  year: number;
  lang: string;
  edition: string;
  compute_ms?: number;
  notes?: Record<string, string>;
  sections: Array<{
    id: string;
    title: string;
    paragraphs: Array<{ text: string; figure?: string; imported?: boolean }>;
    charts: Array<{ figure: string; kind: string; title: string; series: Array<{ label: string; value: number | null; display: string }> }>;
  }>;
  figures: Record<string, Figure>;
}

const FORMATS = [
  ['pdf', 'report.pdf'],
  ['odt', 'report.odt'],
  ['xlsx', 'report.xlsx'],
] as const;

export function AnnualReport() {
  const { t, lang } = useI18n();
  const thisYear = new Date().getFullYear();
  const defaultYear = useDefaultYear();
  const [chosen, setYear] = useState<string | undefined>(undefined);
  const year = chosen ?? defaultYear ?? String(thisYear - 1);
  const [rlang, setRlang] = useState<Lang>(lang);
  const [edition, setEdition] = useState<'public' | 'restricted'>('public');
  const [report, setReport] = useState<Report | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [downloading, setDownloading] = useState<string | undefined>(undefined);
  const [downloaded, setDownloaded] = useState('');
  const [open, setOpen] = useState<Figure | undefined>(undefined);
  const q = (format: string) => `/reports/annual?year=${encodeURIComponent(year)}&lang=${rlang}&format=${format}&edition=${edition}`;

  const preview = async () => {
    setLoading(true);
    setError(undefined);
    setOpen(undefined);
    try {
      setReport(await api.request<Report>('GET', q('json')));
    } catch (e) {
      setError(e);
      setReport(undefined);
    } finally {
      setLoading(false);
    }
  };
  const download = async (format: string) => {
    setDownloading(format);
    setDownloaded('');
    setError(undefined);
    try {
      const res = await fetch(`/api/v1${q(format)}`, { credentials: 'same-origin', headers: { 'Accept-Language': lang } });
      if (!res.ok) throw parseProblem(res.status, res.headers.get('Content-Type'), await res.text(), res.headers.get('Retry-After'));
      const blob = await res.blob();
      const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? `annual-report-${year}-${rlang}.${format}`;
      saveFile(blob, name);
      setDownloaded(t('report.downloaded', { name }));
    } catch (e) {
      setError(e);
    } finally {
      setDownloading(undefined);
    }
  };

  return (
    <Page title={t('report.title')}>
      <form
        class="filters panel"
        onSubmit={(e) => {
          e.preventDefault();
          void preview();
        }}
      >
        <div class="field">
          <label for="report-year">{t('dash.year')}</label>
          <select id="report-year" value={year} onChange={(e) => setYear((e.currentTarget as HTMLSelectElement).value)}>
            {Array.from({ length: 20 }, (_, i) => thisYear - i).map((y) => (
              <option key={y} value={y}>{y}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="report-lang">{t('report.language')}</label>
          <select id="report-lang" value={rlang} onChange={(e) => setRlang((e.currentTarget as HTMLSelectElement).value as Lang)}>
            {LANGS.map((l) => (
              <option key={l} value={l}>{t(`lang.${l}`)}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="report-edition">{t('report.edition')}</label>
          <select id="report-edition" value={edition} onChange={(e) => setEdition((e.currentTarget as HTMLSelectElement).value as 'public' | 'restricted')}>
            <option value="public">{t('report.public')}</option>
            <option value="restricted">{t('report.restricted')}</option>
          </select>
        </div>
        <div class="field filter-actions">
          <button type="submit" class="button" disabled={loading}>
            {loading ? t('report.preparing') : t('report.preview')}
          </button>
        </div>
      </form>
      <div class="toolbar" role="group" aria-label={t('report.download')}>
        {FORMATS.map(([f, key]) => (
          <button key={f} type="button" class="button button-plain" data-format={f} disabled={downloading !== undefined} onClick={() => void download(f)}>
            {downloading === f ? t('report.preparing') : t(key)}
          </button>
        ))}
      </div>
      {downloading && <Loading label={t('report.preparing_file')} />}
      {downloaded && <Alert kind="success"><p data-testid="downloaded">{downloaded}</p></Alert>}
      {error !== undefined && (error instanceof ApiError ? <ErrorAlert error={error} /> : <Alert kind="error"><p>{errorMessage(error, t)}</p></Alert>)}
      {loading && <Loading label={t('report.preparing')} />}
      {open && <FigureDetails figure={open} onClose={() => setOpen(undefined)} />}
      {report && (
        <article class="report panel" lang={report.lang} data-testid="report-preview">
          <h2>{report.title}</h2>
          {report.subtitle && <p class="muted">{report.subtitle}</p>}
          {report.sections.map((s) => (
            <section key={s.id} class="report-section">
              <h3>{s.title}</h3>
              {s.paragraphs.map((p, i) => {
                const fig = p.figure ? report.figures[p.figure] : undefined;
                return (
                  <p key={i}>
                    {p.text}{' '}
                    {fig && (
                      <button type="button" class="link-button small" data-figure={p.figure} onClick={() => setOpen({ ...fig, indicator: fig.indicator ?? p.figure! })}>
                        {t('report.about_figure')}
                      </button>
                    )}
                  </p>
                );
              })}
              {s.charts.map((c, i) => (
                <BarChart key={i} id={`${s.id}-${i}`} title={c.title} bars={c.series} />
              ))}
            </section>
          ))}
          {report.notes && Object.values(report.notes).map((n) => <p class="small muted" key={n}>{n}</p>)}
        </article>
      )}
    </Page>
  );
}
