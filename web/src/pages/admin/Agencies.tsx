// Agencies: the list and a form to add one (administrators).
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { Alert } from '../../components/Alert';
import { ErrorAlert, Loading, Page } from '../../components/Page';
import { fieldErrors } from '../../components/RecordForm';
import { useI18n } from '../../i18n/context';
import { label } from '../../meta';
import { invalidateAgencies, useLoad, useSession, type Agency } from '../../session';

export function Agencies() {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const list = useLoad(() => api.request<{ items: Agency[]; types: string[] }>('GET', '/agencies'), []);
  const [name, setName] = useState('');
  const [type, setType] = useState('');
  const [region, setRegion] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const fe = (f: string) => fieldErrors(error, f, t);
  const typeLabel = (code: string) => meta.valueLabel('agency_types', code, lang);
  // The country's units in the language's order (the list file keeps the official order).
  const regions = [...meta.listValues('region')].sort((a, b) => label(a.label, lang).localeCompare(label(b.label, lang), lang));
  return (
    <Page title={t('agencies.title')}>
      {meta.isAdmin && (
        <form
          class="panel narrow-form"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(undefined);
            setDone('');
            try {
              const a = await api.request<Agency>('POST', '/agencies', { name, type, region: region || undefined });
              setDone(t('agencies.created', { name: a.name }));
              setName('');
              setRegion('');
              invalidateAgencies();
              list.reload();
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          <h2>{t('agencies.add')}</h2>
          {done && <Alert kind="success">{done}</Alert>}
          {error !== undefined && !(error instanceof ApiError && error.errors.length) && <ErrorAlert error={error} />}
          <div class={fe('name').length ? 'field field-invalid' : 'field'}>
            <label for="agency-name">{t('agencies.name')}</label>
            {fe('name').length > 0 && <p class="field-error" id="agency-name-error">{fe('name').join(' ')}</p>}
            <input id="agency-name" type="text" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class={fe('type').length ? 'field field-invalid' : 'field'}>
            <label for="agency-type">{t('agencies.type')}</label>
            {fe('type').length > 0 && <p class="field-error">{fe('type').join(' ')}</p>}
            <select id="agency-type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('form.choose')}</option>
              {(list.data?.types ?? []).map((c) => (
                <option key={c} value={c}>
                  {typeLabel(c)}
                </option>
              ))}
            </select>
          </div>
          <div class={fe('region').length ? 'field field-invalid' : 'field'}>
            <label for="agency-region">{t('agencies.region')}</label>
            <p class="hint" id="agency-region-hint">
              {t('agencies.region_hint')}
            </p>
            {fe('region').length > 0 && <p class="field-error">{fe('region').join(' ')}</p>}
            <select id="agency-region" value={region} aria-describedby="agency-region-hint" onChange={(e) => setRegion((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('agencies.no_region')}</option>
              {regions.map((v) => (
                <option key={v.code} value={v.code}>
                  {label(v.label, lang)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button" disabled={busy}>
            {busy ? t('form.saving') : t('agencies.submit')}
          </button>
        </form>
      )}
      <h2>{t('agencies.list')}</h2>
      {list.loading && !list.data && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && (
        <div class="table-wrap">
          <table class="table" data-testid="agencies">
            <thead>
              <tr>
                <th scope="col">№</th>
                <th scope="col">{t('agencies.name')}</th>
                <th scope="col">{t('agencies.type')}</th>
                <th scope="col">{t('agencies.region')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id}>
                  <td>{a.id}</td>
                  <td>{a.name}</td>
                  <td>{typeLabel(a.type)}</td>
                  <td>{a.region ? meta.valueLabel('region', a.region, lang) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
