import { describe, expect, it } from 'vitest';
import { matchRoute } from '../src/router';
import { translate } from '../src/i18n';
import {
  appendPage,
  badgeText,
  forgetUnread,
  knownUnread,
  markShown,
  notificationHref,
  notificationInstant,
  notificationsPath,
  onUnread,
  setUnread,
  unreadVersion,
  type Notification,
} from '../src/notifications';

const n = (id: number, read = false, type = 'referral'): Notification => ({
  id,
  kind: type === 'referral' ? 'referral_received' : 'case_assigned',
  record_type: type,
  record_type_label: { az: 'Yönləndirmə', en: 'Referral', ru: 'Направление' },
  record_id: 100 + id,
  created_at: Date.UTC(2026, 11, 7, 10, 15),
  read,
  message: { az: 'Qurumunuza yönləndirmə daxil olub', en: 'A referral was sent to your agency' },
});

describe('notifications', () => {
  it('are asked for by page: unread only, before an id, a limit', () => {
    expect(notificationsPath()).toBe('/notifications');
    expect(notificationsPath({ unread: true, limit: 1 })).toBe('/notifications?unread=true&limit=1');
    expect(notificationsPath({ before: 41, limit: 20 })).toBe('/notifications?before=41&limit=20');
    expect(notificationsPath({ before: undefined })).toBe('/notifications');
  });
  it('lead to their record', () => {
    expect(notificationHref(n(1))).toBe('/records/referral/101');
    expect(notificationHref({ record_type: 'victim_case', record_id: 5 })).toBe('/records/victim_case/5');
    expect(notificationHref({ record_type: 'criminal_case', record_id: 5 })).toBe('/criminal-cases/5');
    // A periodic return due: the returns page, and only ever a path of this application.
    expect(notificationHref({ record_type: 'return_migration_monthly', record_id: 0, link: '/returns' })).toBe('/returns');
    for (const link of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)'])
      expect(notificationHref({ record_type: 'referral', record_id: 7, link })).toBe('/records/referral/7');
    expect(matchRoute('/notifications')).toEqual({ page: 'notifications' });
  });
  it('give their time (Unix milliseconds) as an instant', () => {
    expect(notificationInstant(Date.UTC(2026, 11, 7, 10, 15))).toBe('2026-12-07T10:15:00.000Z');
    expect(notificationInstant(Number.NaN)).toBe('');
  });
  it('pages append without repeating one', () => {
    expect(appendPage([n(3), n(2)], [n(2), n(1)]).map((x) => x.id)).toEqual([3, 2, 1]);
  });
  it('are marked read: some, or all', () => {
    const shown = [n(3), n(2, true), n(1)];
    expect(markShown(shown, [3]).map((x) => x.read)).toEqual([true, true, false]);
    expect(markShown(shown).map((x) => x.read)).toEqual([true, true, true]);
    expect(markShown(shown, [3])[1]).toBe(shown[1]);
  });
  it('show their unread count on the bell, in words for screen readers', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(2)).toBe('2');
    expect(badgeText(120)).toBe('99+');
    expect(translate('az', 'bell.unread', { n: 2 })).toBe('Bildirişlər: 2 oxunmamış');
    expect(translate('ru', 'bell.unread', { n: 1 })).toBe('Уведомления: 1 непрочитанное');
    expect(translate('ru', 'bell.unread', { n: 5 })).toBe('Уведомления: 5 непрочитанных');
  });
});

describe('the unread count the bell and the page share', () => {
  it('is kept per user and told to the bell', () => {
    const heard: Array<number | undefined> = [];
    const stop = onUnread((u) => heard.push(u));
    setUnread(7, 2);
    expect(knownUnread(7)).toBe(2);
    expect(knownUnread(8)).toBeUndefined();
    forgetUnread();
    expect(knownUnread(7)).toBeUndefined();
    stop();
    setUnread(7, 4);
    expect(heard).toEqual([2, undefined]);
  });
  it('drops a poll asked before the page marked some read', () => {
    setUnread(7, 1, unreadVersion());
    const asked = unreadVersion();
    setUnread(7, 0); // the page marked it read meanwhile
    setUnread(7, 1, asked); // the older poll's answer
    expect(knownUnread(7)).toBe(0);
    setUnread(7, 3, unreadVersion());
    expect(knownUnread(7)).toBe(3);
  });
});
