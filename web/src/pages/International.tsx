// International requests on the record page: the request's contributions (state, contributing body
// by name, due day, overdue as the server's deadline says, submitted day) with a new one asked
// with the request filled in; the answer sent through POST /international-requests/{id}/answer
// (the day, the text, the figures to quote, each an indicator of the catalogue and a period; the
// server's errors at the row they name); and the figures the answer quoted, frozen that day.
// Column headings and field labels are the schema's own (they come from the API).
import { useState } from 'preact/hooks';
import { api, ApiError, type FieldError, type RecordBody } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading } from '../components/Page';
import { formatDate, formatDateTime, formatNumber, locale, todayIso } from '../format';
import { hasKey, type Translate } from '../i18n';
import { useI18n } from '../i18n/context';
import {
  answerBody,
  answerErrors,
  answerPath,
  checkAnswer,
  contributionRows,
  CONTRIBUTION_TYPE,
  indicatorOptions,
  MAX_FIGURES,
  newContributionHref,
  QUOTED_FIGURE_TYPE,
  quotedFigureRows,
  REQUEST_TYPE,
  requestAnswerable,
  type FigureRow,
  type IndicatorItem,
} from '../international';
import { label, recordTitle } from '../meta';
import { onLinkClick } from '../router';
import { useAgencies, useLoad, useSession } from '../session';
import { listAll } from './Plans';
import { DateInput } from '../components/DateInput';

