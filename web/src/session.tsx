// What every signed-in page needs: the user, the schema and roles (Meta), sign-out, focus rule;
// and small hooks over the API (load with progress and error, countries, agencies, titles).
import { createContext } from 'preact';
import { useContext, useEffect, useState, useCallback } from 'preact/hooks';
import type { Agency } from './agencies';
import type { Colleague } from './colleagues';
import { api, records, type OfflineSettings, type User } from './api';
import { TitleBatcher } from './titles';
import type { Lang } from './i18n';
import { label, Meta, titleText } from './meta';
import { loadMetaCached } from './offline/runtime';

export interface SessionValue {
  user: User;
  meta: Meta;
  onSignOut: () => void;
  focusHeading: boolean;
  /** What the user may keep on a device (GET /auth/me `offline`); absent from a server without devices. */
  offline?: OfflineSettings | undefined;
  /** Started without a connection (docs/offline.md): only the pages that need no server. */
  offlineMode?: boolean;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/**
 * The schema and roles for the user. Not secret: kept on the device when one of the user's is
 * registered in this browser, and read from there when the network is down (src/offline/runtime.ts).
 */
export function loadMeta(user: User, offline?: OfflineSettings): Promise<Meta> {
  return loadMetaCached(user, offline);
}

export type Loaded<T> = { loading: boolean; data?: T; error?: unknown; reload: () => void };

/** Runs `fn` when `deps` change; keeps the last data while reloading. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ loading: boolean; data?: T; error?: unknown }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    fn().then(
      (data) => live && setState({ loading: false, data }),
      (error) => live && setState({ loading: false, error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

// Small caches shared by every page (lists that do not change while one works).
type Country = { code: string; label: { az: string; en?: string; ru?: string } };
// The country list is not secret: kept in the browser for the forms used without a connection.
const COUNTRIES_KEY = 'palermo.countries';
function keptCountries(): Country[] {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(COUNTRIES_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((c): c is Country => !!c && typeof c.code === 'string' && !!c.label && typeof c.label.az === 'string') : [];
  } catch {
    return [];
  }
}
let countriesPromise: Promise<Country[]> | undefined;
export function useCountries() {
  const [items, setItems] = useState<Country[]>([]);
  useEffect(() => {
    countriesPromise ??= api
      .request<{ items: Country[] }>('GET', '/countries')
      .then((r) => {
        try {
          globalThis.localStorage?.setItem(COUNTRIES_KEY, JSON.stringify(r.items));
        } catch {
          // not kept: only the forms used offline miss it
        }
        return r.items;
      })
      .catch(() => {
        countriesPromise = undefined;
        return keptCountries();
      });
    void countriesPromise.then(setItems);
  }, []);
  return items;
}

export function countryName(items: Country[], code: string, lang: Lang) {
  const c = items.find((x) => x.code === code);
  return c ? label(c.label, lang) : code;
}

export type { Agency };

let agenciesPromise: Promise<Agency[]> | undefined;
export function invalidateAgencies() {
  agenciesPromise = undefined;
}
export function useAgencies(): Agency[] {
  const [items, setItems] = useState<Agency[]>([]);
  useEffect(() => {
    agenciesPromise ??= api
      .request<{ items: Agency[] }>('GET', '/agencies')
      .then((r) => r.items)
      .catch(() => {
        agenciesPromise = undefined;
        return [];
      });
    void agenciesPromise.then(setItems);
  }, []);
  return items;
}

// The signed-in user's colleagues (the active users of their agency): the choices of a user field.
// Kept per user: another user signing in on this page has other colleagues.
let colleaguesCache: { user: number; promise: Promise<Colleague[]> } | undefined;
export function useColleagues(): Colleague[] {
  const session = useContext(SessionContext);
  const user = session?.user.id;
  const [items, setItems] = useState<Colleague[]>([]);
  useEffect(() => {
    if (user === undefined) return;
    if (!colleaguesCache || colleaguesCache.user !== user) {
      const entry = {
        user,
        promise: api
          .request<{ items: Colleague[] }>('GET', '/colleagues')
          .then((r) => r.items)
          .catch(() => {
            if (colleaguesCache === entry) colleaguesCache = undefined;
            return [] as Colleague[];
          }),
      };
      colleaguesCache = entry;
    }
    let live = true;
    void colleaguesCache.promise.then((v) => live && setItems(v));
    return () => {
      live = false;
    };
  }, [user]);
  return items;
}

const titles = new Map<string, Promise<string | null>>();
const titleBatcher = new TitleBatcher((type, params) => records.list(type, params));
export function forgetTitle(type: string, id: number) {
  titles.delete(`${type}/${id}`);
}
/** The title of a record, fetched once per page load; null when out of reach. */
export function useRecordTitle(meta: Meta, type: string | undefined, id: unknown, lang: Lang): string | null | undefined {
  const [title, setTitle] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (!type || typeof id !== 'number') {
      setTitle(undefined);
      return;
    }
    const t = meta.type(type);
    const key = `${type}/${id}`;
    let p = titles.get(key);
    if (!p) {
      // One list request for every title a page asks for at once (src/titles.ts).
      p = titleBatcher.title(type, id, t?.title_field);
      titles.set(key, p);
    }
    let live = true;
    void p.then((v) => live && setTitle(v === null ? null : titleText(t, v, lang) || `${label(t?.label, lang)} № ${id}`));
    return () => {
      live = false;
    };
  }, [meta, type, id, lang]);
  return title;
}
