import { useCallback, useEffect, useMemo, useRef, useState, useLayoutEffect } from 'preact/hooks';
import { api, ApiError, type OfflineSettings, type Session, type User } from './api';
import { Layout } from './components/Layout';
import { loadLang, saveLang, translator, type Lang, type MessageKey } from './i18n';
import { I18nContext, type I18n } from './i18n/context';
import { errorMessage } from './messages';
import { ChangePassword } from './pages/ChangePassword';
import { Home } from './pages/Home';
import { NotFound } from './pages/NotFound';
import { SecondFactor } from './pages/SecondFactor';
import { SignIn } from './pages/SignIn';
import { matchRoute, navigate, ROUTES, usePath } from './router';
import type { Meta } from './meta';
import { loadMeta, SessionContext } from './session';
import { forgetRecent } from './recent';
import { forgetUnread } from './notifications';
import { Routes } from './routes';
import { noAnswer } from './offline/logic';
import { lock, offlineStart, setReconnect, setSession } from './offline/runtime';
import { NewRecord } from './pages/RecordPage';
import { Devices } from './pages/Devices';
import { OfflineHome, OfflineUnavailable, SyncPage } from './pages/Sync';

type State =
  | { kind: 'loading' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'anonymous'; notice?: MessageKey | undefined }
  | { kind: 'signed-in'; user: User; offline?: OfflineSettings | undefined; notice?: MessageKey | undefined }
  /** No connection, and a device of the user registered here: what needs no server (docs/offline.md). */
  | { kind: 'offline'; user: User; settings: OfflineSettings; meta: Meta };

/** The path the current state must be shown at, or undefined when any path will do. */
function requiredPath(state: State, path: string): string | undefined {
  if (state.kind === 'anonymous') return ROUTES.signIn;
  if (state.kind !== 'signed-in') return undefined;
  if (state.user.must_change_password) return ROUTES.changePassword;
  if (state.user.second_factor_required && !state.user.totp_enabled) return ROUTES.secondFactor;
  if (path === ROUTES.signIn || path === ROUTES.changePassword || path === ROUTES.secondFactor) return ROUTES.home;
  return undefined;
}