/** A request's contributions by due day, and a new one asked with the request filled in. */
export function RequestContributions({ request }: { request: RecordBody }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const agencies = useAgencies();
  const items = useLoad(() => listAll(CONTRIBUTION_TYPE, { request: request.id }), [request.id]);
  const today = todayIso();
  const rows = contributionRows(items.data ?? [], agencies, today);
  const ct = meta.type(CONTRIBUTION_TYPE);
  const heading = (name: string) => label(ct?.fields.find((f) => f.name === name)?.label, lang) || name;
  const mayCreate = meta.may(CONTRIBUTION_TYPE, 'create') && requestAnswerable(request);
  if (!mayCreate && items.data && rows.length === 0) return null;
  const requestTitle = recordTitle(meta.type(REQUEST_TYPE), request, lang);
  return (
    <section class="panel record-section" aria-labelledby="intl-contributions-h" data-testid="request-contributions">
      <h2 id="intl-contributions-h">{t('intl.contributions')}</h2>
      {items.loading && !items.data && <Loading />}
      <ErrorAlert error={items.error} />
      {items.data && rows.length === 0 && (
        <p class="muted" data-testid="no-contributions">
          {t('intl.no_contributions')}
        </p>
      )}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="contributions">
            <caption class="visually-hidden">{t('intl.contributions_caption', { request: requestTitle })}</caption>
            <thead>
              <tr>
                <th scope="col">{heading('contributing_agency_id')}</th>
                <th scope="col">{heading('due_on')}</th>
                <th scope="col">{t('list.state')}</th>
                <th scope="col">{heading('submitted_on')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr
                  key={c.id}
                  data-contribution={c.id}
                  data-state={c.state}
                  data-agency={c.agencyId}
                  data-overdue={c.overdue ? 'true' : undefined}
                  class={c.overdue ? 'row-overdue' : undefined}
                >
                  <th scope="row">
                    <a href={`/records/${CONTRIBUTION_TYPE}/${c.id}`} onClick={onLinkClick} data-testid="contributing-body">
                      {c.bodyName || `${label(ct?.label, lang)} № ${c.id}`}
                    </a>
                  </th>
                  <td class="nowrap">
                    {c.dueOn ? formatDate(c.dueOn, lang) : '—'}
                    {c.overdue && (
                      <>
                        {' '}
                        <span class="badge badge-overdue" data-testid="overdue">
                          {t('intl.overdue_badge')}
                        </span>
                      </>
                    )}
                  </td>
                  <td>
                    <span class="state">{meta.stateLabel(CONTRIBUTION_TYPE, c.state, lang)}</span>
                  </td>
                  <td class="nowrap">{c.submittedOn ? formatDate(c.submittedOn, lang) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayCreate && (
        <p>
          <a class="button" href={newContributionHref(request.id, today)} onClick={onLinkClick} data-testid="new-contribution">
            {t('intl.new_contribution')}
          </a>
        </p>
      )}
    </section>
  );
}

/** One error of the answer form in words: by code (figure rows have their own), else the server's message. */
function wording(e: FieldError, part: 'indicator' | 'period' | 'field', t: Translate): string {
  if (part === 'indicator' && (e.code === 'unknown' || e.code === 'not_found')) return t('intl.indicator_unknown');
  if (part === 'period' && (e.code === 'invalid' || e.code === 'period')) return t('intl.period_invalid');
  if (e.code === 'max_items') return t('intl.too_many_figures', { n: MAX_FIGURES });
  const key = `rec.${e.code}`;
  return hasKey(key) ? t(key) : e.message || e.code;
}

// The indicator catalogue in a language, fetched once per page load (it changes with a release).
const catalogues = new Map<string, Promise<IndicatorItem[]>>();
function indicatorCatalogue(lang: string): Promise<IndicatorItem[]> {
  let p = catalogues.get(lang);
  if (!p) {
    p = api.request<{ items: IndicatorItem[] }>('GET', `/statistics/indicators?lang=${lang}`).then(
      (r) => r.items ?? [],
      (e: unknown) => {
        catalogues.delete(lang);
        throw e;
      },
    );
    catalogues.set(lang, p);
  }
  return p;
}

let nextRowKey = 1;
const newRow = (): FigureRow => ({ key: nextRowKey++, indicator: '', period: '' });

/**
 * The answer, for a user who may answer while the request is received or in preparation: a
 * button that opens the form; the form sends the day, the text and the figures with If-Match.
 */
export function AnswerRequest({ request, onAnswered }: { request: RecordBody; onAnswered: (r: RecordBody & { quoted_figures?: unknown[] }) => void }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const [open, setOpen] = useState(false);
  const [answeredOn, setAnsweredOn] = useState(todayIso());
  const [answerText, setAnswerText] = useState(typeof request.data.answer_text === 'string' ? request.data.answer_text : '');
  const [rows, setRows] = useState<FigureRow[]>(() => [newRow()]);
  const [error, setError] = useState<unknown>(undefined);
  const [sentKeys, setSentKeys] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const catalogue = useLoad(() => (open ? indicatorCatalogue(lang) : Promise.resolve(undefined)), [open, lang]);
  const rt = meta.type(REQUEST_TYPE);
  const qt = meta.type(QUOTED_FIGURE_TYPE);
  const fieldLabel = (td: typeof rt, name: string) => label(td?.fields.find((f) => f.name === name)?.label, lang) || name;
  const options = indicatorOptions(catalogue.data ?? [], locale(lang));
  const mapped = answerErrors(error, sentKeys);
  const fieldErrs = (name: string) => (mapped.fields.get(name) ?? []).map((e) => wording(e, 'field', t));
  const listErrs = fieldErrs('figures');
  const hasFieldErrors = error instanceof ApiError && error.errors.length > 0;

  if (!open)
    return (
      <div class="transitions" role="group" aria-label={t('intl.answer_title')}>
        <button
          type="button"
          class="button"
          data-testid="open-answer"
          onClick={() => {
            setOpen(true);
            window.setTimeout(() => document.getElementById('answer-answered_on')?.focus(), 0);
          }}
        >
          {t('intl.answer_open')}
        </button>
      </div>
    );

  const update = (key: number, patch: Partial<FigureRow>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const submit = async () => {
    setError(undefined);
    const form = { answeredOn, answerText, figures: rows };
    const local = checkAnswer(form);
    if (local.errors.length > 0) {
      setSentKeys(local.rowKeys);
      setError(new ApiError({ status: 422, code: 'validation', errors: local.errors }));
      return;
    }
    const { body, rowKeys } = answerBody(form);
    setSentKeys(rowKeys);
    setBusy(true);
    try {
      const r = await api.request<RecordBody & { quoted_figures?: unknown[] }>('POST', answerPath(request.id), body, {
        'If-Match': `"${request.version}"`,
      });
      onAnswered(r);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="panel transition-panel record-section"
      aria-labelledby="answer-h"
      noValidate
      data-testid="answer-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="answer-h">{t('intl.answer_title')}</h2>
      <p>{t('intl.answer_intro')}</p>
      {error !== undefined && !hasFieldErrors && <ErrorAlert error={error} />}
      {hasFieldErrors && (
        <Alert kind="error">
          <p>{t('form.fix_errors')}</p>
          {mapped.other.map((e) => (
            <p key={`${e.field}-${e.code}`}>{(e.field ? `${e.field}: ` : '') + wording(e, 'field', t)}</p>
          ))}
        </Alert>
      )}
      <TextField
        id="answer-answered_on"
        type="date"
        label={fieldLabel(rt, 'answered_on')}
        value={answeredOn}
        onInput={setAnsweredOn}
        errors={fieldErrs('answered_on')}
        required
      />
      <TextField
        id="answer-answer_text"
        type="long"
        label={fieldLabel(rt, 'answer_text')}
        value={answerText}
        onInput={setAnswerText}
        errors={fieldErrs('answer_text')}
        required
      />
      <fieldset class={listErrs.length ? 'figures-field field-invalid' : 'figures-field'} data-testid="answer-figures">
        <legend>{t('intl.figures')}</legend>
        {listErrs.length > 0 && (
          <p class="field-error" id="answer-figures-error">
            {listErrs.join(' ')}
          </p>
        )}
        {catalogue.loading && !catalogue.data && <Loading />}
        <ErrorAlert error={catalogue.error} />
        {rows.length === 0 && <p class="muted">{t('intl.figures_none')}</p>}
        <ol class="figure-rows">
          {rows.map((r, i) => {
            const errs = mapped.rows.get(r.key);
            const indErrs = (errs?.indicator ?? []).map((e) => wording(e, 'indicator', t));
            const perErrs = (errs?.period ?? []).map((e) => wording(e, 'period', t));
            const rowErrs = (errs?.row ?? []).map((e) => wording(e, 'field', t));
            const base = `answer-figure-${r.key}`;
            const n = t('intl.figure_n', { n: formatNumber(i + 1, lang) });
            const known = r.indicator === '' || options.some((o) => o.value === r.indicator);
            return (
              <li key={r.key} class={rowErrs.length ? 'figure-row field-invalid' : 'figure-row'} data-figure-row={i} data-invalid={errs ? 'true' : undefined}>
                <span class="visually-hidden">{n}</span>
                {rowErrs.length > 0 && (
                  <p class="field-error" data-testid="row-error">
                    {rowErrs.join(' ')}
                  </p>
                )}
                <div class={indErrs.length ? 'field field-invalid' : 'field'} data-part="indicator">
                  <label for={`${base}-indicator`}>
                    {fieldLabel(qt, 'indicator')}
                    <span class="visually-hidden"> ({n})</span>
                  </label>
                  {indErrs.length > 0 && (
                    <p class="field-error" id={`${base}-indicator-error`}>
                      {indErrs.join(' ')}
                    </p>
                  )}
                  <select
                    id={`${base}-indicator`}
                    value={r.indicator}
                    aria-invalid={indErrs.length ? true : undefined}
                    aria-describedby={indErrs.length ? `${base}-indicator-error` : undefined}
                    onChange={(e) => update(r.key, { indicator: (e.currentTarget as HTMLSelectElement).value })}
                  >
                    <option value="">{t('form.choose')}</option>
                    {!known && <option value={r.indicator}>{r.indicator}</option>}
                    {options.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </div>
                <div class={perErrs.length ? 'field field-invalid' : 'field'} data-part="period">
                  <label for={`${base}-period`}>
                    {fieldLabel(qt, 'period')}
                    <span class="visually-hidden"> ({n})</span>
                  </label>
                  <p class="field-hint" id={`${base}-period-hint`}>
                    {t('intl.period_hint')}
                  </p>
                  {perErrs.length > 0 && (
                    <p class="field-error" id={`${base}-period-error`}>
                      {perErrs.join(' ')}
                    </p>
                  )}
                  <input
                    id={`${base}-period`}
                    type="text"
                    class="short"
                    maxLength={30}
                    value={r.period}
                    aria-invalid={perErrs.length ? true : undefined}
                    aria-describedby={[`${base}-period-hint`, perErrs.length ? `${base}-period-error` : ''].filter(Boolean).join(' ')}
                    onInput={(e) => update(r.key, { period: (e.currentTarget as HTMLInputElement).value })}
                  />
                </div>
                <button type="button" class="button button-plain" data-action="remove-figure" onClick={() => setRows(rows.filter((x) => x.key !== r.key))}>
                  {t('intl.remove_figure')}
                  <span class="visually-hidden"> ({n})</span>
                </button>
              </li>
            );
          })}
        </ol>
        {rows.length < MAX_FIGURES && (
          <button type="button" class="button button-secondary" data-testid="add-figure" onClick={() => setRows([...rows, newRow()])}>
            {t('intl.add_figure')}
          </button>
        )}
      </fieldset>
      <div class="actions">
        <button type="submit" class="button" disabled={busy} data-testid="send-answer">
          {busy ? t('intl.answer_sending') : t('intl.answer_submit')}
        </button>
        <button type="button" class="button button-plain" onClick={() => setOpen(false)}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}

function TextField({
  id,
  type,
  label: text,
  value,
  onInput,
  errors,
  required,
}: {
  id: string;
  type: 'date' | 'long';
  label: string;
  value: string;
  onInput: (v: string) => void;
  errors: string[];
  required?: boolean;
}) {
  const errorId = errors.length ? `${id}-error` : undefined;
  const common = {
    id,
    'aria-invalid': errors.length ? true : undefined,
    'aria-describedby': errorId,
    'aria-required': required ? true : undefined,
  };
  const read = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
  return (
    <div class={errors.length ? 'field field-invalid' : 'field'}>
      <label for={id}>
        {text}
        {required && (
          <span class="required" aria-hidden="true">
            {' '}*
          </span>
        )}
      </label>
      {errorId && (
        <p class="field-error" id={errorId}>
          {errors.join(' ')}
        </p>
      )}
      {type === 'date' ? (
        <DateInput {...common} value={value} keepInvalid onChange={(v) => onInput(v ?? '')} />
      ) : (
        <textarea {...common} rows={6} maxLength={20000} value={value} onInput={(e) => onInput(read(e))} />
      )}
    </div>
  );
}

/** The figures the answer quoted, as they were computed the day it was sent. */
export function QuotedFigures({ request }: { request: RecordBody }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const items = useLoad(() => listAll(QUOTED_FIGURE_TYPE, { request: request.id }), [request.id, request.version]);
  // The indicator's name in the reader's language when the catalogue has it (the record keeps the
  // name as frozen, in the language the answer was computed in).
  const catalogue = useLoad(() => indicatorCatalogue(lang).catch(() => [] as IndicatorItem[]), [lang]);
  const rows = quotedFigureRows(items.data ?? [], catalogue.data ?? []);
  // None listed: said so to the office that answered; a contributing body reaches the request but
  // not its figures, so for it an empty list says nothing.
  if (items.data && rows.length === 0 && !(request.state === 'answered' && meta.may(REQUEST_TYPE, 'answer'))) return null;
  const qt = meta.type(QUOTED_FIGURE_TYPE);
  const heading = (name: string) => label(qt?.fields.find((f) => f.name === name)?.label, lang) || name;
  const edition = (e: string) => (e === 'public' ? t('intl.edition_public') : e === 'restricted' ? t('intl.edition_restricted') : e || '—');
  return (
    <section class="panel record-section" aria-labelledby="intl-quoted-h" data-testid="quoted-figures-section">
      <h2 id="intl-quoted-h">{t('intl.quoted')}</h2>
      {items.loading && !items.data && <Loading />}
      <ErrorAlert error={items.error} />
      {items.data && rows.length === 0 && (
        <p class="muted" data-testid="no-quoted-figures">
          {t('intl.no_quoted')}
        </p>
      )}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="quoted-figures">
            <caption class="visually-hidden">{t('intl.quoted_caption', { request: recordTitle(meta.type(REQUEST_TYPE), request, lang) })}</caption>
            <thead>
              <tr>
                <th scope="col">{heading('label')}</th>
                <th scope="col">{heading('period')}</th>
                <th scope="col">{heading('display')}</th>
                <th scope="col">{heading('edition')}</th>
                <th scope="col">{heading('computed_at')}</th>
                <th scope="col">{heading('indicator_version')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((q) => (
                <tr key={q.id} data-quoted={q.id} data-indicator={q.indicator} data-period={q.period}>
                  <th scope="row">
                    <a href={`/records/${QUOTED_FIGURE_TYPE}/${q.id}`} onClick={onLinkClick}>
                      {q.label}
                    </a>
                  </th>
                  <td class="nowrap" data-testid="quoted-period">
                    {q.period}
                  </td>
                  <td data-testid="quoted-value">{q.display || (q.value !== undefined ? formatNumber(q.value, lang) : t('intl.no_value'))}</td>
                  <td>{edition(q.edition)}</td>
                  <td class="nowrap">{q.computedAt ? formatDateTime(q.computedAt, lang) : '—'}</td>
                  <td data-testid="quoted-version">{q.version !== undefined ? formatNumber(q.version, lang) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
