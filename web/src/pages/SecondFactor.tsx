import { useState } from 'preact/hooks';
import { api, ApiError, type TotpSetup, type User } from '../api';
import { Alert } from '../components/Alert';
import { Field } from '../components/Field';
import { Layout } from '../components/Layout';
import { QrCode } from '../components/QrCode';
import { useI18n } from '../i18n/context';
import { errorMessage, fieldErrorMessage } from '../messages';

interface Props {
  user: User;
  onEnrolled: () => void;
  onSignOut: () => void;
  focusHeading?: boolean;
}

/** Set-up of the second factor: scan the QR code (or type the key) in an authenticator app, enter a code. */
export function SecondFactor({ user, onEnrolled, onSignOut, focusHeading = false }: Props) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      setSetup(await api.totpSetup());
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  }

  async function confirm(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.totpConfirm(code.replace(/\s/g, ''));
      onEnrolled();
    } catch (err) {
      setError(err);
      setCode('');
      setBusy(false);
      document.getElementById('code')?.focus();
    }
  }

  const codeErrors =
    error instanceof ApiError ? error.fieldErrors('code').map((fe) => fieldErrorMessage(fe, t)) : [];
  const generalError = error != null && codeErrors.length === 0;

  return (
    <Layout title={t('totp.title')} focusHeading={focusHeading} user={user} onSignOut={onSignOut}>
      <div class="panel narrow">
        {generalError && (
          <Alert kind="error">
            <p>{errorMessage(error, t)}</p>
          </Alert>
        )}
        <p>{t('totp.intro')}</p>
        {!setup ? (
          <button type="button" class="button" onClick={() => void start()} disabled={busy}>
            {t('totp.start')}
          </button>
        ) : (
          <form method="post" onSubmit={confirm} noValidate aria-busy={busy}>
            <ol class="steps">
              <li>
                <p>{t('totp.scan')}</p>
                <QrCode value={setup.uri} label={t('totp.qr_label')} />
                <p>
                  {t('totp.key')} <code class="secret" data-testid="totp-secret">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
                </p>
              </li>
              <li>
                <Field
                  id="code"
                  label={t('totp.code')}
                  value={code}
                  onInput={setCode}
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  maxLength={7}
                  errors={codeErrors}
                />
              </li>
            </ol>
            <button type="submit" class="button" disabled={busy}>
              {busy ? t('totp.confirming') : t('totp.confirm')}
            </button>
          </form>
        )}
      </div>
    </Layout>
  );
}