export function App() {
  const [lang, setLangState] = useState<Lang>(loadLang);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [meta, setMeta] = useState<{ user: number; meta?: Meta; error?: unknown } | undefined>(undefined);
  const path = usePath();
  // Where a signed-out visitor wanted to go; restored after sign-in.
  const returnTo = useRef<string>(ROUTES.home);

  const i18n = useMemo<I18n>(
    () => ({
      lang,
      t: translator(lang),
      setLang: (l: Lang) => {
        saveLang(l);
        setLangState(l);
      },
    }),
    [lang],
  );
  const { t } = i18n;

  // A layout effect: the page's language changes in the same frame as its text (screen readers
  // and the browser tests read <html lang> as soon as the new text shows).
  useLayoutEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const loadSession = useCallback(async (notice?: MessageKey) => {
    try {
      const session = await api.me();
      setState({ kind: 'signed-in', user: session.user, offline: session.offline, notice });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ kind: 'anonymous' });
      else if (noAnswer(error)) {
        // No connection: a field worker's device starts without the server.
        const start = await offlineStart();
        setState((s) => (s.kind === 'offline' ? s : start ? { kind: 'offline', ...start } : { kind: 'failed', error }));
      } else setState({ kind: 'failed', error });
    }
  }, []);

  useEffect(() => {
    const p = window.location.pathname;
    if (p !== ROUTES.signIn && p !== ROUTES.changePassword && p !== ROUTES.secondFactor) returnTo.current = p;
    void loadSession();
  }, [loadSession]);

  // The device's view of the session: whose it is, and whether the server is there.
  const sessionUser = state.kind === 'signed-in' || state.kind === 'offline' ? state.user : undefined;
  const sessionSettings = state.kind === 'signed-in' ? state.offline : state.kind === 'offline' ? state.settings : undefined;
  useEffect(() => {
    setSession(sessionUser, sessionSettings, state.kind === 'signed-in');
    // Started without a connection: the session is looked up again when the network is back.
    setReconnect(state.kind === 'offline' ? () => void loadSession() : undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.kind, sessionUser?.id, sessionSettings]);

  // Keep the address bar in step with what is shown.
  const wanted = requiredPath(state, path);
  useEffect(() => {
    if (wanted && wanted !== path) navigate(wanted, { replace: true });
  }, [wanted, path]);

  const onSignedIn = useCallback((session: Session) => {
    setState({ kind: 'signed-in', user: session.user, offline: session.offline });
    const target = session.user.must_change_password
      ? ROUTES.changePassword
      : session.user.second_factor_required && !session.user.totp_enabled
        ? ROUTES.secondFactor
        : returnTo.current;
    returnTo.current = ROUTES.home;
    navigate(target);
  }, []);

  // The schema and roles, once the user may work (password changed, second factor set up).
  const ready =
    state.kind === 'signed-in' &&
    !state.user.must_change_password &&
    !(state.user.second_factor_required && !state.user.totp_enabled);
  const readyUser = state.kind === 'signed-in' ? state.user : undefined;
  useEffect(() => {
    if (!ready || !readyUser) return;
    if (meta && meta.user === readyUser.id && meta.meta) return;
    let live = true;
    setMeta({ user: readyUser.id });
    loadMeta(readyUser, state.kind === 'signed-in' ? state.offline : undefined).then(
      (m) => live && setMeta({ user: readyUser.id, meta: m }),
      (error) => live && setMeta({ user: readyUser.id, error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, readyUser?.id]);

  const onSignOut = useCallback(async () => {
    lock();
    forgetRecent();
    forgetUnread();
    setMeta(undefined);
    try {
      await api.logout();
    } catch {
      // The session is gone for us either way; the server expires it.
    }
    setState({ kind: 'anonymous' });
    navigate(ROUTES.signIn);
  }, []);

  const onPasswordChanged = useCallback(() => {
    void loadSession('password.changed');
  }, [loadSession]);

  const onEnrolled = useCallback(() => {
    void loadSession('totp.enabled');
  }, [loadSession]);

  // Focus the heading after every page change except the first page shown.
  const pageKey = state.kind === 'signed-in' || state.kind === 'offline' ? `${state.kind}:${wanted ?? path}` : state.kind;
  const pages = useRef({ last: '', shown: 0 });
  if (pageKey !== pages.current.last) {
    pages.current.last = pageKey;
    if (state.kind !== 'loading') pages.current.shown++;
  }
  const focusHeading = pages.current.shown > 1;

  let page;
  switch (state.kind) {
    case 'loading':
      page = (
        <Layout title={t('app.loading')}>
          <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true" />
            {t('app.loading')}
          </p>
        </Layout>
      );
      break;
    case 'failed':
      page = (
        <Layout title={t('app.start_failed')}>
          <p>{errorMessage(state.error, t)}</p>
          <button
            type="button"
            class="button"
            onClick={() => {
              setState({ kind: 'loading' });
              void loadSession();
            }}
          >
            {t('app.retry')}
          </button>
        </Layout>
      );
      break;
    case 'anonymous':
      page = (
        <SignIn
          key={pageKey}
          onSignedIn={onSignedIn}
          notice={state.notice ? t(state.notice) : undefined}
          focusHeading={focusHeading}
        />
      );
      break;
    case 'offline': {
      const route = matchRoute(path);
      const types = state.settings.types;
      page = (
        <SessionContext.Provider
          value={{ user: state.user, meta: state.meta, onSignOut: () => undefined, focusHeading, offline: state.settings, offlineMode: true }}
        >
          {route.page === 'home' ? (
            <OfflineHome key={pageKey} />
          ) : route.page === 'new' && types.includes(route.type) ? (
            <NewRecord key={pageKey} type={route.type} />
          ) : route.page === 'sync' ? (
            <SyncPage key={pageKey} />
          ) : route.page === 'devices' ? (
            <Devices key={pageKey} />
          ) : (
            <OfflineUnavailable key={pageKey} />
          )}
        </SessionContext.Provider>
      );
      break;
    }
    case 'signed-in': {
      const shownPath = wanted ?? path;
      if (shownPath === ROUTES.changePassword) {
        page = (
          <ChangePassword
            key={pageKey}
            user={state.user}
            onChanged={onPasswordChanged}
            onSignOut={onSignOut}
            focusHeading={focusHeading}
          />
        );
      } else if (shownPath === ROUTES.secondFactor) {
        page = (
          <SecondFactor key={pageKey} user={state.user} onEnrolled={onEnrolled} onSignOut={onSignOut} focusHeading={focusHeading} />
        );
      } else if (!meta?.meta) {
        page = (
          <Layout title={meta?.error ? t('app.start_failed') : t('app.loading')} user={state.user} onSignOut={onSignOut}>
            {meta?.error ? (
              <p>{errorMessage(meta.error, t)}</p>
            ) : (
              <p class="loading" role="status" aria-live="polite">
                <span class="spinner" aria-hidden="true" />
                {t('app.loading')}
              </p>
            )}
          </Layout>
        );
      } else {
        const route = matchRoute(shownPath);
        page = (
          <SessionContext.Provider value={{ user: state.user, meta: meta.meta, onSignOut, focusHeading, offline: state.offline }}>
            {route.page === 'home' ? (
              <Home key={pageKey} user={state.user} notice={state.notice ? t(state.notice) : undefined} />
            ) : route.page === 'not_found' ? (
              <NotFound key={pageKey} user={state.user} onSignOut={onSignOut} focusHeading={focusHeading} />
            ) : (
              <Routes key={pageKey} route={route} />
            )}
          </SessionContext.Provider>
        );
      }
      break;
    }
  }

  return <I18nContext.Provider value={i18n}>{page}</I18nContext.Provider>;
}
