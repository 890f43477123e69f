// Notifications (docs/records.md, "Notifications"): what the server told the signed-in user of
// (a referral sent to their agency, a case assigned to them), with no field value in it; the
// person opens the record. Pure helpers (unit-tested) and the unread count the header's bell and
// the notifications page share.
import type { Label } from './meta';

/** One notification as GET /api/v1/notifications lists it. */
export interface Notification {
  id: number;
  kind: string;
  record_type: string;
  record_type_label: Label;
  record_id: number;
  /** Unix time in milliseconds. */
  created_at: number;
  read: boolean;
  message: Label;
  /** A page of the app when the notification is about no one record (a periodic return due). */
  link?: string;
}

/** Body of GET /api/v1/notifications. */
export interface NotificationPage {
  items: Notification[];
  unread: number;
  /** Present when there are older ones: the `before` of the next page. */
  next_before?: number;
}

/** The query of one page of notifications. */
export function notificationsPath(opts: { unread?: boolean; before?: number | undefined; limit?: number } = {}): string {
  const q: string[] = [];
  if (opts.unread) q.push('unread=true');
  if (typeof opts.before === 'number') q.push(`before=${opts.before}`);
  if (typeof opts.limit === 'number') q.push(`limit=${opts.limit}`);
  return `/notifications${q.length ? `?${q.join('&')}` : ''}`;
}

/** Where a notification leads: its record's page. */
export function notificationHref(n: Pick<Notification, 'record_type' | 'record_id' | 'link'>): string {
  // Only a path of this application: never another origin ("//host", "https:").
  if (n.link && /^\/(?![/\\])/.test(n.link)) return n.link;
  return n.record_type === 'criminal_case' ? `/criminal-cases/${n.record_id}` : `/records/${n.record_type}/${n.record_id}`;
}

/** The created_at (Unix milliseconds) as an ISO instant, for the app's date-time formatting. */
export function notificationInstant(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** A further page appended to those shown: none twice (a notification that came meanwhile shifts nothing). */
export function appendPage(shown: readonly Notification[], more: readonly Notification[]): Notification[] {
  const seen = new Set(shown.map((n) => n.id));
  return [...shown, ...more.filter((n) => !seen.has(n.id))];
}

/** The notifications shown, some (or, without ids, all) marked read. */
export function markShown(shown: readonly Notification[], ids?: readonly number[]): Notification[] {
  const which = ids ? new Set(ids) : undefined;
  return shown.map((n) => (!n.read && (!which || which.has(n.id)) ? { ...n, read: true } : n));
}

/** The badge's text: the count, "99+" past 99; empty with nothing unread. */
export function badgeText(unread: number): string {
  if (!(unread > 0)) return '';
  return unread > 99 ? '99+' : String(Math.floor(unread));
}

// ---- The unread count, shared by the bell (which polls it) and the page (which changes it) ----

type Listener = (unread: number | undefined) => void;
let known: { user: number; unread: number } | undefined;
// Counts the changes the page made (marking read): a poll asked before one is out of date.
let version = 0;
const listeners = new Set<Listener>();

/** The last unread count known for `user` (undefined before the first answer). */
export function knownUnread(user: number): number | undefined {
  return known && known.user === user ? known.unread : undefined;
}

/** Where the count stands: a poll notes it when it asks, and gives it back with the answer. */
export function unreadVersion(): number {
  return version;
}

/**
 * Records the unread count the server gave for `user`, and tells the bell. A poll's answer
 * (`askedAt`: the version when it asked) is dropped when the count changed since it asked; an
 * answer to marking read (no `askedAt`) always counts.
 */
export function setUnread(user: number, unread: number, askedAt?: number): void {
  if (askedAt !== undefined && askedAt !== version) return;
  if (askedAt === undefined) version++;
  known = { user, unread };
  listeners.forEach((l) => l(unread));
}

/** Calls `l` whenever the count changes; returns the unsubscription. */
export function onUnread(l: Listener): () => void {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

/** Forgets the count (signing out). */
export function forgetUnread(): void {
  known = undefined;
  version++;
  listeners.forEach((l) => l(undefined));
}
