// The audit viewer (administrators): newest first, filters by action, actor, record and time.
import { useState } from 'preact/hooks';
import { api, query } from '../../api';
import { ErrorAlert, Loading, Page } from '../../components/Page';
import { agencyName } from '../../agencies';
import { auditActionLabel, auditDetails, type AuditNames } from '../../display';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n/context';
import { label } from '../../meta';
import { useAgencies, useLoad, useSession } from '../../session';
import { DateInput } from '../../components/DateInput';

interface Entry {
  seq: number;
  at: string;
  actor: number;
  action: string;
  record_type: string;
  record_id: number;
  details: unknown;
}

export function Audit() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const [form, setForm] = useState({ action: '', actor: '', record_type: '', record_id: '', since: '', until: '' });
  const [applied, setApplied] = useState(form);
  const [pages, setPages] = useState<number[]>([]);
  const before = pages[pages.length - 1];
  const users = useLoad(() => api.request<{ items: Array<{ id: number; login: string }> }>('GET', '/users'), []);
  const who = (id: number) => (id === 0 ? t('audit.system') : (users.data?.items.find((u) => u.id === id)?.login ?? `№ ${id}`));
  const list = useLoad(
    () => api.request<{ items: Entry[]; next_before_seq?: number }>('GET', `/audit${query({ ...applied, limit: 50, before_seq: before })}`),
    [JSON.stringify(applied), before],
  );
  const agencies = useAgencies();
  const typeLabel = (type: string) =>
    type === 'user' ? t('audit.type_user') : type === 'agency' ? t('audit.type_agency') : label(meta.type(type)?.label, lang) || type;
  const names: AuditNames = {
    lang,
    t,
    typeLabel,
    fieldLabel: (type, field) => label(meta.type(type)?.fields.find((f) => f.name === field)?.label, lang) || field,
    transitionLabel: (type, tr) => label(meta.type(type)?.workflow?.transitions.find((x) => x.name === tr)?.label, lang) || tr,
    agencyName: (id) => agencyName(agencies, id),
    roleLabel: (r) => meta.roleLabel(r, lang),
    agencyTypeLabel: (code) => meta.valueLabel('agency_types', code, lang),
  };
  const input = (k: keyof typeof form, lbl: string, type: 'text' | 'date' = 'text') => (
    <div class="field">
      <label for={`audit-${k}`}>{lbl}</label>
      {type === 'date' ? (
        <DateInput id={`audit-${k}`} value={form[k] || undefined} onChange={(v) => setForm({ ...form, [k]: typeof v === 'string' ? v : '' })} />
      ) : (
        <input id={`audit-${k}`} type="text" value={form[k]} onInput={(e) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value })} />
      )}
    </div>
  );
  return (
    <Page title={t('audit.title')}>
      <form
        class="filters panel"
        role="search"
        aria-label={t('list.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setPages([]);
          setApplied(form);
        }}
      >
        {input('action', t('audit.action'))}
        {input('actor', t('audit.actor'))}
        <div class="field">
          <label for="audit-record_type">{t('audit.record_type')}</label>
          <select id="audit-record_type" value={form.record_type} onChange={(e) => setForm({ ...form, record_type: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('list.any')}</option>
            <option value="user">{t('audit.type_user')}</option>
            <option value="agency">{t('audit.type_agency')}</option>
            {[...meta.types.values()].map((ty) => (
              <option key={ty.name} value={ty.name}>{label(ty.label, lang)}</option>
            ))}
          </select>
        </div>
        {input('record_id', t('audit.record_id'))}
        {input('since', t('audit.since'), 'date')}
        {input('until', t('audit.until'), 'date')}
        <div class="field filter-actions">
          <button type="submit" class="button">{t('list.search')}</button>
        </div>
      </form>
      <p class="field-hint">{t('audit.hint')}</p>
      <ErrorAlert error={list.error} />
      {list.loading && <Loading />}
      {list.data && (
        <>
          <div class="table-wrap">
            <table class="table compact" data-testid="audit">
              <thead>
                <tr>
                  <th scope="col">№</th>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.record')}</th>
                  <th scope="col">{t('audit.details')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((e) => {
                  const lines = auditDetails(e.details, e.record_type, names);
                  return (
                    <tr key={e.seq} data-action={e.action}>
                      <td>{e.seq}</td>
                      <td class="nowrap">{formatDateTime(e.at, lang)}</td>
                      <td>{who(e.actor)}</td>
                      <td>
                        {auditActionLabel(e.action, t)}
                        {/* The code, for the action filter above. */}
                        <div class="small muted">{t('audit.code', { code: e.action })}</div>
                      </td>
                      <td>
                        {e.record_type ? typeLabel(e.record_type) : ''} {e.record_id ? `№ ${e.record_id}` : ''}
                      </td>
                      <td>
                        {lines.length > 0 && (
                          <dl class="detail-lines small">
                            {lines.map((l) => (
                              <div key={l.key}>
                                {l.label && <dt>{l.label}:</dt>} <dd>{l.value}</dd>
                              </div>
                            ))}
                          </dl>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label={t('list.paging')}>
            <button type="button" class="button button-plain" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>{t('list.previous')}</button>
            <button type="button" class="button button-plain" disabled={!list.data.next_before_seq} onClick={() => list.data?.next_before_seq && setPages([...pages, list.data.next_before_seq])}>{t('list.next')}</button>
          </nav>
        </>
      )}
    </Page>
  );
}
