// The signed-in user's notifications, newest first: the message in the page's language, the
// record it is about (type and number, a link), when; unread ones stand out. Following a link
// marks that one read; a button marks them all read; "more" pages back with `before`.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Alert } from '../components/Alert';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { displayDateTime } from '../dates';
import { formatNumber } from '../format';
import { useI18n } from '../i18n/context';
import { label } from '../meta';
import {
  appendPage,
  markShown,
  notificationHref,
  notificationInstant,
  notificationsPath,
  setUnread,
  type Notification,
  type NotificationPage,
} from '../notifications';
import { navigate } from '../router';
import { useSession } from '../session';

const PAGE = 20;

export function Notifications() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [items, setItems] = useState<Notification[]>([]);
  const [next, setNext] = useState<number | undefined>(undefined);
  const [unread, setUnreadShown] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState('');

  const load = async (before?: number) => {
    setLoading(true);
    setError(undefined);
    try {
      const r = await api.request<NotificationPage>('GET', notificationsPath({ before, limit: PAGE }));
      setItems((shown) => (before === undefined ? r.items : appendPage(shown, r.items)));
      setNext(r.next_before);
      setUnreadShown(r.unread);
      setUnread(user.id, r.unread);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Marks some (or, without ids, all) read; the bell follows the server's new count. */
  const mark = async (ids?: number[]) => {
    const r = await api.request<{ marked: number; unread: number }>('POST', '/notifications/read', ids ? { ids } : { all: true });
    setItems((shown) => markShown(shown, ids));
    setUnreadShown(r.unread);
    setUnread(user.id, r.unread);
  };

  /** Follows a notification's link: an unread one is marked read first (then the page changes). */
  const open = async (e: MouseEvent, n: Notification) => {
    const plain = !(e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey);
    if (plain) e.preventDefault();
    if (!n.read) {
      try {
        await mark([n.id]);
      } catch {
        // The record opens all the same; the notification stays unread.
      }
    }
    if (plain) navigate(notificationHref(n));
  };

  return (
    <Page title={t('notifications.title')}>
      <div class="toolbar notifications-toolbar">
        <p class="muted" aria-live="polite" data-testid="notifications-unread">
          {t('notifications.unread', { n: formatNumber(unread, lang) })}
        </p>
        <button
          type="button"
          class="button button-plain"
          data-action="mark-all-read"
          disabled={unread === 0}
          onClick={async () => {
            setDone('');
            setError(undefined);
            try {
              await mark();
              setDone(t('notifications.marked_all'));
            } catch (err) {
              setError(err);
            }
          }}
        >
          {t('notifications.mark_all')}
        </button>
      </div>
      {done && <Alert kind="success">{done}</Alert>}
      <ErrorAlert error={error} />
      {!loading && !error && items.length === 0 && <p data-testid="notifications-empty">{t('notifications.none')}</p>}
      {items.length > 0 && (
        <ul class="notification-list" data-testid="notifications">
          {items.map((n) => {
            const at = notificationInstant(n.created_at);
            return (
              <li key={n.id} class={n.read ? 'notification' : 'notification unread'} data-notification={n.id} data-kind={n.kind} data-read={String(n.read)}>
                <p class="notification-message">
                  {!n.read && <span class="badge badge-new">{t('notifications.new')}</span>}
                  {label(n.message, lang)}
                </p>
                <p class="notification-meta">
                  <a href={notificationHref(n)} onClick={(e) => void open(e, n)}>
                    {n.record_id
                      ? t('notifications.record', { type: label(n.record_type_label, lang), id: n.record_id })
                      : label(n.record_type_label, lang)}
                  </a>
                  {at && (
                    <time class="muted" dateTime={at}>
                      {displayDateTime(at)}
                    </time>
                  )}
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {loading && <Loading />}
      {!loading && next !== undefined && (
        <button type="button" class="button button-plain" data-action="more" onClick={() => void load(next)}>
          {t('notifications.more')}
        </button>
      )}
    </Page>
  );
}
