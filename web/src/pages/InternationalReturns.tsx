// The international returns (S3, docs/international-returns.md): for a year (the latest with data
// by default, as the annual report), each return of GET /reports/international — UNODC GLOTIP,
// Eurostat/GRETA, SDG 16.2.2 … — computed on demand (progress shown while the server works), its
// tables previewed with the international codes, the published value, the coverage in words when
// a year is not kept as records, its notes, what it cannot state and the national codes without
// an international one (never hidden); CSV, XLSX and JSON downloads. The CTDC victim-level file is
// downloaded with a k (a whole number, 11 or more) and tells how many rows it holds and how many
// were suppressed. For the coordinator's office and statisticians (the server answers others 404).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, NETWORK_ERROR, parseProblem } from '../api';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { saveFile } from '../download';
import { Loading, Page } from '../components/Page';
import { formatNumber, locale } from '../format';
import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n/context';
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
  MAX_K,
  minK,
  missingPopulations,
  publishedText,
  rateText,
  RETURN_FORMATS,
  returnPath,
  unmappedRows,
  type ReturnFormat,
  type ReturnItem,
  type ReturnResult,
  type ReturnTable,
} from '../intlReturns';
import { errorMessage, fieldErrorMessage } from '../messages';
import { useLoad } from '../session';
import { useDefaultYear } from './Dashboard';

const FORMAT_KEYS: Record<ReturnFormat, MessageKey> = {
  csv: 'ir.download_csv',
  xlsx: 'ir.download_xlsx',
  json: 'ir.download_json',
};

/** Whole seconds since `running` became true (0 while it is false). */
function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    setSeconds(0);
    if (!running) return undefined;
    const start = Date.now();
    const timer = window.setInterval(() => setSeconds(Math.floor((Date.now() - start) / 1000)), 500);
    return () => window.clearInterval(timer);
  }, [running]);
  return seconds;
}

/** GETs a file of the API; rejects with ApiError (the problem+json body parsed as elsewhere). */
async function fetchFile(path: string, lang: string): Promise<{ blob: Blob; headers: Headers }> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept-Language': lang } });
  } catch (e) {
    throw new ApiError({ status: 0, code: NETWORK_ERROR, detail: e instanceof Error ? e.message : String(e) });
  }
  if (!res.ok) throw parseProblem(res.status, res.headers.get('Content-Type'), await res.text(), res.headers.get('Retry-After'));
  return { blob: await res.blob(), headers: res.headers };
}

/** A failure as the app shows Problems, with the fields the server named (never "[object Object]"). */
function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error === undefined) return null;
  const problem = error instanceof ApiError ? error : undefined;
  return (
    <Alert kind="error">
      <p>{problem?.status === 404 ? t('error.not_found') : errorMessage(error, t)}</p>
      {problem && problem.errors.length > 0 && (
        <ul class="small">
          {problem.errors.map((e, i) => (
            <li key={i}>{e.field ? `${e.field}: ${fieldErrorMessage(e, t)}` : fieldErrorMessage(e, t)}</li>
          ))}
        </ul>
      )}
      {problem?.requestId && <p class="request-id">{t('error.request_id', { id: problem.requestId })}</p>}
    </Alert>
  );
}

