// The header's bell: a link to the notifications page with the unread count. It asks the server
// for the count (GET /notifications?unread=true&limit=1) when a page opens, every minute while the
// tab is visible, and when the tab becomes visible again; the notifications page changes it at
// once when it marks some read.
import { useContext, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useI18n } from '../i18n/context';
import { badgeText, knownUnread, notificationsPath, onUnread, setUnread, unreadVersion, type NotificationPage } from '../notifications';
import { onLinkClick, usePath } from '../router';
import { SessionContext } from '../session';

const POLL_MS = 60_000;
export const NOTIFICATIONS_PATH = '/notifications';

export function NotificationBell() {
  const { t } = useI18n();
  const session = useContext(SessionContext);
  const user = session?.user.id;
  const path = usePath();
  const [unread, setShown] = useState<number | undefined>(() => (user === undefined ? undefined : knownUnread(user)));

  useEffect(() => onUnread(setShown), []);

  useEffect(() => {
    if (user === undefined) return;
    let live = true;
    const poll = () => {
      if (document.visibilityState === 'hidden') return;
      const version = unreadVersion();
      api.request<NotificationPage>('GET', notificationsPath({ unread: true, limit: 1 })).then(
        (r) => live && typeof r?.unread === 'number' && setUnread(user, r.unread, version),
        () => undefined, // signed out or offline: the bell keeps what it showed
      );
    };
    poll();
    const timer = window.setInterval(poll, POLL_MS);
    const onVisibility = () => {
      if (document.visibilityState === 'visible') poll();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      live = false;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [user, path]);

  if (user === undefined) return null;
  const badge = badgeText(unread ?? 0);
  const name = unread && unread > 0 ? t('bell.unread', { n: unread }) : t('bell.none');
  return (
    <a
      href={NOTIFICATIONS_PATH}
      onClick={onLinkClick}
      class={badge ? 'bell has-unread' : 'bell'}
      aria-label={name}
      title={name}
      aria-current={path === NOTIFICATIONS_PATH ? 'page' : undefined}
      data-testid="bell"
      data-unread={unread === undefined ? undefined : unread}
    >
      <svg class="bell-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6v-5a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"
        />
      </svg>
      {badge && (
        <span class="bell-count" aria-hidden="true">
          {badge}
        </span>
      )}
    </a>
  );
}
