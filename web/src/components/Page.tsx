// A signed-in page: the layout with the session's user, plus loading and error states.
import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../messages';
import { ApiError } from '../api';
import { useSession } from '../session';
import { Layout } from './Layout';
import { Alert } from './Alert';

export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  const { user, onSignOut, focusHeading } = useSession();
  return (
    <Layout title={title} user={user} onSignOut={onSignOut} focusHeading={focusHeading}>
      {children}
    </Layout>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? t('app.loading')}
    </p>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Alert kind="error">
      <p>{notFound ? t('error.not_found') : errorMessage(error, t)}</p>
      {error instanceof ApiError && error.requestId && <p class="request-id">{t('error.request_id', { id: error.requestId })}</p>}
    </Alert>
  );
}
