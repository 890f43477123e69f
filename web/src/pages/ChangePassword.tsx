import { useState } from 'preact/hooks';
import { api, ApiError, type User } from '../api';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { Layout } from '../components/Layout';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n';
import { checkPasswordForm, errorMessage, fieldErrorMessage, MIN_PASSWORD_LENGTH } from '../messages';

interface Props {
  user: User;
  onChanged: () => void;
  onSignOut: () => void;
  focusHeading?: boolean;
}

type FieldName = 'current_password' | 'new_password' | 'repeat';

export function ChangePassword({ user, onChanged, onSignOut, focusHeading = false }: Props) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [clientErrors, setClientErrors] = useState<Partial<Record<FieldName, MessageKey>>>({});
  const [error, setError] = useState<unknown>(null);

  const errorsOf = (field: FieldName): string[] => {
    const out: string[] = [];
    const key = clientErrors[field];
    if (key) out.push(t(key, { min: MIN_PASSWORD_LENGTH }));
    if (error instanceof ApiError) out.push(...error.fieldErrors(field).map((e) => fieldErrorMessage(e, t)));
    return out;
  };

  function focusFirstInvalid(fields: readonly string[]) {
    const first = (['current_password', 'new_password', 'repeat'] as const).find((f) => fields.includes(f));
    if (first) document.getElementById(first)?.focus();
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    const found = checkPasswordForm({ current, next, repeat });
    setClientErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(Object.keys(found));
      return;
    }
    setBusy(true);
    try {
      await api.changePassword(current, next);
      onChanged();
    } catch (err) {
      setError(err);
      setBusy(false);
      if (err instanceof ApiError) focusFirstInvalid(err.errors.map((fe) => fe.field));
    }
  }

  const hasFieldErrors =
    Object.keys(clientErrors).length > 0 || (error instanceof ApiError && error.errors.length > 0);

  return (
    <Layout title={t('password.title')} user={user} onSignOut={onSignOut} focusHeading={focusHeading}>
      <div class="panel narrow">
        {hasFieldErrors ? (
          <Alert kind="error">
            <p>{t('password.fix_errors')}</p>
          </Alert>
        ) : (
          error != null && (
            <Alert kind="error">
              <p>{errorMessage(error, t)}</p>
            </Alert>
          )
        )}
        <p>{t('password.intro')}</p>
        <form method="post" onSubmit={submit} noValidate aria-busy={busy}>
          {/* Lets password managers tie the new password to this account. */}
          <input type="text" name="username" autoComplete="username" value={user.login} hidden readOnly />
          <Field
            id="current_password"
            label={t('password.current')}
            type="password"
            value={current}
            onInput={setCurrent}
            autoComplete="current-password"
            errors={errorsOf('current_password')}
          />
          <Field
            id="new_password"
            label={t('password.new')}
            type="password"
            value={next}
            onInput={setNext}
            autoComplete="new-password"
            hint={t('password.new_hint', { min: MIN_PASSWORD_LENGTH })}
            errors={errorsOf('new_password')}
          />
          <Field
            id="repeat"
            label={t('password.repeat')}
            type="password"
            value={repeat}
            onInput={setRepeat}
            autoComplete="new-password"
            errors={errorsOf('repeat')}
          />
          <button type="submit" class="button" disabled={busy}>
            {busy ? t('password.submitting') : t('password.submit')}
          </button>
        </form>
      </div>
    </Layout>
  );
}
