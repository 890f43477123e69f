// What every signed-in page needs: the user, the schema and roles (Meta), sign-out, focus rule;
// and small hooks over the API (load with progress and error, countries, agencies, titles).
import { createContext } from 'preact';
import { useContext, useEffect, useState, useCallback } from 'preact/hooks';
import type { Agency } from './agencies';
import type { Colleague } from './colleagues';
import { api, records, type User } from './api';
import { TitleBatcher } from './titles';
import type { Lang } from './i18n';
import { label, Meta, titleText, type RoleDef, type Schema } from './meta';

export interface SessionValue {
  user: User;
  meta: Meta;
  onSignOut: () => void;
  focusHeading: boolean;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export async function loadMeta(user: User): Promise<Meta> {
  const [schema, roles] = await Promise.all([
    api.request<Schema>('GET', '/schema'),
    api.request<{ items: RoleDef[] }>('GET', '/roles'),
  ]);
  return new Meta(schema, roles.items, user.roles);
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
let countriesPromise: Promise<Array<{ code: string; label: { az: string; en?: string; ru?: string } }>> | undefined;
export function useCountries() {
  const [items, setItems] = useState<Array<{ code: string; label: { az: string; en?: string; ru?: string } }>>([]);
  useEffect(() => {
    countriesPromise ??= api
      .request<{ items: Array<{ code: string; label: { az: string; en?: string; ru?: string } }> }>('GET', '/countries')
      .then((r) => r.items)
      .catch(() => {
        countriesPromise = undefined;
        return [];
      });
    void countriesPromise.then(setItems);
  }, []);
  return items;
}

export function countryName(items: Array<{ code: string; label: { az: string; en?: string; ru?: string } }>, code: string, lang: Lang) {
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
