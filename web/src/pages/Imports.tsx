// Imports (CSV of one type, or JSON lines) through the engine, all or nothing, as the signed-in
// user: a dry run first, then the import; errors name the line, field and rule. And the
// subsidy payment statement (CSV) reconciled against paid subsidies.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { fieldErrors } from '../components/RecordForm';
import { formatMoney, formatNumber, todayIso } from '../format';
import type { Lang } from '../i18n';
import { useI18n } from '../i18n/context';
import { label } from '../meta';
import { onLinkClick } from '../router';
import { useSession } from '../session';
import { DateInput } from '../components/DateInput';
import { FileInput } from '../components/FileInput';

interface ImportReport {
  committed: boolean;
  dry_run: boolean;
  rows: number;
  /** Records created per type. */
  created: number | Record<string, number>;
  errors: Array<{ file: string; line: number; field: string; code: string; message: string }>;
  errors_truncated?: boolean;
}

function createdCount(c: ImportReport['created']): number {
  return typeof c === 'number' ? c : Object.values(c ?? {}).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
}

export function Imports() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const types = [...meta.types.values()].filter((ty) => meta.may(ty.name, 'create'));
  const [type, setType] = useState(types[0]?.name ?? '');
  const [format, setFormat] = useState<'csv' | 'jsonl'>('csv');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    try {
      setReport(
        await api.postRaw<ImportReport>(
          `/imports?format=${format}&type=${encodeURIComponent(type)}${dryRun ? '&dry_run=true' : ''}`,
          file,
          format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        ),
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 'import.failed' && e.body) setReport(e.body as unknown as ImportReport);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
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
          <select id="imp-format" value={format} onChange={(e) => setFormat((e.currentTarget as HTMLSelectElement).value as 'csv' | 'jsonl')}>
            <option value="csv">CSV</option>
            <option value="jsonl">JSON lines</option>
          </select>
        </div>
        <div class="field">
          <label for="imp-file">{t('imports.file')}</label>
          <FileInput id="imp-file" accept={format === 'csv' ? '.csv,text/csv' : '.jsonl,.ndjson,application/x-ndjson'} onFile={setFile} />
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
            <Alert kind="success">
              <p>
                {report.dry_run
                  ? t('imports.dry_ok', { rows: formatNumber(report.rows, lang) })
                  : t('imports.done', { created: formatNumber(createdCount(report.created), lang) })}
              </p>
            </Alert>
          ) : (
            <>
              <Alert kind="error"><p>{t('imports.failed', { n: formatNumber(report.errors.length, lang) })}</p></Alert>
              <div class="table-wrap">
                <table class="table compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('imports.line')}</th>
                      <th scope="col">{t('imports.field')}</th>
                      <th scope="col">{t('imports.problem')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.errors.map((e, i) => (
                      <tr key={i}>
                        <td>{e.line}</td>
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
