import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api';
import { LANGS, translator } from '../src/i18n';
import { errorMessage } from '../src/messages';
import { approvalBar, changedEmail, changedRoles, pendingNote, pendingRoles, plausibleEmail, shownEmail } from '../src/pages/admin/Users';

// The two-person rule on the Users page: roles with identity access wait for a second administrator.
const az = translator('az');
const en = translator('en');
const label = (r: string) => ({ case_worker: 'Case worker', hotline_operator: 'Hotline operator' })[r] ?? r;

describe('pending roles', () => {
  it('are none when the server sends none', () => {
    expect(pendingRoles({})).toEqual([]);
    expect(pendingRoles({ pending_roles: [] })).toEqual([]);
    expect(pendingRoles({ pending_roles: ['case_worker'] })).toEqual(['case_worker']);
  });

  it('the administrator who asked may not approve them; another may', () => {
    const u = { id: 7, pending_roles: ['case_worker'], pending_by: 1 };
    expect(approvalBar(u, 1)).toBe('users.approve_other');
    expect(approvalBar(u, 2)).toBeUndefined();
    expect(en(approvalBar(u, 1)!)).toBe('Another administrator must approve the roles you asked for.');
  });

  it('nor may an administrator approve their own roles', () => {
    expect(approvalBar({ id: 2, pending_roles: ['case_worker'], pending_by: 1 }, 2)).toBe('users.approve_own');
  });

  it('nothing to bar when nothing is pending', () => {
    expect(approvalBar({ id: 7, pending_roles: [], pending_by: 0 }, 0)).toBeUndefined();
    expect(approvalBar({ id: 7 }, 1)).toBeUndefined();
  });

  it('the note after a save names the roles awaiting approval, or is empty', () => {
    expect(pendingNote({ pending_roles: ['case_worker', 'hotline_operator'] }, label, en)).toBe(
      "These roles give access to identity data or to administration and await a second administrator's approval: Case worker, Hotline operator. " +
        'Another administrator approves them in the list of users.',
    );
    expect(pendingNote({ pending_roles: ['case_worker'] }, label, az)).toContain('ikinci administratorun təsdiqini gözləyir: Case worker.');
    expect(pendingNote({ pending_roles: [] }, label, en)).toBe('');
    expect(pendingNote({}, label, en)).toBe('');
  });

  it('the labels of the decisions, in Azerbaijani', () => {
    expect(az('users.approve')).toBe('Təsdiq et');
    expect(az('users.reject')).toBe('Rədd et');
    expect(az('users.awaiting')).toBe('İkinci administratorun təsdiqini gözləyir:');
  });
});

describe('the edit form', () => {
  it('sends no roles when the ticked set is the one it started from, in any order', () => {
    expect(changedRoles(['coordinator', 'case_worker'], ['case_worker', 'coordinator'])).toBeUndefined();
    expect(changedRoles([], [])).toBeUndefined();
  });

  it('sends the ticked roles when they changed', () => {
    expect(changedRoles(['coordinator', 'case_worker'], ['coordinator'])).toEqual(['coordinator']);
    expect(changedRoles(['coordinator'], ['coordinator', 'case_worker'])).toEqual(['coordinator', 'case_worker']);
    expect(changedRoles(['case_worker'], [])).toEqual([]);
  });
});

describe('problems of the two-person rule', () => {
  it.each(LANGS)('%s has its own message for each code', (lang) => {
    const t = translator(lang);
    for (const code of ['user.same_administrator', 'user.no_pending_roles', 'user.own_roles']) {
      const detail = 'the server detail';
      expect(errorMessage(new ApiError({ status: code === 'user.no_pending_roles' ? 409 : 403, code, detail }), t)).toBe(
        t(`error.${code}` as Parameters<typeof t>[0]),
      );
    }
  });

  it('says who must approve', () => {
    const e = new ApiError({ status: 403, code: 'user.same_administrator' });
    expect(errorMessage(e, en)).toBe('You asked for these roles; another administrator must approve them.');
    expect(errorMessage(e, az)).toBe('Bu rolları siz istəmisiniz; onları başqa administrator təsdiq etməlidir.');
    expect(errorMessage(new ApiError({ status: 409, code: 'user.no_pending_roles' }), translator('ru'))).toMatch(/^У этого пользователя нет ролей/);
  });
});

describe('the e-mail address', () => {
  it('the list shows it, or a dash when there is none', () => {
    expect(shownEmail({ email: 'leyla@example.az' })).toBe('leyla@example.az');
    expect(shownEmail({ email: '' })).toBe('—');
    expect(shownEmail({})).toBe('—');
  });

  it('takes what the server takes (notify::plausibleAddress), and none', () => {
    for (const a of ['leyla@example.az', 'a.b-c+d@mail.gov.az', '  leyla@example.az ', ''])
      expect(plausibleEmail(a), a).toBe(true);
    for (const a of ['not an address', 'leyla', '@example.az', 'leyla@', 'leyla@example', 'a@b@c.az', 'ley la@example.az',
      'leyla@exam,ple.az', '<leyla@example.az>', 'leylâ@example.az', `${'a'.repeat(250)}@b.az`])
      expect(plausibleEmail(a), a).toBe(false);
  });

  it('the edit form sends the trimmed address only when it changed; "" clears it', () => {
    expect(changedEmail('leyla@example.az', ' leyla@example.az ')).toBeUndefined();
    expect(changedEmail(undefined, '')).toBeUndefined();
    expect(changedEmail('', '  ')).toBeUndefined();
    expect(changedEmail('', ' new@example.az')).toBe('new@example.az');
    expect(changedEmail('leyla@example.az', '')).toBe('');
  });

  it.each(LANGS)('%s words the help and the refusal', (lang) => {
    const t = translator(lang);
    expect(t('users.email_hint')).toMatch(/\S/);
    expect(t('users.email_saved', { login: 'leyla', email: 'leyla@example.az' })).toContain('leyla@example.az');
  });

  it('in Azerbaijani', () => {
    expect(az('users.email')).toBe('E-poçt ünvanı');
    expect(az('users.email_format')).toBe('Bu, e-poçt ünvanı deyil (məsələn, ad@example.az).');
  });
});
