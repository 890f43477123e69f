// A minimal history router: the server answers every non-/api GET path with index.html.
import { useEffect, useState } from 'preact/hooks';

export const ROUTES = {
  home: '/',
  signIn: '/sign-in',
  changePassword: '/change-password',
  secondFactor: '/second-factor',
} as const;

const listeners = new Set<() => void>();

export function currentPath(): string {
  return window.location.pathname || '/';
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path !== currentPath()) {
    if (options.replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
  }
  listeners.forEach((l) => l());
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
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
  navigate(a.pathname);
}
