import type { ComponentChildren } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { navItems, offlineNavItems } from '../nav';
import { label } from '../meta';
import { SessionContext } from '../session';
import type { User } from '../api';
import { useI18n } from '../i18n/context';
import { navigate, onLinkClick, ROUTES, usePath } from '../router';
import { searchHref } from '../search';
import { LanguageSwitcher } from './LanguageSwitcher';
import { NotificationBell } from './NotificationBell';
import { SyncStatus } from './SyncStatus';

interface Props {
  /** Page heading; also the document title. */
  title: string;
  user?: User | undefined;
  onSignOut?: (() => void) | undefined;
  /** Move focus to the heading (after an in-app navigation, for screen-reader and keyboard users). */
  focusHeading?: boolean;
  children: ComponentChildren;
}

export function Layout({ title, user, onSignOut, focusHeading = false, children }: Props) {
  const { t, lang } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const path = usePath();
  const session = useContext(SessionContext);
  // Started without a connection: only what needs no server (no search, bell nor sign-out).
  const offlineMode = !!session?.offlineMode;
  const items: Array<{ href: string; text: string }> = !session
    ? [{ href: ROUTES.home, text: t('nav.home') }]
    : offlineMode
      ? offlineNavItems(session.meta, session.offline?.types ?? []).map((it) => ({
          href: it.href,
          text: it.key ? t(it.key) : t('list.new_of', { type: label(session.meta.type(it.type ?? '')?.label, lang) }),
        }))
      : navItems(session.meta, session.offline?.types).map((it) => ({ href: it.href, text: t(it.key) }));
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  // On a narrow screen the navigation, the languages and the user's line fold behind a menu
  // button (styles.css); on a wide one the button is hidden and everything shows as before.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  useEffect(() => setMenuOpen(false), [path]);
  // The search box, once the user may work (as the bell): on a phone it folds with the menu.
  const mayWork = !!user && !!session && !user.must_change_password && !offlineMode;
  const [searchText, setSearchText] = useState('');

  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);

  useEffect(() => {
    if (focusHeading) heading.current?.focus();
  }, [focusHeading]);

  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skip_to_content')}
      </a>
      <header
        class={`site-header${user ? ' has-menu' : ''}${menuOpen ? ' menu-open' : ''}`}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && menuOpen) {
            setMenuOpen(false);
            menuButton.current?.focus();
          }
        }}
      >
        <div class="container header-row">
          <div class="brand">
            <span class="brand-name">{t('app.name')}</span>
            <span class="brand-tagline">{t('app.tagline')}</span>
          </div>
          {mayWork && (
            <form
              class="header-search"
              role="search"
              aria-label={t('search.box')}
              data-testid="header-search"
              onSubmit={(e) => {
                e.preventDefault();
                setMenuOpen(false);
                navigate(searchHref(searchText));
              }}
            >
              <label for="site-search" class="visually-hidden">
                {t('search.box_label')}
              </label>
              <input
                id="site-search"
                name="q"
                type="search"
                enterKeyHint="search"
                autoComplete="off"
                placeholder={t('search.placeholder')}
                value={searchText}
                onInput={(e) => setSearchText((e.currentTarget as HTMLInputElement).value)}
              />
              {/* An <input type="submit">, not a <button>: a page's own form stays the one the
                  browser tests press by "form button[type=submit]" (the header comes first). */}
              <input type="submit" class="button header-search-submit" value={t('search.submit')} />
            </form>
          )}
          {/* The bell once the user may work (the schema loaded: never on the sign-in page). */}
          {mayWork && <NotificationBell />}
          <LanguageSwitcher />
          {user && (
            <button
              type="button"
              ref={menuButton}
              class="menu-button"
              aria-expanded={menuOpen}
              aria-controls="site-menu"
              data-testid="menu-button"
              onClick={() => setMenuOpen(!menuOpen)}
            >
              <span class="menu-icon" aria-hidden="true" />
              {t('nav.menu')}
            </button>
          )}
        </div>
        {user && (
          <nav class="site-nav" id="site-menu" aria-label={t('nav.label')}>
            <div class="container nav-row">
              {/* Pages are added here as the system grows; none until the one-time password is changed. */}
              {user.must_change_password ? (
                <span />
              ) : (
                <ul class="nav-links">
                  {items.map((it) => (
                    <li key={it.href}>
                      <a href={it.href} onClick={onLinkClick} aria-current={current(it.href) ? 'page' : undefined}>
                        {it.text}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
              <div class="nav-user">
                <span class="nav-user-name" data-testid="nav-user">
                  {offlineMode ? t('offline.working_as', { name: user.display_name }) : t('nav.signed_in_as', { name: user.display_name })}
                </span>
                {!offlineMode && (
                  <button type="button" class="button button-secondary" onClick={onSignOut}>
                    {t('nav.sign_out')}
                  </button>
                )}
              </div>
            </div>
          </nav>
        )}
      </header>
      {/* Field work offline: the device's state, always in view once one is registered here. */}
      {session && !user?.must_change_password && <SyncStatus />}
      <main id="main" class="container" tabIndex={-1}>
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
    </>
  );
}
