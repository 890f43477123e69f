// Users: create (login, name, agency, roles checked against the agency's type), change roles,
// agency and the active flag, reset the second factor. The one-time password is shown once.
import { useState } from 'preact/hooks';
import { api, ApiError, type User } from '../../api';
import { Alert } from '../../components/Alert';
import { ErrorAlert, Loading, Page } from '../../components/Page';
import { fieldErrors } from '../../components/RecordForm';
import { useI18n } from '../../i18n/context';
import { label } from '../../meta';
import { useAgencies, useLoad, useSession } from '../../session';

interface UserRow extends User {
  agency_id: number;
  active: boolean;
}

export function Users() {
  const { t, lang } = useI18n();
  const { meta, user: me } = useSession();
  const agencies = useAgencies();
  const list = useLoad(() => api.request<{ items: UserRow[] }>('GET', '/users'), []);
  const [login, setLogin] = useState('');
  const [name, setName] = useState('');
  const [agency, setAgency] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<{ login: string; password: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<number | undefined>(undefined);
  const fe = (f: string) => fieldErrors(error, f, t);
  const agencyType = agencies.find((a) => String(a.id) === agency)?.type;
  const fits = (r: { agency_types: string[] }) => r.agency_types.length === 0 || (agencyType !== undefined && r.agency_types.includes(agencyType));

  return (
    <Page title={t('users.title')}>
      <form
        class="panel narrow-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setCreated(undefined);
          try {
            const u = await api.request<UserRow & { one_time_password: string }>('POST', '/users', {
              login,
              display_name: name,
              agency_id: agency ? Number(agency) : undefined,
              roles,
            });
            setCreated({ login: u.login, password: u.one_time_password });
            setLogin('');
            setName('');
            setRoles([]);
            list.reload();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>{t('users.add')}</h2>
        {created && (
          <Alert kind="success">
            <p>{t('users.created', { login: created.login })}</p>
            <p>
              {t('users.one_time')} <span class="secret" data-testid="one-time-password">{created.password}</span>
            </p>
            <p class="small">{t('users.one_time_hint')}</p>
          </Alert>
        )}
        {error !== undefined && !(error instanceof ApiError && error.errors.length) && <ErrorAlert error={error} />}
        <div class={fe('login').length ? 'field field-invalid' : 'field'}>
          <label for="user-login">{t('users.login')}</label>
          <p class="field-hint">{t('users.login_hint')}</p>
          {fe('login').length > 0 && <p class="field-error" id="user-login-error">{fe('login').join(' ')}</p>}
          <input id="user-login" type="text" autoComplete="off" value={login} onInput={(e) => setLogin((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class={fe('display_name').length ? 'field field-invalid' : 'field'}>
          <label for="user-name">{t('users.display_name')}</label>
          {fe('display_name').length > 0 && <p class="field-error">{fe('display_name').join(' ')}</p>}
          <input id="user-name" type="text" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class={fe('agency_id').length ? 'field field-invalid' : 'field'}>
          <label for="user-agency">{t('users.agency')}</label>
          {fe('agency_id').length > 0 && <p class="field-error">{fe('agency_id').join(' ')}</p>}
          <select id="user-agency" value={agency} onChange={(e) => setAgency((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('form.choose')}</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset class={fe('roles').length ? 'field field-invalid checks' : 'field checks'}>
          <legend>{t('users.roles')}</legend>
          {fe('roles').length > 0 && <p class="field-error" id="user-roles-error">{fe('roles').join(' ')}</p>}
          <div class="check-grid">
            {meta.roles.map((r) => (
              <label key={r.name} class="check">
                <input
                  type="checkbox"
                  value={r.name}
                  checked={roles.includes(r.name)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    setRoles(on ? [...roles, r.name] : roles.filter((x) => x !== r.name));
                  }}
                />{' '}
                {label(r.label, lang)}
                {!fits(r) && agency && <span class="muted small"> ({t('users.role_other_agency')})</span>}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" class="button" disabled={busy}>
          {busy ? t('form.saving') : t('users.submit')}
        </button>
      </form>
      <h2>{t('users.list')}</h2>
      {list.loading && !list.data && <Loading />}
      <ErrorAlert error={list.error} />
      {list.data && (
        <div class="table-wrap">
          <table class="table" data-testid="users">
            <thead>
              <tr>
                <th scope="col">{t('users.login')}</th>
                <th scope="col">{t('users.display_name')}</th>
                <th scope="col">{t('users.agency')}</th>
                <th scope="col">{t('users.roles')}</th>
                <th scope="col">{t('users.status')}</th>
                <th scope="col"><span class="visually-hidden">{t('users.edit')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((u) =>
                editing === u.id ? (
                  <EditUser key={u.id} u={u} onDone={() => { setEditing(undefined); list.reload(); }} />
                ) : (
                  <tr key={u.id} data-login={u.login}>
                    <td>{u.login}</td>
                    <td>{u.display_name}</td>
                    <td>{agencies.find((a) => a.id === u.agency_id)?.name ?? '—'}</td>
                    <td>{u.roles.map((r) => meta.roleLabel(r, lang)).join(', ')}</td>
                    <td>
                      {!u.active ? t('users.inactive') : u.must_change_password ? t('users.pending') : t('users.active')}
                      {u.totp_enabled ? ` · ${t('users.totp_on')}` : ''}
                    </td>
                    <td>
                      {u.id !== me.id && (
                        <button type="button" class="link-button" onClick={() => setEditing(u.id)}>
                          {t('users.edit')}
                        </button>
                      )}
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

function EditUser({ u, onDone }: { u: UserRow; onDone: () => void }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const agencies = useAgencies();
  const [roles, setRoles] = useState<string[]>(u.roles);
  const [agency, setAgency] = useState(String(u.agency_id || ''));
  const [active, setActive] = useState(u.active);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <tr>
      <td colSpan={6}>
        <form
          class="panel"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await api.request('PATCH', `/users/${u.id}`, { roles, agency_id: agency ? Number(agency) : null, active });
              onDone();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <h3>{u.login}</h3>
          <ErrorAlert error={error} />
          {error instanceof ApiError && error.errors.map((x) => <p class="field-error" key={x.field + x.code}>{x.message}</p>)}
          <div class="field">
            <label for={`edit-agency-${u.id}`}>{t('users.agency')}</label>
            <select id={`edit-agency-${u.id}`} value={agency} onChange={(e) => setAgency((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">—</option>
              {agencies.map((a) => (
                <option key={a.id} value={a.id}>{a.name}</option>
              ))}
            </select>
          </div>
          <fieldset class="checks">
            <legend>{t('users.roles')}</legend>
            <div class="check-grid">
              {meta.roles.map((r) => (
                <label key={r.name} class="check">
                  <input type="checkbox" checked={roles.includes(r.name)} onChange={(e) => setRoles((e.currentTarget as HTMLInputElement).checked ? [...roles, r.name] : roles.filter((x) => x !== r.name))} />{' '}
                  {label(r.label, lang)}
                </label>
              ))}
            </div>
          </fieldset>
          <label class="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive((e.currentTarget as HTMLInputElement).checked)} /> {t('users.active')}
          </label>
          <div class="actions">
            <button type="submit" class="button">{t('form.save')}</button>
            <button type="button" class="button button-plain" onClick={async () => {
              try {
                await api.request('POST', `/users/${u.id}/totp/reset`);
                onDone();
              } catch (err) {
                setError(err);
              }
            }}>{t('users.totp_reset')}</button>
            <button type="button" class="button button-plain" onClick={onDone}>{t('form.cancel')}</button>
          </div>
        </form>
      </td>
    </tr>
  );
}
