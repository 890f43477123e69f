// Referral inbox: referrals waiting for an answer (state "sent") within the user's reach, with
// accept (responded_at = now) and decline (with a reason) as the workflow's transitions.
import { useState } from 'preact/hooks';
import { records, type RecordBody } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { RecordForm } from '../components/RecordForm';
import { RefLink, ValueView } from '../components/ValueView';
import { nowIso } from '../format';
import { useI18n } from '../i18n/context';
import { agencyMayTake, diff, label } from '../meta';
import { onLinkClick } from '../router';
import { forgetTitle, useLoad, useSession } from '../session';
import { FormErrors } from '../components/RecordForm';

export function Referrals() {
  const { t, lang } = useI18n();
  const { meta, user } = useSession();
  const td = meta.type('referral');
  // Accept and decline are the receiving agency's (the server refuses anyone else).
  const mayAnswer = (r: RecordBody, name: string) => {
    const tr = td?.workflow?.transitions.find((x) => x.name === name);
    return !!tr && meta.mayPermission(tr.permission) && agencyMayTake(tr, r.data, user.agency_id);
  };
  const [state, setState] = useState('sent');
  const list = useLoad(() => records.list('referral', { state: state || undefined, sort: '-sent_at', limit: 50, count: true }), [state]);
  const [declining, setDeclining] = useState<RecordBody | undefined>(undefined);
  const [declineValues, setDeclineValues] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState('');
  if (!td) return <Page title={t('referrals.title')}>{null}</Page>;
  const field = (n: string) => td.fields.find((f) => f.name === n)!;

  const accept = async (r: RecordBody) => {
    setError(undefined);
    try {
      await records.transition('referral', r.id, r.version, 'accept', { responded_at: nowIso() });
      forgetTitle('referral', r.id);
      setDone(t('referrals.accepted', { id: r.id }));
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const decline = async () => {
    if (!declining) return;
    setError(undefined);
    try {
      await records.transition('referral', declining.id, declining.version, 'decline', diff(declining.data, declineValues));
      setDone(t('referrals.declined', { id: declining.id }));
      setDeclining(undefined);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={t('referrals.title')}>
      <div class="toolbar">
        <div class="field">
          <label for="ref-state">{t('list.state')}</label>
          <select id="ref-state" value={state} onChange={(e) => setState((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('list.any')}</option>
            {td.workflow?.states.map((s) => (
              <option key={s.name} value={s.name}>{label(s.label, lang)}</option>
            ))}
          </select>
        </div>
      </div>
      {done && <Alert kind="success">{done}</Alert>}
      {!declining && <ErrorAlert error={error} />}
      {declining && (
        <form
          class="panel transition-panel"
          onSubmit={(e) => {
            e.preventDefault();
            void decline();
          }}
        >
          <h2>{t('referrals.decline_title', { id: declining.id })}</h2>
          <FormErrors error={error} td={td} />
          <RecordForm type={td} meta={meta} values={declineValues} onChange={setDeclineValues} error={error} only={['decline_reason', 'response_note']} idPrefix="d" />
          <div class="actions">
            <button type="submit" class="button">{t('referrals.decline')}</button>
            <button type="button" class="button button-plain" onClick={() => setDeclining(undefined)}>{t('form.cancel')}</button>
          </div>
        </form>
      )}
      {list.loading && !list.data && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && list.data.items.length === 0 && <p>{t('referrals.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="referrals">
            <thead>
              <tr>
                <th scope="col">№</th>
                <th scope="col">{label(field('victim_case').label, lang)}</th>
                <th scope="col">{label(field('to_agency_type').label, lang)}</th>
                <th scope="col">{label(field('facility').label, lang)}</th>
                <th scope="col">{label(field('services_requested').label, lang)}</th>
                <th scope="col">{label(field('sent_at').label, lang)}</th>
                <th scope="col">{label(field('due_at').label, lang)}</th>
                <th scope="col">{t('list.state')}</th>
                <th scope="col"><span class="visually-hidden">{t('referrals.answer')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((r) => (
                <tr key={r.id} data-referral={r.id}>
                  <td><a href={`/records/referral/${r.id}`} onClick={onLinkClick}>{r.id}</a></td>
                  <td>{typeof r.data.victim_case === 'number' ? <RefLink meta={meta} type="victim_case" id={r.data.victim_case} /> : '—'}</td>
                  <td>
                    <ValueView meta={meta} field={field('to_agency_type')} value={r.data.to_agency_type} />
                    {typeof r.data.to_agency === 'string' && <div class="small">{r.data.to_agency}</div>}
                  </td>
                  <td>{typeof r.data.facility === 'number' ? <RefLink meta={meta} type="facility" id={r.data.facility} /> : '—'}</td>
                  <td><ValueView meta={meta} field={field('services_requested')} value={r.data.services_requested} /></td>
                  <td><ValueView meta={meta} field={field('sent_at')} value={r.data.sent_at} /></td>
                  <td><ValueView meta={meta} field={field('due_at')} value={r.data.due_at} /></td>
                  <td>{meta.stateLabel('referral', r.state, lang)}</td>
                  <td>
                    {r.state === 'sent' && (
                      <div class="actions">
                        {mayAnswer(r, 'accept') && (
                          <button type="button" class="button" data-action="accept" onClick={() => void accept(r)}>
                            {t('referrals.accept')}
                          </button>
                        )}
                        {mayAnswer(r, 'decline') && (
                          <button type="button" class="button button-plain" data-action="decline" onClick={() => { setDeclining(r); setError(undefined); setDeclineValues({ ...r.data, responded_at: nowIso() }); }}>
                            {t('referrals.decline')}
                          </button>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