export function InternationalReturns() {
  const { t, lang } = useI18n();
  const thisYear = new Date().getFullYear();
  const defaultYear = useDefaultYear();
  const [chosen, setYear] = useState<string | undefined>(undefined);
  const year = chosen ?? defaultYear ?? String(thisYear - 1);
  const list = useLoad(async () => {
    const body = await api.request<ReturnItem[] | { items: ReturnItem[] }>('GET', `/reports/international?lang=${lang}`);
    return Array.isArray(body) ? body : body.items;
  }, [lang]);
  const denied = list.error instanceof ApiError && (list.error.status === 404 || list.error.status === 403);

  return (
    <Page title={t('ir.title')}>
      <p class="muted">{t('ir.intro')}</p>
      <form class="filters panel" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="ir-year">{t('dash.year')}</label>
          <select id="ir-year" value={year} onChange={(e) => setYear((e.currentTarget as HTMLSelectElement).value)}>
            {Array.from({ length: 20 }, (_, i) => thisYear - i).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
      </form>
      {list.loading && !list.data && <Loading />}
      {denied ? (
        <Alert kind="error">
          <p>{t('ir.not_permitted')}</p>
        </Alert>
      ) : (
        <ProblemAlert error={list.error} />
      )}
      {list.data && list.data.length === 0 && <p class="muted">{t('ir.no_returns')}</p>}
      {list.data && list.data.length > 0 && (
        <div class="ir-returns">
          {list.data.map((r) =>
            isCtdc(r) ? (
              <CtdcPanel key={`${r.id}-${year}`} item={r} year={year} />
            ) : (
              <ReturnPanel key={`${r.id}-${year}-${lang}`} item={r} year={year} />
            ),
          )}
        </div>
      )}
    </Page>
  );
}

/** One return of aggregates: compute and preview it, download its files. */
function ReturnPanel({ item, year }: { item: ReturnItem; year: string }) {
  const { t, lang } = useI18n();
  const [result, setResult] = useState<ReturnResult | undefined>(undefined);
  const [computing, setComputing] = useState(false);
  const [downloading, setDownloading] = useState<ReturnFormat | undefined>(undefined);
  const [downloaded, setDownloaded] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const computeSeconds = useElapsed(computing);
  const downloadSeconds = useElapsed(downloading !== undefined);
  const headingId = `ir-${item.id}-h`;

  const compute = async () => {
    setComputing(true);
    setError(undefined);
    setDownloaded('');
    try {
      setResult(await api.request<ReturnResult>('GET', returnPath(item.id, year, lang, 'json')));
    } catch (e) {
      setError(e);
      setResult(undefined);
    } finally {
      setComputing(false);
    }
  };
  const download = async (format: ReturnFormat) => {
    setDownloading(format);
    setDownloaded('');
    setError(undefined);
    try {
      const { blob, headers } = await fetchFile(returnPath(item.id, year, lang, format), lang);
      const name = downloadName(headers.get('Content-Disposition'), `palermo-${item.id}-${year}.${format}`);
      saveFile(blob, name);
      setDownloaded(t('ir.downloaded', { name }));
    } catch (e) {
      setError(e);
    } finally {
      setDownloading(undefined);
    }
  };

  return (
    <section class="panel ir-return" aria-labelledby={headingId} data-return={item.id}>
      <h2 id={headingId}>{item.title}</h2>
      {item.tables && item.tables.length > 0 && <p class="muted small">{t('ir.tables', { list: item.tables.map((x) => x.label).join('; ') })}</p>}
      <div class="toolbar ir-actions">
        <button type="button" class="button" data-action="compute" disabled={computing} aria-busy={computing} onClick={() => void compute()}>
          {computing ? t('ir.computing') : t('ir.compute')}
        </button>
        <div class="ir-downloads" role="group" aria-label={t('ir.downloads', { title: item.title })}>
          {RETURN_FORMATS.map((f) => (
            <button key={f} type="button" class="button button-plain" data-format={f} disabled={downloading !== undefined} aria-busy={downloading === f} onClick={() => void download(f)}>
              {downloading === f ? t('ir.computing') : t(FORMAT_KEYS[f])}
            </button>
          ))}
        </div>
      </div>
      {computing && <Loading label={t('ir.computing_long', { title: item.title, seconds: formatNumber(computeSeconds, lang) })} />}
      {downloading && <Loading label={t('ir.downloading', { seconds: formatNumber(downloadSeconds, lang) })} />}
      {downloaded && (
        <Alert kind="success">
          <p data-testid="downloaded">{downloaded}</p>
        </Alert>
      )}
      <ProblemAlert error={error} />
      {result && <ReturnPreview result={result} />}
    </section>
  );
}

/** A computed return: its notes, gaps, unmapped national codes and tables. */
function ReturnPreview({ result }: { result: ReturnResult }) {
  const { t, lang } = useI18n();
  const n = (v: number | null | undefined, digits?: number) => (typeof v === 'number' ? formatNumber(v, lang, digits) : '—');
  const unmapped = unmappedRows(result);
  const gaps = result.gaps ?? [];
  const below = result.small_values_below ?? 0;
  const missing = missingPopulations(result, (c) => (columnKey(c) ? t(columnKey(c)!) : c));
  return (
    <div class="ir-preview" data-testid="ir-preview" data-year={result.year}>
      <h3>{t('ir.result', { year: result.year, country: result.country })}</h3>
      {(result.notes || below > 1 || (result.populations ?? []).length > 0) && (
        <div class="ir-notes" data-testid="ir-notes">
          <h4>{t('ir.notes')}</h4>
          {result.notes && <p>{result.notes}</p>}
          {below > 1 && !(result.notes ?? '').includes(`<${below}`) && <p class="small muted">{t('ir.small_values', { max: below - 1, below })}</p>}
          {(result.populations ?? []).map((p) => (
            <p key={p.id} class="small muted" data-population={p.id}>
              {t('ir.population_source', { population: p.label, source: p.source })}
            </p>
          ))}
        </div>
      )}
      <div class="ir-gaps" data-testid="ir-gaps">
        <h4>{t('ir.gaps')}</h4>
        {gaps.length === 0 ? (
          <p class="muted">{t('ir.no_gaps')}</p>
        ) : (
          <ul>
            {gaps.map((g, i) => (
              <li key={i}>{t('ir.gap', { measure: g.label ?? g.measure, reason: lowerFirst(g.reason, locale(lang)) })}</li>
            ))}
          </ul>
        )}
      </div>
      <div class="ir-unmapped" data-testid="ir-unmapped" data-count={unmapped.length}>
        <h4>{t('ir.unmapped')}</h4>
        {unmapped.length === 0 ? (
          <p class="muted">{t('ir.no_unmapped')}</p>
        ) : (
          <>
            <p class="small">{t('ir.unmapped_intro')}</p>
            <div class="table-wrap">
              <table class="table compact">
                <thead>
                  <tr>
                    <th scope="col">{t('ir.col_table')}</th>
                    <th scope="col">{t('ir.col_column')}</th>
                    <th scope="col">{t('ir.col_code')}</th>
                    <th scope="col" class="num">{t('ir.col_rows')}</th>
                  </tr>
                </thead>
                <tbody>
                  {unmapped.map((u, i) => (
                    <tr key={i}>
                      <td>{u.tableLabel}</td>
                      <td>{columnKey(u.column) ? t(columnKey(u.column)!) : u.column}</td>
                      <td>
                        <code>{u.code}</code>
                      </td>
                      <td class="num">{n(u.rows)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
      {missing.length > 0 && (
        <div class="ir-no-population" data-testid="ir-no-population">
          <h4>{t('ir.no_population')}</h4>
          <ul class="small">
            {missing.map((m, i) => (
              <li key={i}>{t('ir.no_population_item', { table: m.tableLabel, population: m.population, year: m.year, codes: m.codes })}</li>
            ))}
          </ul>
        </div>
      )}
      {result.tables.map((table) => (
        <ReturnTableView key={table.id} table={table} />
      ))}
    </div>
  );
}

function ReturnTableView({ table }: { table: ReturnTable }) {
  const { t, lang } = useI18n();
  const n = (v: number | null | undefined, digits?: number) => (typeof v === 'number' ? formatNumber(v, lang, digits) : '—');
  const extras = extraColumns(table);
  const cov = coverageKey(table.coverage);
  const id = `ir-table-${table.id}`;
  return (
    <section class="ir-table" data-table={table.id} data-coverage={table.coverage} aria-labelledby={id}>
      <h4 id={id}>{table.label}</h4>
      <p class="small muted">
        {t('ir.measure', { measure: table.measure })}
        {table.total !== null && table.total !== undefined && (
          <>
            {' · '}
            <span data-testid="ir-total">{t('ir.total', { total: n(table.total) })}</span>
          </>
        )}
      </p>
      {cov && (
        <p class="ir-coverage" data-testid="ir-coverage">
          {t(cov, { coverage: table.coverage })}
        </p>
      )}
      {table.rows.length === 0 ? (
        <p class="muted">{t('ir.no_rows')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table compact">
            <caption class="visually-hidden">{table.label}</caption>
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c} scope="col">
                    {columnKey(c) ? t(columnKey(c)!) : (table.column_labels?.[c] ?? c)}
                  </th>
                ))}
                <th scope="col" class="num">{t('ir.col_value')}</th>
                <th scope="col" class="num">{t('ir.col_published')}</th>
                {extras.includes('population') && <th scope="col" class="num">{t('ir.col_population')}</th>}
                {extras.includes('rate') && <th scope="col" class="num">{t('ir.col_rate', { per: formatNumber(table.rate_per || 100_000, lang) })}</th>}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r, i) => (
                <tr key={i}>
                  {table.columns.map((c) => (
                    <td key={c} data-column={c}>
                      {r.codes[c] ?? '—'}
                    </td>
                  ))}
                  <td class="num" data-column="value">{n(r.value)}</td>
                  <td class="num" data-column="published">{publishedText(r.published, (x) => formatNumber(x, lang))}</td>
                  {extras.includes('population') && <td class="num" data-column="population">{n(r.population)}</td>}
                  {extras.includes('rate') && <td class="num" data-column="rate">{rateText(r, (x) => formatNumber(x, lang, 2))}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The CTDC victim-level file: a k, the download, and how many rows it holds and were suppressed. */
function CtdcPanel({ item, year }: { item: ReturnItem; year: string }) {
  const { t, lang } = useI18n();
  const [k, setK] = useState(String(minK(item)));
  const [kError, setKError] = useState<MessageKey | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [downloading, setDownloading] = useState(false);
  const [done, setDone] = useState<{ name: string; rows?: number; suppressed?: number; k: number; synthetic: boolean } | undefined>(undefined);
  const seconds = useElapsed(downloading);
  const input = useRef<HTMLInputElement>(null);
  const headingId = `ir-${item.id}-h`;
  const serverKErrors = error instanceof ApiError ? error.fieldErrors('k').map((e) => fieldErrorMessage(e, t)) : [];
  const min = minK(item);
  const kErrors = kError ? [t(kError, { min, max: MAX_K })] : serverKErrors.map((m) => `${t('ir.k')}: ${m}`);

  const download = async (synthetic: boolean) => {
    setDone(undefined);
    setError(undefined);
    const checked = checkK(k, min);
    if ('error' in checked) {
      setKError(checked.error);
      input.current?.focus();
      return;
    }
    setKError(undefined);
    setDownloading(true);
    try {
      const { blob, headers } = await fetchFile(ctdcPath(year, checked.k, synthetic), lang);
      const name = downloadName(headers.get('Content-Disposition'), `palermo-ctdc-${synthetic ? 'synthetic-' : ''}${year}.csv`);
      saveFile(blob, name);
      setDone({ name, ...ctdcCounts(headers), k: checked.k, synthetic });
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.fieldErrors('k').length > 0) input.current?.focus();
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section class="panel ir-return" aria-labelledby={headingId} data-return={item.id}>
      <h2 id={headingId}>{item.title}</h2>
      <p class="muted small">{t('ir.ctdc_intro')}</p>
      <form
        class="toolbar ir-ctdc"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void download(false);
        }}
      >
        <Field
          id="ctdc-k"
          label={t('ir.k')}
          value={k}
          onInput={(v) => {
            setK(v);
            setKError(undefined);
          }}
          autoComplete="off"
          inputMode="numeric"
          maxLength={6}
          hint={t('ir.k_hint', { min, max: MAX_K })}
          errors={kErrors}
          inputRef={input}
        />
        <div class="field filter-actions">
          <button type="submit" class="button button-plain" data-action="ctdc-download" disabled={downloading} aria-busy={downloading}>
            {downloading ? t('ir.computing') : t('ir.ctdc_download')}
          </button>
          <button
            type="button"
            class="button button-plain"
            data-action="ctdc-synthetic-download"
            disabled={downloading}
            onClick={() => void download(true)}
          >
            {t('ir.ctdc_synthetic_download')}
          </button>
        </div>
      </form>
      {downloading && <Loading label={t('ir.downloading', { seconds: formatNumber(seconds, lang) })} />}
      {done && (
        <Alert kind="success">
          <p data-testid="downloaded">{t('ir.downloaded', { name: done.name })}</p>
          <p data-testid="ctdc-result" data-rows={done.rows ?? ''} data-suppressed={done.suppressed ?? ''}>
            {done.rows !== undefined && done.suppressed !== undefined
              ? t(done.synthetic ? 'ir.ctdc_synthetic_result' : 'ir.ctdc_result', { rows: formatNumber(done.rows, lang), suppressed: formatNumber(done.suppressed, lang), k: formatNumber(done.k, lang) })
              : t('ir.ctdc_counts_unknown')}
          </p>
        </Alert>
      )}
      {error !== undefined && !(error instanceof ApiError && error.fieldErrors('k').length > 0 && error.errors.length === 1) && <ProblemAlert error={error} />}
    </section>
  );
}
