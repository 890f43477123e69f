// The field device's state under the header, on every page once a device of the user is registered
// in this browser (docs/offline.md, "Status, always visible"): online or not, the changes waiting,
// what needs the user (a link to the sync page), the last sync, locked or not — with the PIN form
// to unlock and "sync now". Also what happened last (synced; wiped after a revocation).
import { useRef, useState } from 'preact/hooks';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n/context';
import { checkPinText } from '../offline/logic';
import { isMine, setNotice, syncNow, tryReconnect, unlockDevice, useOfflineView } from '../offline/runtime';
import { onLinkClick } from '../router';

export function SyncStatus() {
  const { t, lang } = useI18n();
  const v = useOfflineView();
  if (!v.ready) return null;
  const mine = isMine(v) && v.info;
  if (!mine && !v.notice) return null;
  const status = v.status;
  return (
    <section class="sync-bar" aria-label={t('offline.bar_label')} data-testid="sync-bar">
      <div class="container sync-row">
        {mine && (
          <>
            <span class={v.online ? 'sync-online' : 'sync-offline'} data-testid="sync-connection" data-online={v.online ? 'true' : 'false'}>
              {v.online ? t('offline.online') : t('offline.offline')}
            </span>
            <span data-testid="sync-waiting" data-n={status?.waiting ?? 0}>
              {t('offline.waiting', { n: status?.waiting ?? 0 })}
            </span>
            {(status?.needsUser ?? 0) > 0 && (
              <a href="/sync" onClick={onLinkClick} class="sync-needs-you" data-testid="sync-needs-you">
                {t('offline.needs_you', { n: status?.needsUser ?? 0 })}
              </a>
            )}
            <span data-testid="sync-last">
              {mine.lastSync ? t('offline.last_sync', { at: formatDateTime(mine.lastSync, lang) }) : t('offline.never_synced')}
            </span>
            <span data-testid="sync-lock" data-locked={v.locked ? 'true' : 'false'}>
              {v.locked ? t('offline.locked') : t('offline.unlocked')}
            </span>
            {mine.expired && <span class="sync-expired">{t('offline.expired_note')}</span>}
            {v.locked && v.connected && v.online && <UnlockForm />}
            {v.locked && (!v.connected || !v.online) && <span class="muted small">{t('offline.unlock_needs_network')}</span>}
            {!v.connected && (
              <button type="button" class="button button-plain button-compact" data-action="reconnect" onClick={tryReconnect}>
                {t('offline.reconnect')}
              </button>
            )}
            {!v.locked && v.connected && (
              <button
                type="button"
                class="button button-plain button-compact"
                data-action="sync-now"
                disabled={v.syncing || !v.online}
                onClick={() => void syncNow()}
              >
                {v.syncing ? t('offline.syncing') : t('offline.sync_now')}
              </button>
            )}
            <a href="/sync" onClick={onLinkClick} data-testid="sync-page-link">
              {t('offline.sync_page')}
            </a>
          </>
        )}
        {v.notice && (
          <div
            class={`sync-notice sync-notice-${v.notice.kind}`}
            role={v.notice.kind === 'error' ? 'alert' : 'status'}
            data-testid="sync-notice"
            data-kind={v.notice.kind}
          >
            <span>{t(v.notice.key, v.notice.params)}</span>{' '}
            <button type="button" class="link-button" onClick={() => setNotice(undefined)} aria-label={t('offline.notice_close')}>
              ×
            </button>
          </div>
        )}
      </div>
    </section>
  );
}

/** The PIN form that unlocks the device (POST /devices/{id}/unlock for W, then the PIN). */
export function UnlockForm() {
  const { t } = useI18n();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ReturnType<typeof checkPinText>>(undefined);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const errorId = 'unlock-pin-error';
  return (
    <form
      class="unlock-form"
      noValidate
      data-testid="unlock-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const bad = checkPinText(pin);
        if (bad) {
          setError(bad);
          input.current?.focus();
          return;
        }
        setBusy(true);
        setError(undefined);
        const why = await unlockDevice(pin);
        setBusy(false);
        setPin('');
        if (why) {
          setError(why);
          input.current?.focus();
        }
      }}
    >
      <label for="unlock-pin">{t('offline.pin_label')}</label>
      <input
        id="unlock-pin"
        ref={input}
        type="password"
        autoComplete="off"
        class="short"
        value={pin}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onInput={(e) => setPin((e.currentTarget as HTMLInputElement).value)}
      />
      {/* An <input type="submit">, as the header's search: a page's own form stays the first
          "form button[type=submit]" (the browser tests press it so). */}
      <input type="submit" class="button button-compact" disabled={busy} data-action="unlock" value={busy ? t('offline.unlocking') : t('offline.unlock')} />
      {error && (
        <span class="field-error" id={errorId} data-testid="unlock-error">
          {t(error)}
        </span>
      )}
    </form>
  );
}
