// Imports of records through the engine, all or nothing, as the signed-in user: a CSV or XLSX
// file of one type (the XLSX's first sheet read like a CSV; the format follows the file's name,
// the user may change it) or JSON lines. An optional source names where the data comes from:
// importing the same source again matches its rows with a `_key` to the records they made, which
// are updated (or left unchanged) instead of added twice (docs/import.md). A check (dry run)
// first, then the import: errors name the row, field and rule; without errors, a table counts
// the new, updated and unchanged records per type. And the subsidy payment statement (CSV)
// reconciled against paid subsidies.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { fieldErrors } from '../components/RecordForm';
import { formatMoney, formatNumber, todayIso } from '../format';
import type { Lang } from '../i18n';
import { useI18n } from '../i18n/context';
import { label, type Meta } from '../meta';
import { onLinkClick } from '../router';
import { useSession } from '../session';
import { DateInput } from '../components/DateInput';
import { FileInput } from '../components/FileInput';

/** Counts per record type ({person: 3}); older servers answered one number for `created`. */
type Counts = number | Record<string, number>;

interface ImportReport {
  committed: boolean;
  dry_run: boolean;
  rows: number;
  /** Records created per type (a check: that would be created). */
  created: Counts;
  /** Records of the source met before and changed to the rows' values, per type. */
  updated?: Counts;
  /** Records of the source met before that already had the rows' values, per type. */
  unchanged?: Counts;
  errors: Array<{ file: string; line: number; field: string; code: string; message: string }>;
  errors_truncated?: boolean;
}

type Format = 'csv' | 'xlsx' | 'jsonl';

const FORMATS: Record<Format, { label: string; accept: string; contentType: string }> = {
  csv: { label: 'CSV', accept: '.csv,text/csv', contentType: 'text/csv' },
  xlsx: {
    label: 'XLSX (Excel)',
    accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  jsonl: { label: 'JSON lines', accept: '.jsonl,.ndjson,application/x-ndjson', contentType: 'application/x-ndjson' },
};

/** The format a file's name says (.xlsx, .csv, .jsonl, .ndjson), if any. */
function formatOfName(name: string): Format | undefined {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'xlsx' || ext === 'csv') return ext;
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return undefined;
}

function countOf(c: Counts | undefined, type?: string): number {
  if (typeof c === 'number') return type === undefined ? c : 0;
  if (!c) return 0;
  if (type !== undefined) return typeof c[type] === 'number' ? c[type] : 0;
  return Object.values(c).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
}

interface SummaryRow {
  type: string;
  created: number;
  updated: number;
  unchanged: number;
}

/** One row per record type the report counts, in the order of the types' list. */
function summaryRows(report: ImportReport, meta: Meta): SummaryRow[] {
  const names = new Set<string>();
  for (const c of [report.created, report.updated, report.unchanged])
    if (c && typeof c === 'object') for (const k of Object.keys(c)) names.add(k);
  const order = [...meta.types.keys()];
  const rank = (n: string) => (order.indexOf(n) < 0 ? order.length : order.indexOf(n));
  return [...names]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((type) => ({ type, created: countOf(report.created, type), updated: countOf(report.updated, type), unchanged: countOf(report.unchanged, type) }))
    .filter((r) => r.created + r.updated + r.unchanged > 0);
}

