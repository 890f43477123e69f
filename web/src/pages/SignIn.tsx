import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type Session } from '../api';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { Layout } from '../components/Layout';
import { useI18n } from '../i18n/context';
import { errorMessage, fieldErrorMessage } from '../messages';

interface Props {
  onSignedIn: (session: Session) => void;
  /** A message carried over from before (e.g. "your session has ended"). */
  notice?: string | undefined;
  focusHeading?: boolean;
}

export function SignIn({ onSignedIn, notice, focusHeading = false }: Props) {
  const { t } = useI18n();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  // Shown once the server asks for a code (the user has a second factor).
  const [needsCode, setNeedsCode] = useState(false);
  const [totp, setTotp] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const totpRef = useRef<HTMLInputElement>(null);

  const fieldErrors = (field: string) =>
    error instanceof ApiError ? error.fieldErrors(field).map((e) => fieldErrorMessage(e, t)) : [];

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const session = await api.login(login.trim(), password, needsCode ? totp.replace(/\s/g, '') : undefined);
      onSignedIn(session);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'auth.totp_required') {
        // The password was right; ask for the code, keep the rest.
        setNeedsCode(true);
        setError(null);
        setTimeout(() => totpRef.current?.focus(), 0);
        return;
      }
      setError(err);
      setTotp('');
      // With the code asked for, the password was right a moment ago: a refusal now is (most
      // likely) the code, which the server does not single out (no oracle). Keep the password.
      if (needsCode && err instanceof ApiError && err.code === 'auth.invalid_credentials') {
        totpRef.current?.focus();
        return;
      }
      setPassword('');
      passwordRef.current?.focus();
    }
  }

  return (
    <Layout title={t('signin.title')} focusHeading={focusHeading}>
      <div class="panel narrow">
        {notice && !error && <Alert kind="info">{notice}</Alert>}
        {error != null && (
          <Alert kind="error">
            <p>
              {needsCode && error instanceof ApiError && error.code === 'auth.invalid_credentials'
                ? t('error.auth.invalid_with_code')
                : errorMessage(error, t)}
            </p>
            {error instanceof ApiError && error.requestId && (
              <p class="request-id">{t('error.request_id', { id: error.requestId })}</p>
            )}
          </Alert>
        )}
        <p>{t('signin.intro')}</p>
        <form method="post" onSubmit={submit} noValidate aria-busy={busy}>
          <Field
            id="login"
            label={t('signin.login')}
            value={login}
            onInput={setLogin}
            autoComplete="username"
            errors={fieldErrors('login')}
          />
          <Field
            id="password"
            label={t('signin.password')}
            type="password"
            value={password}
            onInput={setPassword}
            autoComplete="current-password"
            errors={fieldErrors('password')}
            inputRef={passwordRef}
          />
          {needsCode && (
            <Field
              id="totp"
              label={t('signin.totp')}
              hint={t('signin.totp_hint')}
              value={totp}
              onInput={setTotp}
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={7}
              errors={fieldErrors('totp')}
              inputRef={totpRef}
            />
          )}
          <button type="submit" class="button" disabled={busy}>
            {busy ? t('signin.submitting') : t('signin.submit')}
          </button>
        </form>
      </div>
    </Layout>
  );
}
