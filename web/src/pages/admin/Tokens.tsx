// The signed-in user's API tokens: create (name, roles subset, read-only, expiry), list, revoke.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { Alert } from '../../components/Alert';
import { ErrorAlert, Loading, Page } from '../../components/Page';
import { formatDateTime } from '../../format';
import { fieldErrors } from '../../components/RecordForm';
import { useI18n } from '../../i18n/context';
import { useLoad, useSession } from '../../session';

interface Token {
  id: number;
  name: string;
  roles?: string[];
  read_only?: boolean;
  created_at?: string | number;
  expires_at?: string | number;
  last_used_at?: string | number;
  prefix?: string;
}

function when(v: string | number | undefined, lang: 'az' | 'en' | 'ru'): string {
  if (v === undefined || v === 0 || v === '') return '—';
  return formatDateTime(typeof v === 'number' ? new Date(v < 1e12 ? v * 1000 : v).toISOString() : v, lang);
}

export function Tokens() {
  const { t, lang } = useI18n();
  const { meta, user } = useSession();
  const list = useLoad(() => api.request<{ items: Token[] }>('GET', '/auth/tokens'), []);
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [readOnly, setReadOnly] = useState(true);
  const [days, setDays] = useState('90');
  const [error, setError] = useState<unknown>(undefined);
  const [secret, setSecret] = useState('');
  const fe = (f: string) => fieldErrors(error, f, t);
  return (
    <Page title={t('tokens.title')}>
      <Sessions />
      <h2>{t('tokens.heading')}</h2>
      <p>{t('tokens.intro')}</p>
      <form
        class="panel narrow-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          setSecret('');
          try {
            const r = await api.request<Record<string, unknown>>('POST', '/auth/tokens', {
              name,
              roles: roles.length ? roles : undefined,
              read_only: readOnly,
              expires_in_days: days ? Number(days) : undefined,
            });
            setSecret(String(r.token ?? r.secret ?? ''));
            setName('');
            list.reload();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <h2>{t('tokens.add')}</h2>
        {secret && (
          <Alert kind="success">
            <p>{t('tokens.created')}</p>
            <p><span class="secret" data-testid="token-secret">{secret}</span></p>
          </Alert>
        )}
        {error !== undefined && !(error instanceof ApiError && error.errors.length) && <ErrorAlert error={error} />}
        <div class={fe('name').length ? 'field field-invalid' : 'field'}>
          <label for="token-name">{t('tokens.name')}</label>
          {fe('name').length > 0 && <p class="field-error">{fe('name').join(' ')}</p>}
          <input id="token-name" type="text" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </div>
        {user.roles.length > 1 && (
          <fieldset class="checks">
            <legend>{t('tokens.roles')}</legend>
            {user.roles.map((r) => (
              <label key={r} class="check">
                <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles((e.currentTarget as HTMLInputElement).checked ? [...roles, r] : roles.filter((x) => x !== r))} />{' '}
                {meta.roleLabel(r, lang)}
              </label>
            ))}
          </fieldset>
        )}
        <label class="check field">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly((e.currentTarget as HTMLInputElement).checked)} /> {t('tokens.read_only')}
        </label>
        <div class={fe('expires_in_days').length ? 'field field-invalid' : 'field'}>
          <label for="token-days">{t('tokens.days')}</label>
          {fe('expires_in_days').length > 0 && <p class="field-error">{fe('expires_in_days').join(' ')}</p>}
          <input id="token-days" type="text" inputMode="numeric" class="short" value={days} onInput={(e) => setDays((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="button">{t('tokens.submit')}</button>
      </form>
      <h2>{t('tokens.list')}</h2>
      {list.loading && !list.data && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && list.data.items.length === 0 && <p class="muted">{t('tokens.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('tokens.roles')}</th>
                <th scope="col">{t('tokens.expires')}</th>
                <th scope="col"><span class="visually-hidden">{t('tokens.revoke')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.filter((k) => !(k as { revoked_at?: unknown }).revoked_at).map((k) => (
                <tr key={k.id}>
                  <td>{k.name}{k.read_only ? ` (${t('tokens.read_only')})` : ''}</td>
                  <td>{(k.roles ?? []).map((r) => meta.roleLabel(r, lang)).join(', ')}</td>
                  <td>{when(k.expires_at, lang)}</td>
                  <td>
                    <button type="button" class="link-button" onClick={async () => {
                      try {
                        await api.request('DELETE', `/auth/tokens/${k.id}`);
                        list.reload();
                      } catch (err) {
                        setError(err);
                      }
                    }}>{t('tokens.revoke')}</button>
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

interface SessionRow {
  id: string;
  current: boolean;
  created_at: number | string;
  last_seen_at: number | string;
  expires_at: number | string;
  user_agent: string;
}

/** The user's sessions, and signing out everywhere else. */
export function Sessions() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api.request<{ items: SessionRow[] }>('GET', '/auth/sessions'), []);
  const [ended, setEnded] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <section aria-labelledby="sessions-h">
      <h2 id="sessions-h">{t('sessions.title')}</h2>
      {ended !== undefined && <Alert kind="success"><p>{t('sessions.ended', { n: ended })}</p></Alert>}
      <ErrorAlert error={list.error ?? error} />
      {list.data && (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('sessions.browser')}</th>
                <th scope="col">{t('sessions.started')}</th>
                <th scope="col">{t('sessions.last_seen')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.user_agent || '—'} {s.current && <span class="state">{t('sessions.this')}</span>}</td>
                  <td>{when(s.created_at, lang)}</td>
                  <td>{when(s.last_seen_at, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="actions">
        <button
          type="button"
          class="button button-plain"
          onClick={async () => {
            setError(undefined);
            try {
              const r = await api.request<{ ended: number }>('DELETE', '/auth/sessions');
              setEnded(r.ended);
              list.reload();
            } catch (e) {
              setError(e);
            }
          }}
        >
          {t('sessions.end_others')}
        </button>
      </div>
    </section>
  );
}
