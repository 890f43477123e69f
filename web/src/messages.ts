// Wording of API failures for the user: a translated message by problem code when we have one,
// otherwise the server's own `detail`.
import { ApiError, NETWORK_ERROR, type FieldError } from './api';
import { hasKey, type MessageKey, type Translate } from './i18n';

export const MIN_PASSWORD_LENGTH = 12;

function minutes(seconds: number | undefined): number {
  return Math.max(1, Math.ceil((seconds ?? 60) / 60));
}

export function errorMessage(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('error.unknown');
  if (error.code === NETWORK_ERROR) return t('error.network');
  const key = `error.${error.code}`;
  if (error.status === 429 && (error.code === 'auth.throttled' || error.code === 'auth.locked')) {
    const k: MessageKey = error.code === 'auth.throttled' ? 'error.auth.throttled' : 'error.auth.locked';
    return t(k, { minutes: minutes(error.retryAfter) });
  }
  if (error.status === 429) return t(hasKey(key) ? key : 'error.too_many_requests', { minutes: minutes(error.retryAfter) });
  if (hasKey(key)) return t(key);
  return error.detail || error.title || t('error.unknown');
}

export function fieldErrorMessage(error: FieldError, t: Translate): string {
  const key = `field.${error.code}`;
  if (hasKey(key)) return t(key, { min: MIN_PASSWORD_LENGTH });
  return error.message || error.code;
}

/** Number of Unicode code points, as the server counts a password's length. */
export function codePointLength(s: string): number {
  return Array.from(s).length;
}

export interface PasswordForm {
  current: string;
  next: string;
  repeat: string;
}

/** Client-side checks before POST /auth/password: field name -> message key. */
export function checkPasswordForm(f: PasswordForm): Partial<Record<'current_password' | 'new_password' | 'repeat', MessageKey>> {
  const errors: Partial<Record<'current_password' | 'new_password' | 'repeat', MessageKey>> = {};
  if (f.current === '') errors.current_password = 'field.required';
  if (f.next === '') errors.new_password = 'field.required';
  else if (codePointLength(f.next) < MIN_PASSWORD_LENGTH) errors.new_password = 'field.too_short';
  else if (f.next === f.current) errors.new_password = 'field.unchanged';
  if (f.repeat === '') errors.repeat = 'field.required';
  else if (f.repeat !== f.next) errors.repeat = 'field.repeat_mismatch';
  return errors;
}
