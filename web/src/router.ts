// A minimal history router: the server answers every non-/api GET path with index.html.
import { useEffect, useState } from 'preact/hooks';

export const ROUTES = {
  home: '/',
  signIn: '/sign-in',
  changePassword: '/change-password',
  secondFactor: '/second-factor',
  /** The search over every register (the header's box): ?q=words. */
  search: '/search',
} as const;

const listeners = new Set<() => void>();

export function currentPath(): string {
  return window.location.pathname || '/';
}

/** The query of the current address as a map. */
export function currentQuery(): Record<string, string> {
  const out: Record<string, string> = {};
  new URLSearchParams(window.location.search).forEach((v, k) => (out[k] = v));
  return out;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path !== currentPath() + window.location.search) {
    if (options.replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
  }
  listeners.forEach((l) => l());
}

export function usePath(): string {
  return useLocation().split('?')[0] ?? '/';
}

/** Path and query ("/records/signal?state=registered"): changes when either changes. */
export function useLocation(): string {
  const [path, setPath] = useState(() => currentPath() + window.location.search);
  useEffect(() => {
    const update = () => setPath(currentPath() + window.location.search);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Click handler for in-app links: plain left clicks navigate without reloading. */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.currentTarget as HTMLAnchorElement;
  if (a.origin !== window.location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}

export type Route =
  | { page: 'home' }
  | { page: 'registers' }
  | { page: 'list'; type: string }
  | { page: 'new'; type: string }
  | { page: 'record'; type: string; id: number }
  | { page: 'record_print'; type: string; id: number }
  | { page: 'hotline' }
  | { page: 'screening' }
  | { page: 'referrals' }
  | { page: 'facilities' }
  | { page: 'criminal_case'; id: number }
  | { page: 'dashboard' }
  | { page: 'report' }
  | { page: 'intl_returns' }
  | { page: 'agencies' }
  | { page: 'users' }
  | { page: 'tokens' }
  | { page: 'audit' }
  | { page: 'imports' }
  | { page: 'reconcile' }
  | { page: 'linkage_review' }
  | { page: 'raid_sheet' }
  | { page: 'visits' }
  | { page: 'commission' }
  | { page: 'returns' }
  | { page: 'block_list' }
  | { page: 'plans' }
  | { page: 'notifications' }
  | { page: 'search' }
  | { page: 'devices' }
  | { page: 'sync' }
  | { page: 'not_found' };

const NAME = '([a-z][a-z0-9_]*)';

/** Which page a path shows (pure; unit-tested). */
export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  const fixed: Record<string, Route['page']> = {
    '/': 'home',
    '/records': 'registers',
    '/hotline': 'hotline',
    '/screening': 'screening',
    '/referrals': 'referrals',
    '/linkage/review': 'linkage_review',
    '/facilities': 'facilities',
    '/dashboard': 'dashboard',
    '/reports/annual': 'report',
    '/reports/international': 'intl_returns',
    '/admin/agencies': 'agencies',
    '/admin/users': 'users',
    '/tokens': 'tokens',
    '/admin/audit': 'audit',
    '/imports': 'imports',
    '/subsidies/reconcile': 'reconcile',
    '/raids/new': 'raid_sheet',
    '/visits': 'visits',
    '/commission': 'commission',
    '/returns': 'returns',
    '/block-list': 'block_list',
    '/plans': 'plans',
    '/notifications': 'notifications',
    '/search': 'search',
    '/devices': 'devices',
    '/sync': 'sync',
  };
  const f = fixed[p];
  if (f) return { page: f } as Route;
  let m = new RegExp(`^/records/${NAME}$`).exec(p);
  if (m) return { page: 'list', type: m[1]! };
  m = new RegExp(`^/records/${NAME}/new$`).exec(p);
  if (m) return { page: 'new', type: m[1]! };
  m = new RegExp(`^/records/${NAME}/([1-9][0-9]{0,15})$`).exec(p);
  if (m) return { page: 'record', type: m[1]!, id: Number(m[2]) };
  m = new RegExp(`^/records/${NAME}/([1-9][0-9]{0,15})/print$`).exec(p);
  if (m) return { page: 'record_print', type: m[1]!, id: Number(m[2]) };
  m = /^\/criminal-cases\/([1-9][0-9]{0,15})$/.exec(p);
  if (m) return { page: 'criminal_case', id: Number(m[1]) };
  return { page: 'not_found' };
}
