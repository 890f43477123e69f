import type { User } from '../api';
import { Layout } from '../components/Layout';
import { useI18n } from '../i18n/context';
import { onLinkClick, ROUTES } from '../router';

interface Props {
  user: User;
  onSignOut: () => void;
  focusHeading?: boolean;
}

export function NotFound({ user, onSignOut, focusHeading = false }: Props) {
  const { t } = useI18n();
  return (
    <Layout title={t('notfound.title')} user={user} onSignOut={onSignOut} focusHeading={focusHeading}>
      <p>{t('notfound.body')}</p>
      <p>
        <a href={ROUTES.home} onClick={onLinkClick}>
          {t('nav.home')}
        </a>
      </p>
    </Layout>
  );
}