export function Imports() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const types = [...meta.types.values()].filter((ty) => meta.may(ty.name, 'create'));
  const [type, setType] = useState(types[0]?.name ?? '');
  const [format, setFormat] = useState<Format>('csv');
  const [sentFormat, setSentFormat] = useState<Format>('csv');
  const [source, setSource] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    setSentFormat(format);
    const src = source.trim();
    try {
      setReport(
        await api.postRaw<ImportReport>(
          `/imports?format=${format}&type=${encodeURIComponent(type)}${src ? `&source=${encodeURIComponent(src)}` : ''}${dryRun ? '&dry_run=true' : ''}`,
          file,
          FORMATS[format].contentType,
        ),
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 'import.failed' && e.body) setReport(e.body as unknown as ImportReport);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const rows = report && report.errors.length === 0 ? summaryRows(report, meta) : [];
  const n = (v: number) => formatNumber(v, lang);
  return (
    <Page title={t('imports.title')}>
      <p>{t('imports.intro')}</p>
      <form
        class="panel narrow-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
      >
        <div class="field">
          <label for="imp-type">{t('imports.type')}</label>
          <select id="imp-type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}>
            {types.map((ty) => (
              <option key={ty.name} value={ty.name}>{label(ty.label, lang)}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="imp-format">{t('imports.format')}</label>
          <select id="imp-format" value={format} onChange={(e) => setFormat((e.currentTarget as HTMLSelectElement).value as Format)}>
            {(Object.keys(FORMATS) as Format[]).map((f) => (
              <option key={f} value={f}>{FORMATS[f].label}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="imp-file">{t('imports.file')}</label>
          <FileInput
            id="imp-file"
            // Every format the page reads: the file's name then picks the format.
            accept={Object.values(FORMATS).map((f) => f.accept).join(',')}
            onFile={(f) => {
              setFile(f);
              const byName = f ? formatOfName(f.name) : undefined;
              if (byName) setFormat(byName);
            }}
          />
        </div>
        <div class="field">
          <label for="imp-source">{t('imports.source')}</label>
          <p class="field-hint" id="imp-source-hint">{t('imports.source_hint')}</p>
          <input
            id="imp-source"
            type="text"
            maxLength={100}
            autoComplete="off"
            value={source}
            aria-describedby="imp-source-hint"
            onInput={(e) => setSource((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button" disabled={busy || !file}>{t('imports.check')}</button>
          <button type="button" class="button button-plain" disabled={busy || !file} onClick={() => void send(false)}>{t('imports.run')}</button>
        </div>
      </form>
      {busy && <Loading label={t('imports.working')} />}
      <ErrorAlert error={error} />
      {report && (
        <section class="panel" aria-live="polite" data-testid="import-report">
          {report.errors.length === 0 ? (
            <>
              <Alert kind="success">
                <p>
                  {report.dry_run
                    ? t('imports.dry_ok', { rows: n(report.rows) })
                    : t('imports.done', { created: n(countOf(report.created)), updated: n(countOf(report.updated)) })}
                </p>
              </Alert>
              {rows.length > 0 && (
                <div class="table-wrap">
                  <table class="table compact" data-testid="import-summary">
                    <caption class="visually-hidden">{report.dry_run ? t('imports.summary_check') : t('imports.summary_done')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('imports.type')}</th>
                        <th scope="col" class="num">{t('imports.new')}</th>
                        <th scope="col" class="num">{t('imports.updated')}</th>
                        <th scope="col" class="num">{t('imports.unchanged')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((r) => (
                        <tr key={r.type} data-type={r.type}>
                          <th scope="row">{label(meta.type(r.type)?.label, lang) || r.type}</th>
                          <td class="num" data-count="created">{n(r.created)}</td>
                          <td class="num" data-count="updated">{n(r.updated)}</td>
                          <td class="num" data-count="unchanged">{n(r.unchanged)}</td>
                        </tr>
                      ))}
                    </tbody>
                    <tfoot>
                      <tr data-type="">
                        <th scope="row">{t('imports.total')}</th>
                        <td class="num" data-count="created">{n(countOf(report.created))}</td>
                        <td class="num" data-count="updated">{n(countOf(report.updated))}</td>
                        <td class="num" data-count="unchanged">{n(countOf(report.unchanged))}</td>
                      </tr>
                    </tfoot>
                  </table>
                </div>
              )}
            </>
          ) : (
            <>
              <Alert kind="error"><p>{t('imports.failed', { n: n(report.errors.length) })}</p></Alert>
              <div class="table-wrap">
                <table class="table compact">
                  <thead>
                    <tr>
                      <th scope="col">{sentFormat === 'xlsx' ? t('imports.row') : t('imports.line')}</th>
                      <th scope="col">{t('imports.field')}</th>
                      <th scope="col">{t('imports.problem')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.errors.map((e, i) => (
                      <tr key={i}>
                        <td>{e.line > 0 ? e.line : '—'}</td>
                        <td>{e.field}</td>
                        <td>{fieldErrors(new ApiError({ status: 422, code: 'x', errors: [{ field: 'f', code: e.code, message: e.message }] }), 'f', t).join(' ')} <span class="muted small">({e.code})</span></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {report.errors_truncated && <p class="muted">{t('imports.truncated')}</p>}
            </>
          )}
        </section>
      )}
    </Page>
  );
}

interface Reconciliation {
  lines: number;
  matched: number;
  reconciled: number;
  dry_run: boolean;
  problems: Array<Record<string, unknown>>;
  paid_not_in_statement: Array<{ subsidy_id: number; payment_reference: string; paid_on: string }>;
}

export function Reconcile() {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File | undefined>(undefined);
  const [date, setDate] = useState(todayIso());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Reconciliation | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api.postRaw<Reconciliation>(`/subsidies/reconcile?reconciled_on=${date}${dryRun ? '&dry_run=true' : ''}`, file, 'text/csv'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('reconcile.title')}>
      <p>{t('reconcile.intro')}</p>
      <form class="panel narrow-form" onSubmit={(e) => { e.preventDefault(); void send(true); }}>
        <div class="field">
          <label for="rec-file">{t('reconcile.file')}</label>
          <FileInput id="rec-file" accept=".csv,text/csv" onFile={setFile} />
        </div>
        <div class="field">
          <label for="rec-date">{t('reconcile.date')}</label>
          <DateInput id="rec-date" value={date || undefined} onChange={(v) => setDate(v ?? '')} />
        </div>
        <div class="actions">
          <button type="submit" class="button" disabled={busy || !file}>{t('imports.check')}</button>
          <button type="button" class="button button-plain" disabled={busy || !file} onClick={() => void send(false)}>{t('reconcile.run')}</button>
        </div>
      </form>
      {busy && <Loading label={t('imports.working')} />}
      <ErrorAlert error={error} />
      {result && (
        <section class="panel" aria-live="polite">
          <p>
            {t('reconcile.summary', { lines: formatNumber(result.lines, lang), matched: formatNumber(result.matched, lang), reconciled: formatNumber(result.reconciled, lang) })}
          </p>
          {result.problems.length > 0 && (
            <>
              <h2>{t('reconcile.problems')}</h2>
              <ul>
                {result.problems.map((p, i) => (
                  <li key={i}><code class="small">{JSON.stringify(problemInManat(p, lang))}</code></li>
                ))}
              </ul>
            </>
          )}
          {result.paid_not_in_statement.length > 0 && (
            <>
              <h2>{t('reconcile.missing')}</h2>
              <ul>
                {result.paid_not_in_statement.map((m) => (
                  <li key={m.subsidy_id}>
                    <a href={`/records/subsidy/${m.subsidy_id}`} onClick={onLinkClick}>№ {m.subsidy_id}</a> · {m.payment_reference} · {m.paid_on}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
    </Page>
  );
}

/** A reconciliation problem with its amounts (the server's qəpik) read in manat. */
function problemInManat(p: Record<string, unknown>, lang: Lang): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) out[k] = (k === 'expected' || k === 'stated') && typeof v === 'number' ? formatMoney(v, lang) : v;
  return out;
}
