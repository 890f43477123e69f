// Devices for field work offline (docs/offline.md): what registering does, registering THIS browser
// (a name and a PIN typed twice: the PIN never leaves the browser), this device's state, and the
// user's devices with their state and a revoke (confirmed; revoking this one wipes it here).
// DeviceList is also the administrator's, in a user's edit panel (pages/admin/Users.tsx).
import { useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { formatDate, formatDateTime } from '../format';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n';
import { errorMessage } from '../messages';
import { checkRegisterForm, deviceStateKey, fromEpochSeconds, type DeviceRow, type RegisterErrors } from '../offline/logic';
import { isMine, offlineAvailable, registerDevice, revokeDevice, useOfflineView } from '../offline/runtime';
import { onLinkClick } from '../router';
import { PIN_MIN_LENGTH } from '../offline/crypto';
import { useLoad, useSession } from '../session';

function when(seconds: number, lang: 'az' | 'en' | 'ru'): string {
  const iso = fromEpochSeconds(seconds);
  return iso ? formatDateTime(iso, lang) : '—';
}

export function Devices() {
  const { t, lang } = useI18n();
  const { user, meta, offline, offlineMode } = useSession();
  const v = useOfflineView();
  const [tick, setTick] = useState(0);
  const [registered, setRegistered] = useState(false);
  const list = useLoad(
    () => (offlineMode ? Promise.resolve({ items: [] as DeviceRow[] }) : api.request<{ items: DeviceRow[] }>('GET', '/devices')),
    [tick, offlineMode, v.info?.deviceId],
  );
  const mine = isMine(v) ? v.info : undefined;
  const types = offline?.types ?? [];
  const row = mine ? list.data?.items.find((d) => d.id === mine.deviceId) : undefined;
  return (
    <Page title={t('devices.title')}>
      <p data-testid="devices-intro">{t('devices.intro')}</p>
      {types.length > 0 && (
        <p class="muted">
          {t('devices.types', { types: types.map((x) => meta.type(x)).filter((x) => !!x).map((x) => x!.label[lang] || x!.label.az).join(', ') })}
        </p>
      )}
      <section class="panel offline-panel" aria-labelledby="this-device-h" data-testid="this-device">
        <h2 id="this-device-h">{t('devices.this')}</h2>
        {registered && mine && (
          <Alert kind="success">
            <p data-testid="device-registered">{t('devices.registered')}</p>
          </Alert>
        )}
        {!v.ready ? (
          <Loading />
        ) : mine ? (
          <dl class="record-values device-facts">
            {row && (
              <div>
                <dt>{t('devices.name')}</dt>
                <dd data-testid="this-device-name">{row.name}</dd>
              </div>
            )}
            <div>
              <dt>{t('devices.lock_state')}</dt>
              <dd data-testid="this-device-lock">{v.locked ? t('offline.locked') : t('offline.unlocked')}</dd>
            </div>
            <div>
              <dt>{t('devices.last_sync')}</dt>
              <dd data-testid="this-device-sync">{mine.lastSync ? formatDateTime(mine.lastSync, lang) : t('devices.never')}</dd>
            </div>
            <div>
              <dt>{t('devices.waiting')}</dt>
              <dd data-testid="this-device-waiting">{v.status?.waiting ?? 0}</dd>
            </div>
            <div>
              <dt>{t('devices.expires')}</dt>
              <dd data-testid="this-device-expires">
                {formatDate(mine.expiresAt.slice(0, 10), lang)}
                {mine.expired && <span class="muted"> ({t('devices.state_expired')})</span>}
              </dd>
            </div>
          </dl>
        ) : v.info ? (
          <p data-testid="other-users-device">{t('devices.other_user')}</p>
        ) : !offlineAvailable() ? (
          <p>{t('devices.unsupported')}</p>
        ) : types.length === 0 ? (
          <p>{t('devices.no_types')}</p>
        ) : offlineMode ? (
          <p>{t('offline.unlock_needs_network')}</p>
        ) : (
          <RegisterForm
            onRegistered={async (name, pin) => {
              await registerDevice(user, meta, offline!, name, pin);
              setRegistered(true);
              setTick((n) => n + 1);
            }}
          />
        )}
        {mine && (
          <p>
            <a href="/sync" onClick={onLinkClick}>
              {t('offline.sync_page')}
            </a>
          </p>
        )}
      </section>
      {!offlineMode && (
        <section aria-labelledby="devices-list-h">
          <h2 id="devices-list-h">{t('devices.list')}</h2>
          <DeviceListView
            loaded={list}
            thisDevice={mine?.deviceId}
            onRevoke={async (d, reason) => {
              await revokeDevice(d.id, reason);
              setTick((n) => n + 1);
            }}
          />
        </section>
      )}
    </Page>
  );
}

function RegisterForm({ onRegistered }: { onRegistered: (name: string, pin: string) => Promise<void> }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<RegisterErrors>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const field = (id: keyof RegisterErrors, inputId: string, labelKey: MessageKey, value: string, set: (s: string) => void, type: 'text' | 'password', hint?: MessageKey) => {
    const err = errors[id];
    const describedBy = [hint ? `${inputId}-hint` : '', err ? `${inputId}-error` : ''].filter(Boolean).join(' ') || undefined;
    const aria = { 'aria-invalid': err ? true : undefined, 'aria-describedby': describedBy };
    const onInput = (e: Event) => set((e.currentTarget as HTMLInputElement).value);
    return (
      <div class={err ? 'field field-invalid' : 'field'}>
        <label for={inputId}>{t(labelKey)}</label>
        {hint && (
          <p class="field-hint" id={`${inputId}-hint`}>
            {t(hint, { min: PIN_MIN_LENGTH })}
          </p>
        )}
        {err && (
          <p class="field-error" id={`${inputId}-error`} data-testid={`${inputId}-error`}>
            {t(err, { min: PIN_MIN_LENGTH })}
          </p>
        )}
        {type === 'password' ? (
          <input id={inputId} type="password" autoComplete="new-password" value={value} {...aria} onInput={onInput} />
        ) : (
          <input id={inputId} type="text" autoComplete="off" value={value} {...aria} onInput={onInput} />
        )}
      </div>
    );
  };
  return (
    <form
      ref={form}
      class="narrow-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        const found = checkRegisterForm({ name, pin, repeat });
        setErrors(found);
        const first = (['name', 'pin', 'repeat'] as const).find((k) => found[k]);
        if (first) {
          const id = first === 'name' ? 'device-name' : first === 'pin' ? 'device-pin' : 'device-pin-repeat';
          form.current?.querySelector<HTMLInputElement>(`#${id}`)?.focus();
          return;
        }
        setBusy(true);
        try {
          await onRegistered(name, pin);
        } catch (err) {
          setError(err);
          setBusy(false);
        }
      }}
    >
      <h3>{t('devices.register')}</h3>
      {error !== undefined && (
        <Alert kind="error">
          <p>{error instanceof ApiError ? errorMessage(error, t) : t('devices.register_failed')}</p>
        </Alert>
      )}
      {field('name', 'device-name', 'devices.name', name, setName, 'text', 'devices.name_hint')}
      {field('pin', 'device-pin', 'devices.pin', pin, setPin, 'password', 'devices.pin_hint')}
      {field('repeat', 'device-pin-repeat', 'devices.pin_repeat', repeat, setRepeat, 'password')}
      <button type="submit" class="button" disabled={busy}>
        {busy ? t('devices.registering') : t('devices.register_submit')}
      </button>
    </form>
  );
}

