import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR } from '../src/api';
import { translator } from '../src/i18n';
import { checkPasswordForm, codePointLength, errorMessage, fieldErrorMessage } from '../src/messages';

const az = translator('az');
const en = translator('en');

describe('errorMessage', () => {
  it('translates known problem codes', () => {
    const e = new ApiError({ status: 401, code: 'auth.invalid_credentials', detail: 'The login or the password is wrong.' });
    expect(errorMessage(e, az)).toBe('İstifadəçi adı və ya şifrə yanlışdır.');
    expect(errorMessage(e, en)).toBe('The login or the password is wrong.');
  });

  it('falls back to the server detail, then the title, then a generic message', () => {
    expect(errorMessage(new ApiError({ status: 409, code: 'user.login_taken', detail: 'Taken.' }), en)).toBe('Taken.');
    expect(errorMessage(new ApiError({ status: 500, code: 'http.500', title: 'Internal' }), en)).toBe('Internal');
    expect(errorMessage(new ApiError({ status: 500, code: 'http.500' }), en)).toBe(en('error.unknown'));
    expect(errorMessage(new Error('boom'), en)).toBe(en('error.unknown'));
  });

  it('says how long a lockout lasts, in whole minutes', () => {
    const locked = new ApiError({ status: 429, code: 'auth.locked', retryAfter: 900 });
    expect(errorMessage(locked, en)).toContain('15 min');
    expect(errorMessage(locked, az)).toContain('15 dəqiqədən sonra');
    const short = new ApiError({ status: 429, code: 'auth.locked', retryAfter: 5 });
    expect(errorMessage(short, en)).toContain('1 min');
    const throttled = new ApiError({ status: 429, code: 'auth.throttled', retryAfter: 120 });
    expect(errorMessage(throttled, en)).toBe(en('error.auth.throttled', { minutes: 2 }));
    const unknown429 = new ApiError({ status: 429, code: 'http.429' });
    // Another bound than sign-in's is not called a locked account.
    expect(errorMessage(unknown429, en)).toBe(en('error.too_many_requests', { minutes: 1 }));
    const searches = new ApiError({ status: 429, code: 'linkage.throttled', retryAfter: 3600 });
    expect(errorMessage(searches, az)).toBe(az('error.linkage.throttled', { minutes: 60 }));
  });

  it('says the database did not answer (a failover), and that a write may not have been saved', () => {
    const e = new ApiError({ status: 503, code: 'service.unavailable', retryAfter: 2 });
    expect(errorMessage(e, az)).toBe(
      'Verilənlər bazası cavab vermədi. Göndərdiyiniz məlumat saxlanılmamış ola bilər: yenidən göndərməzdən əvvəl yoxlayın.',
    );
    expect(errorMessage(e, en)).toContain('may not have been saved');
  });

  it('has a message for network failures', () => {
    expect(errorMessage(new ApiError({ status: 0, code: NETWORK_ERROR }), en)).toBe(en('error.network'));
  });
});

describe('fieldErrorMessage', () => {
  it('translates known codes and keeps the server message otherwise', () => {
    expect(fieldErrorMessage({ field: 'new_password', code: 'too_short', message: 'x' }, en)).toBe(
      'Must be at least 12 characters.',
    );
    expect(fieldErrorMessage({ field: 'f', code: 'weird', message: 'is weird' }, en)).toBe('is weird');
    expect(fieldErrorMessage({ field: 'f', code: 'weird', message: '' }, en)).toBe('weird');
  });
});

describe('checkPasswordForm', () => {
  it('accepts a good form', () => {
    expect(checkPasswordForm({ current: 'one-time-pw', next: 'correct horse battery', repeat: 'correct horse battery' })).toEqual({});
  });

  it('requires every field', () => {
    expect(checkPasswordForm({ current: '', next: '', repeat: '' })).toEqual({
      current_password: 'field.required',
      new_password: 'field.required',
      repeat: 'field.required',
    });
  });

  it('checks length in code points, equality with the repeat, and change', () => {
    expect(checkPasswordForm({ current: 'a', next: 'short', repeat: 'short' }).new_password).toBe('field.too_short');
    // 12 Azerbaijani letters are 12 characters even though they take more bytes.
    expect(codePointLength('əğıöüçşəğıöü')).toBe(12);
    expect(checkPasswordForm({ current: 'a', next: 'əğıöüçşəğıöü', repeat: 'əğıöüçşəğıöü' })).toEqual({});
    expect(codePointLength('😀😀')).toBe(2);
    expect(checkPasswordForm({ current: 'a', next: 'long enough pw', repeat: 'long enough pX' }).repeat).toBe(
      'field.repeat_mismatch',
    );
    expect(checkPasswordForm({ current: 'same password!', next: 'same password!', repeat: 'same password!' }).new_password).toBe(
      'field.unchanged',
    );
  });
});
