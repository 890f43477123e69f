import type { User } from '../api';
import { Alert } from '../components/Alert';
import { Layout } from '../components/Layout';
import { hasKey } from '../i18n';
import { useI18n } from '../i18n/context';

interface Props {
  user: User;
  onSignOut: () => void;
  notice?: string | undefined;
  focusHeading?: boolean;
}

export function Home({ user, onSignOut, notice, focusHeading = false }: Props) {
  const { t } = useI18n();
  const roleName = (role: string) => {
    const key = `role.${role}`;
    return hasKey(key) ? t(key) : role;
  };
  return (
    <Layout title={t('home.title')} user={user} onSignOut={onSignOut} focusHeading={focusHeading}>
      {notice && <Alert kind="success">{notice}</Alert>}
      <section class="panel">
        <p class="welcome" data-testid="welcome">
          {t('home.welcome', { name: user.display_name })}
        </p>
        <p class="muted">{t('home.login', { login: user.login })}</p>
        <h2>{t('home.roles')}</h2>
        {user.roles.length > 0 ? (
          <ul class="roles" data-testid="roles">
            {user.roles.map((r) => (
              <li key={r} data-role={r}>
                {roleName(r)}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('home.no_roles')}</p>
        )}
      </section>
    </Layout>
  );
}