/** A user's devices: state, dates, changes waiting, and a confirmed revoke for the active ones. */
export function DeviceListView({
  loaded,
  thisDevice,
  onRevoke,
}: {
  loaded: { loading: boolean; data?: { items: DeviceRow[] } | undefined; error?: unknown };
  thisDevice?: string | undefined;
  onRevoke: (d: DeviceRow, reason: string) => Promise<void>;
}) {
  const { t, lang } = useI18n();
  const [asking, setAsking] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  if (loaded.loading && !loaded.data) return <Loading />;
  return (
    <>
      <ErrorAlert error={loaded.error ?? error} />
      {done && (
        <Alert kind="success">
          <p data-testid="device-revoked">{t('devices.revoked_done', { name: done })}</p>
        </Alert>
      )}
      {loaded.data && loaded.data.items.length === 0 && <p class="muted">{t('devices.none')}</p>}
      {loaded.data && loaded.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="devices">
            <thead>
              <tr>
                <th scope="col">{t('devices.name')}</th>
                <th scope="col">{t('devices.state')}</th>
                <th scope="col">{t('devices.registered_at')}</th>
                <th scope="col">{t('devices.last_sync')}</th>
                <th scope="col">{t('devices.waiting')}</th>
                <th scope="col">{t('devices.expires')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('devices.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.items.map((d) => (
                <tr key={d.id} data-device={d.id} data-state={d.state}>
                  <td>
                    {d.name} {d.id === thisDevice && <span class="state">{t('devices.this_one')}</span>}
                  </td>
                  <td data-testid="device-state">{t(deviceStateKey(d.state))}</td>
                  <td>{when(d.created_at, lang)}</td>
                  <td>{when(d.last_sync_at, lang)}</td>
                  <td>{d.pending}</td>
                  <td>{d.state === 'active' ? when(d.expires_at, lang) : '—'}</td>
                  <td>
                    {d.state === 'active' && asking !== d.id && (
                      <button
                        type="button"
                        class="link-button"
                        data-action="revoke-device"
                        onClick={() => {
                          setAsking(d.id);
                          setReason('');
                          setError(undefined);
                          setDone(undefined);
                        }}
                      >
                        {t('devices.revoke')}
                        <span class="visually-hidden">: {d.name}</span>
                      </button>
                    )}
                    {asking === d.id && (
                      <form
                        class="revoke-confirm"
                        data-testid="revoke-confirm"
                        onSubmit={async (e) => {
                          e.preventDefault();
                          setBusy(true);
                          setError(undefined);
                          try {
                            await onRevoke(d, reason.trim());
                            setAsking(undefined);
                            setDone(d.name);
                          } catch (err) {
                            setError(err);
                          } finally {
                            setBusy(false);
                          }
                        }}
                      >
                        <p>
                          <strong>{t('devices.revoke_question', { name: d.name })}</strong>
                        </p>
                        <p class="small">{d.id === thisDevice ? t('devices.revoke_this_warning') : t('devices.revoke_warning')}</p>
                        <label for={`revoke-reason-${d.id}`}>{t('devices.revoke_reason')}</label>
                        <input id={`revoke-reason-${d.id}`} type="text" value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
                        <div class="actions">
                          <button type="submit" class="button button-compact" data-action="confirm-revoke" disabled={busy}>
                            {t('devices.revoke_confirm')}
                          </button>
                          <button type="button" class="button button-plain button-compact" onClick={() => setAsking(undefined)}>
                            {t('form.cancel')}
                          </button>
                        </div>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The administrator's view of a user's devices (in the user's edit panel): list and revoke. */
export function UserDevices({ userId }: { userId: number }) {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const list = useLoad(() => api.request<{ items: DeviceRow[] }>('GET', `/devices?user_id=${userId}`), [userId, tick]);
  return (
    <section class="user-devices" aria-labelledby={`user-devices-${userId}`} data-testid="user-devices">
      <h4 id={`user-devices-${userId}`}>{t('devices.of_user')}</h4>
      <DeviceListView
        loaded={list}
        onRevoke={async (d, reason) => {
          await api.request('POST', `/devices/${encodeURIComponent(d.id)}/revoke`, reason ? { reason } : {});
          setTick((n) => n + 1);
        }}
      />
    </section>
  );
}
