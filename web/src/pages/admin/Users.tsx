// Users: create (login, name, agency, roles checked against the agency's type), change roles,
// agency and the active flag, set the e-mail address, reset the second factor, see and revoke the
// user's offline devices. The one-time password is shown once. The e-mail address
// (PUT /users/{id}/email) is where the user's notifications are also sent; messages hold no
// personal data (docs/records.md, "Notifications").
// The two-person rule: roles with identity access an administrator gives wait, as the user's
// pending_roles, until another administrator approves them (either may reject them).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type User } from '../../api';
import { Alert } from '../../components/Alert';
import { ErrorAlert, Loading, Page } from '../../components/Page';
import { fieldErrors } from '../../components/RecordForm';
import type { MessageKey, Translate } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { errorMessage } from '../../messages';
import { label } from '../../meta';
import { useAgencies, useLoad, useSession } from '../../session';
import { UserDevices } from '../Devices';

export interface UserRow extends User {
  agency_id: number;
  active: boolean;
  /** Roles with identity access awaiting a second administrator's approval. */
  pending_roles?: string[];
  /** The administrator who asked for them (0: none pending). */
  pending_by?: number;
  /** Where the user's notifications are also e-mailed ('' or absent: nowhere). */
  email?: string;
}

/** The user's e-mail address as the list shows it: "—" when none. */
export function shownEmail(u: Pick<UserRow, 'email'>): string {
  return u.email?.trim() || '—';
}

/**
 * Whether the server would take `address` (trimmed) as an e-mail address: its check
 * (notify::plausibleAddress), so that a new user's address is refused at the field before the user
 * is created. The empty address (none) is fine.
 */
export function plausibleEmail(address: string): boolean {
  const a = address.trim();
  if (a === '') return true;
  if (a.length > 254) return false;
  const at = a.indexOf('@');
  if (at <= 0 || at + 1 >= a.length || a.indexOf('@', at + 1) !== -1) return false;
  for (const ch of a) {
    const c = ch.codePointAt(0) ?? 0;
    if (c <= 0x20 || c >= 0x7f || '<>,;"\\'.includes(ch)) return false;
  }
  return a.indexOf('.', at) !== -1;
}

/** The address the edit form sends (trimmed), or undefined when it is the one the user has. */
export function changedEmail(start: string | undefined, typed: string): string | undefined {
  const next = typed.trim();
  return next === (start ?? '').trim() ? undefined : next;
}

/** The roles a user awaits (none when the server sent none). */
export function pendingRoles(u: Pick<UserRow, 'pending_roles'>): string[] {
  return u.pending_roles ?? [];
}

/**
 * Why the signed-in administrator `meId` may not approve the user's pending roles (the message
 * key shown next to the disabled button), or undefined when they may: the administrator who asked
 * for the roles may not, nor may administrators approve their own.
 */
export function approvalBar(u: Pick<UserRow, 'id' | 'pending_roles' | 'pending_by'>, meId: number): MessageKey | undefined {
  if (pendingRoles(u).length === 0) return undefined;
  if (u.pending_by === meId) return 'users.approve_other';
  if (u.id === meId) return 'users.approve_own';
  return undefined;
}

/** The note that roles await a second administrator, or '' when none do. */
export function pendingNote(u: Pick<UserRow, 'pending_roles'>, roleLabel: (role: string) => string, t: Translate): string {
  const pending = pendingRoles(u);
  return pending.length ? t('users.pending_note', { roles: pending.map(roleLabel).join(', ') }) : '';
}

/**
 * The roles the edit form sends: undefined when the ticked set is the one it started from (the
 * roles held and those awaiting approval), so that changing only the agency or the active flag
 * does not replace a pending request; otherwise the ticked roles.
 */
export function changedRoles(start: string[], ticked: string[]): string[] | undefined {
  const a = [...new Set(start)].sort();
  const b = [...new Set(ticked)].sort();
  return a.length === b.length && a.every((r, i) => r === b[i]) ? undefined : ticked;
}

/** What the list says after a save or a decision: the roles decided on, those still awaiting. */
interface Notice {
  key: 'users.saved' | 'users.approved' | 'users.rejected';
  login: string;
  roles: string[];
  pending: string[];
  /** The e-mail address saved ('' when cleared), or undefined when it did not change. */
  email?: string;
}

/** The words of the e-mail field's errors: the server's code `format` in the user's language. */
function emailWord(t: Translate) {
  return (code: string) => (code === 'format' ? t('users.email_format') : undefined);
}

