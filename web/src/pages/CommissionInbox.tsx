// The commission's inbox: materials sent to the commission on minors' affairs (commission_material,
// state sent) within the user's reach, oldest first, with the days they have waited (the decision
// is due within 15 days) and a quick form per item that records the decision (the decide
// transition, sent with If-Match: a material changed meanwhile is refused and the list reloaded).
import { useState } from 'preact/hooks';
import { ApiError, records, type RecordBody } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { fieldErrors } from '../components/RecordForm';
import { ValueView } from '../components/ValueView';
import { COMMISSION_DAYS, materialWaiting } from '../childProtection';
import { formatNumber, todayIso } from '../format';
import { useI18n } from '../i18n/context';
import { label } from '../meta';
import { moneyMessage, moneyServerMessage, parseManat, type MoneyLimits } from '../money';
import { onLinkClick } from '../router';
import { forgetTitle, useLoad, useSession } from '../session';
import { DateInput } from '../components/DateInput';

interface Draft {
  decision: string;
  decided_on: string;
  fine: string;
}

export function CommissionInbox() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const td = meta.type('commission_material');
  const list = useLoad(() => records.list('commission_material', { state: 'sent', sort: 'sent_on', limit: 100, count: true }), []);
  const [drafts, setDrafts] = useState<Record<number, Draft>>({});
  const [errors, setErrors] = useState<Record<number, unknown>>({});
  const [busy, setBusy] = useState<number | undefined>(undefined);
  const [done, setDone] = useState('');
  const [conflict, setConflict] = useState(false);
  const mayDecide = meta.may('commission_material', 'decide');
  if (!td) return <Page title={t('commission.title')}>{null}</Page>;
  const field = (n: string) => td.fields.find((f) => f.name === n);
  const today = todayIso();
  const fine = field('fine_amount');
  const fineLimits: MoneyLimits = { min: fine?.min, max: fine?.max };
  const draftOf = (id: number): Draft => drafts[id] ?? { decision: '', decided_on: today, fine: '' };
  const setDraft = (id: number, d: Partial<Draft>) => setDrafts((all) => ({ ...all, [id]: { ...draftOf(id), ...d } }));

  const decide = async (r: RecordBody) => {
    const d = draftOf(r.id);
    const patch: Record<string, unknown> = {};
    if (d.decision) patch.decision = d.decision;
    if (d.decided_on) patch.decided_on = d.decided_on;
    if (d.decision === 'administrative_fine' && d.fine.trim()) patch.fine_amount = parseManat(d.fine, fineLimits).value;
    setBusy(r.id);
    setDone('');
    setConflict(false);
    setErrors((all) => ({ ...all, [r.id]: undefined }));
    try {
      await records.transition('commission_material', r.id, r.version, 'decide', patch);
      forgetTitle('commission_material', r.id);
      setDone(t('commission.decided', { id: r.id, decision: meta.valueLabel(field('decision')?.values, d.decision, lang) }));
      setDrafts((all) => {
        const next = { ...all };
        delete next[r.id];
        return next;
      });
      list.reload();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 412 || e.status === 409)) {
        // Changed (or decided) by someone else meanwhile: show the list as it is now.
        setConflict(true);
        list.reload();
      } else setErrors((all) => ({ ...all, [r.id]: e }));
    } finally {
      setBusy(undefined);
    }
  };

  const items = list.data?.items ?? [];
  const overdue = items.filter((r) => materialWaiting(r.data.sent_on, today)?.overdue).length;
  const decisions = meta.listValues(field('decision')?.values).filter((v) => !v.retired);

  return (
    <Page title={t('commission.title')}>
      <p class="muted">{t('commission.intro', { days: COMMISSION_DAYS })}</p>
      {done && <Alert kind="success">{done}</Alert>}
      {conflict && (
        <Alert kind="error">
          <p>{t('commission.conflict')}</p>
        </Alert>
      )}
      {list.loading && !list.data && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && items.length === 0 && <p>{t('commission.none')}</p>}
      {list.data && items.length > 0 && (
        <>
          <p aria-live="polite" data-testid="commission-summary">
            {t('commission.summary', { n: formatNumber(list.data.total ?? items.length, lang), overdue: formatNumber(overdue, lang) })}
          </p>
          <div class="table-wrap">
            <table class="table" data-testid="commission-inbox">
              <thead>
                <tr>
                  <th scope="col">№</th>
                  <th scope="col">{label(field('child_found')?.label, lang)}</th>
                  <th scope="col">{label(field('subject')?.label, lang)}</th>
                  <th scope="col">{label(field('commission')?.label, lang)}</th>
                  <th scope="col">{label(field('sent_on')?.label, lang)}</th>
                  <th scope="col">{t('commission.waiting')}</th>
                  <th scope="col">{mayDecide ? t('commission.decision') : <span class="visually-hidden">{t('commission.decision')}</span>}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => {
                  const w = materialWaiting(r.data.sent_on, today);
                  const d = draftOf(r.id);
                  const err = errors[r.id];
                  // The fine is typed in manat and checked as it is typed: that error is the current one.
                  const fineError = parseManat(d.fine, fineLimits).error;
                  const fe = (n: string) =>
                    n === 'fine_amount'
                      ? fineError
                        ? [moneyMessage(fineError, fineLimits, t, lang)]
                        : fieldErrors(err, n, t, (code) => moneyServerMessage(code, fineLimits, t, lang))
                      : fieldErrors(err, n, t);
                  const p = `cm-${r.id}`;
                  const fieldError = (n: string) =>
                    fe(n).length > 0 && (
                      <p class="field-error small" id={`${p}-${n}-error`}>
                        {fe(n).join(' ')}
                      </p>
                    );
                  const others = err instanceof ApiError && err.errors.length > 0 ? err.errors.filter((x) => !['decision', 'decided_on', 'fine_amount'].includes(x.field)) : [];
                  return (
                    <tr key={r.id} data-material={r.id} class={w?.overdue ? 'row-overdue' : undefined}>
                      <td>
                        <a href={`/records/commission_material/${r.id}`} onClick={onLinkClick}>
                          {r.id}
                        </a>
                      </td>
                      <td>
                        {typeof r.data.child_found === 'number' ? (
                          <a href={`/records/child_found/${r.data.child_found}`} onClick={onLinkClick}>
                            {t('commission.child_n', { id: r.data.child_found })}
                          </a>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>{field('subject') && <ValueView meta={meta} field={field('subject')!} value={r.data.subject} />}</td>
                      <td>{field('commission') && <ValueView meta={meta} field={field('commission')!} value={r.data.commission} />}</td>
                      <td>{field('sent_on') && <ValueView meta={meta} field={field('sent_on')!} value={r.data.sent_on} />}</td>
                      <td data-waiting={w?.days}>
                        {w ? t('commission.days', { n: formatNumber(w.days, lang) }) : '—'}
                        {w?.overdue && <span class="badge badge-overdue">{t('commission.overdue')}</span>}
                      </td>
                      <td>
                        {mayDecide && (
                          <form
                            class="quick-decide"
                            aria-label={t('commission.decide_for', { id: r.id })}
                            noValidate
                            onSubmit={(e) => {
                              e.preventDefault();
                              void decide(r);
                            }}
                          >
                            <div class={fe('decision').length ? 'field field-invalid' : 'field'}>
                              <label for={`${p}-decision`}>
                                {label(field('decision')?.label, lang)}
                                <span class="required" aria-hidden="true">
                                  {' '}*
                                </span>
                              </label>
                              {fieldError('decision')}
                              <select
                                id={`${p}-decision`}
                                aria-required="true"
                                aria-invalid={fe('decision').length ? true : undefined}
                                aria-describedby={fe('decision').length ? `${p}-decision-error` : undefined}
                                value={d.decision}
                                onChange={(e) => setDraft(r.id, { decision: (e.currentTarget as HTMLSelectElement).value })}
                              >
                                <option value="">{t('form.choose')}</option>
                                {decisions.map((v) => (
                                  <option key={v.code} value={v.code}>
                                    {label(v.label, lang)}
                                  </option>
                                ))}
                              </select>
                            </div>
                            <div class={fe('decided_on').length ? 'field field-invalid' : 'field'}>
                              <label for={`${p}-decided_on`}>
                                {label(field('decided_on')?.label, lang)}
                                <span class="required" aria-hidden="true">
                                  {' '}*
                                </span>
                              </label>
                              {fieldError('decided_on')}
                              <DateInput
                                id={`${p}-decided_on`}
                                aria-required="true"
                                aria-invalid={fe('decided_on').length ? true : undefined}
                                aria-describedby={fe('decided_on').length ? `${p}-decided_on-error` : undefined}
                                value={d.decided_on}
                                keepInvalid
                                onChange={(v) => setDraft(r.id, { decided_on: v ?? '' })}
                              />
                            </div>
                            {d.decision === 'administrative_fine' && field('fine_amount') && (
                              <div class={fe('fine_amount').length ? 'field field-invalid' : 'field'}>
                                <label for={`${p}-fine_amount`}>{label(field('fine_amount')!.label, lang)}</label>
                                {fieldError('fine_amount')}
                                <input
                                  id={`${p}-fine_amount`}
                                  type="text"
                                  inputMode="decimal"
                                  class="short"
                                  aria-invalid={fe('fine_amount').length ? true : undefined}
                                  aria-describedby={fe('fine_amount').length ? `${p}-fine_amount-error` : undefined}
                                  value={d.fine}
                                  onInput={(e) => setDraft(r.id, { fine: (e.currentTarget as HTMLInputElement).value })}
                                />{' '}
                                ₼
                              </div>
                            )}
                            {err !== undefined && !(err instanceof ApiError && err.errors.length > 0) && <ErrorAlert error={err} />}
                            {others.map((x, i) => (
                              <p key={i} class="field-error small">
                                {x.field ? `${x.field}: ` : ''}
                                {x.message || x.code}
                              </p>
                            ))}
                            <button type="submit" class="button" disabled={busy === r.id} data-action="decide">
                              {busy === r.id ? t('form.saving') : t('commission.record')}
                            </button>
                          </form>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {list.data.next_cursor && (
            <p class="muted">
              {t('commission.more')}{' '}
              <a href="/records/commission_material?state=sent&sort=sent_on" onClick={onLinkClick}>
                {t('commission.all')}
              </a>
            </p>
          )}
        </>
      )}
    </Page>
  );
}