/** The e-mail field (label, help, error at the field), the same on the create and edit forms. */
function EmailField({ id, value, errors, onInput, inputRef }: {
  id: string;
  value: string;
  errors: string[];
  onInput: (value: string) => void;
  inputRef?: { current: HTMLInputElement | null };
}) {
  const { t } = useI18n();
  return (
    <div class={errors.length ? 'field field-invalid' : 'field'}>
      <label for={id}>{t('users.email')}</label>
      <p class="field-hint" id={`${id}-hint`}>{t('users.email_hint')}</p>
      {errors.length > 0 && <p class="field-error" id={`${id}-error`} data-testid="email-error">{errors.join(' ')}</p>}
      <input
        id={id}
        ref={inputRef}
        type="email"
        autoComplete="off"
        spellcheck={false}
        value={value}
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={errors.length ? `${id}-hint ${id}-error` : `${id}-hint`}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
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
  const [email, setEmail] = useState('');
  const [emailError, setEmailError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<
    { login: string; password: string; pending: string[]; email: string; emailFailed?: string } | undefined
  >(undefined);
  const newEmailRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<number | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [decision, setDecision] = useState<{ id: number; action: 'approve' | 'reject' } | undefined>(undefined);
  const [decisionError, setDecisionError] = useState<unknown>(undefined);
  const roleLabel = (r: string) => meta.roleLabel(r, lang);
  // The row's buttons (or the edit form) go away with a decision (or a save): the message that
  // says what happened takes the focus.
  const noticeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  async function decide(u: UserRow, action: 'approve' | 'reject') {
    setDecision({ id: u.id, action });
    setDecisionError(undefined);
    setNotice(undefined);
    try {
      await api.request<UserRow>('POST', `/users/${u.id}/roles/${action}`);
      setNotice({
        key: action === 'approve' ? 'users.approved' : 'users.rejected',
        login: u.login,
        roles: pendingRoles(u),
        pending: [],
      });
    } catch (err) {
      setDecisionError(err);
    } finally {
      setDecision(undefined);
      list.reload();
    }
  }
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
          // A bad address is refused before the user is created (the server's own check).
          if (!plausibleEmail(email)) {
            setEmailError(t('users.email_format'));
            newEmailRef.current?.focus();
            return;
          }
          setEmailError(undefined);
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
            // The address is a second request: the user exists even when it fails (the one-time
            // password is shown all the same, with why the address was not saved).
            const address = email.trim();
            let emailFailed: string | undefined;
            if (address) {
              try {
                await api.request<UserRow>('PUT', `/users/${u.id}/email`, { email: address });
              } catch (err) {
                emailFailed = fieldErrors(err, 'email', t, emailWord(t)).join(' ') || errorMessage(err, t);
              }
            }
            setCreated({ login: u.login, password: u.one_time_password, pending: pendingRoles(u), email: address, emailFailed });
            setLogin('');
            setName('');
            setRoles([]);
            setEmail('');
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
            {created.pending.length > 0 && <p data-testid="created-pending">{pendingNote({ pending_roles: created.pending }, roleLabel, t)}</p>}
            {created.email && !created.emailFailed && <p data-testid="created-email">{t('users.created_email', { email: created.email })}</p>}
          </Alert>
        )}
        {created?.emailFailed && (
          <Alert kind="error">
            <p data-testid="created-email-failed">{t('users.email_not_saved', { login: created.login, reason: created.emailFailed })}</p>
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
        <EmailField id="user-email" value={email} errors={emailError ? [emailError] : []} onInput={setEmail} inputRef={newEmailRef} />
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
      <ErrorAlert error={decisionError} />
      {notice && (
        <div ref={noticeRef} tabIndex={-1}>
          <Alert kind="success">
            <p data-testid="users-notice">{t(notice.key, { login: notice.login, roles: notice.roles.map(roleLabel).join(', ') })}</p>
            {notice.email !== undefined && (
              <p data-testid="email-notice">
                {notice.email ? t('users.email_saved', { login: notice.login, email: notice.email }) : t('users.email_cleared', { login: notice.login })}
              </p>
            )}
            {notice.pending.length > 0 && <p data-testid="saved-pending">{pendingNote({ pending_roles: notice.pending }, roleLabel, t)}</p>}
          </Alert>
        </div>
      )}
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
                <th scope="col">{t('users.email')}</th>
                <th scope="col"><span class="visually-hidden">{t('users.edit')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((u) =>
                editing === u.id ? (
                  <EditUser
                    key={u.id}
                    u={u}
                    onDone={(saved, email) => {
                      setEditing(undefined);
                      setDecisionError(undefined);
                      setNotice(saved && { key: 'users.saved', login: saved.login, roles: [], pending: pendingRoles(saved), email });
                      list.reload();
                    }}
                  />
                ) : (
                  <tr key={u.id} data-login={u.login}>
                    <td>{u.login}</td>
                    <td>{u.display_name}</td>
                    <td>{agencies.find((a) => a.id === u.agency_id)?.name ?? '—'}</td>
                    <td>
                      {u.roles.map(roleLabel).join(', ')}
                      {pendingRoles(u).length > 0 && (
                        <PendingRoles
                          u={u}
                          roleLabel={roleLabel}
                          bar={approvalBar(u, me.id)}
                          busy={decision?.id === u.id ? decision.action : undefined}
                          onDecide={(action) => decide(u, action)}
                        />
                      )}
                    </td>
                    <td>
                      {!u.active ? t('users.inactive') : u.must_change_password ? t('users.pending') : t('users.active')}
                      {u.totp_enabled ? ` · ${t('users.totp_on')}` : ''}
                    </td>
                    <td data-testid="user-email">{shownEmail(u)}</td>
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

/** A user's roles awaiting approval, in the roles cell, with Approve and Reject. */
function PendingRoles({
  u,
  roleLabel,
  bar,
  busy,
  onDecide,
}: {
  u: UserRow;
  roleLabel: (role: string) => string;
  bar: MessageKey | undefined;
  busy: 'approve' | 'reject' | undefined;
  onDecide: (action: 'approve' | 'reject') => void;
}) {
  const { t } = useI18n();
  const hintId = `pending-hint-${u.id}`;
  return (
    <div class="pending-roles" data-testid="pending-roles">
      <p>
        <strong>{t('users.awaiting')}</strong> {pendingRoles(u).map(roleLabel).join(', ')}
      </p>
      <div class="actions">
        <button
          type="button"
          class="button button-plain button-compact"
          data-testid="approve-roles"
          disabled={bar !== undefined || busy !== undefined}
          aria-describedby={bar ? hintId : undefined}
          onClick={() => onDecide('approve')}
        >
          {busy === 'approve' ? t('users.approving') : t('users.approve')}
        </button>
        <button
          type="button"
          class="button button-plain button-compact"
          data-testid="reject-roles"
          disabled={busy !== undefined}
          onClick={() => onDecide('reject')}
        >
          {busy === 'reject' ? t('users.rejecting') : t('users.reject')}
        </button>
      </div>
      {bar && (
        <p class="field-hint" id={hintId} data-testid="approve-hint">
          {t(bar)}
        </p>
      )}
    </div>
  );
}

function EditUser({ u, onDone }: { u: UserRow; onDone: (saved?: UserRow, email?: string) => void }) {
  const { t, lang } = useI18n();
  const { meta } = useSession();
  const agencies = useAgencies();
  // The roles held and those awaiting approval: both are the user's roles as asked for.
  const start = [...u.roles, ...pendingRoles(u).filter((r) => !u.roles.includes(r))];
  const [roles, setRoles] = useState<string[]>(start);
  const [agency, setAgency] = useState(String(u.agency_id || ''));
  const [active, setActive] = useState(u.active);
  const [email, setEmail] = useState(u.email ?? '');
  const [error, setError] = useState<unknown>(undefined);
  const emailRef = useRef<HTMLInputElement>(null);
  const emailErrors = fieldErrors(error, 'email', t, emailWord(t));
  // A refused address takes the focus, where its error is.
  useEffect(() => {
    if (emailErrors.length) emailRef.current?.focus();
  }, [error]);
  return (
    <tr>
      <td colSpan={7}>
        <form
          class="panel"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setError(undefined);
            const nextEmail = changedEmail(u.email, email);
            const nextRoles = changedRoles(start, roles);
            const accessChanged = nextRoles !== undefined || agency !== String(u.agency_id || '') || active !== u.active;
            try {
              let saved: UserRow | undefined;
              // The address first: when it is refused, nothing else has changed yet.
              if (nextEmail !== undefined) saved = await api.request<UserRow>('PUT', `/users/${u.id}/email`, { email: nextEmail });
              // Only the address changed: no access change to record.
              if (accessChanged || nextEmail === undefined) {
                saved = await api.request<UserRow>('PATCH', `/users/${u.id}`, {
                  roles: nextRoles,
                  agency_id: agency ? Number(agency) : null,
                  active,
                });
              }
              onDone(saved, nextEmail);
            } catch (err) {
              setError(err);
            }
          }}
        >
          <h3>{u.login}</h3>
          <ErrorAlert error={error} />
          {error instanceof ApiError &&
            error.errors.filter((x) => x.field !== 'email').map((x) => <p class="field-error" key={x.field + x.code}>{x.message}</p>)}
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
                  {pendingRoles(u).includes(r.name) && <span class="muted small"> ({t('users.role_awaiting')})</span>}
                </label>
              ))}
            </div>
          </fieldset>
          <EmailField id={`edit-email-${u.id}`} value={email} errors={emailErrors} onInput={setEmail} inputRef={emailRef} />
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
            <button type="button" class="button button-plain" onClick={() => onDone()}>{t('form.cancel')}</button>
          </div>
        </form>
        {/* Field work offline: the user's registered devices, revoked from here (docs/offline.md). */}
        <UserDevices userId={u.id} />
      </td>
    </tr>
  );
}
