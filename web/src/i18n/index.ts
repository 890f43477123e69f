// Message catalogues and the pure translation functions (no Preact here: unit-tested in node).
import { az } from './az';
import { en } from './en';
import { ru } from './ru';
import { pluralForm } from '../plural';

/** Every message key; Azerbaijani (the default language) defines the set. */
export type MessageKey = keyof typeof az;
/** A complete catalogue: a missing or an unknown key is a type error. */
export type Messages = { readonly [K in MessageKey]: string };
export type Params = Readonly<Record<string, string | number>>;

export const LANGS = ['az', 'en', 'ru'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'az';
export const LANG_STORAGE_KEY = 'palermo.lang';

export const catalogs: Readonly<Record<Lang, Messages>> = { az, en, ru };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(az, key);
}

/**
 * Replaces {name} placeholders; unknown placeholders are left as they are. {name|form|form...}
 * is the word counted by the number `name`, in the form the language's plural rules pick
 * (src/plural.ts: en one|other, ru one|few|many): "{n} {n|visit|visits}".
 */
export function format(template: string, params?: Params, lang: Lang = DEFAULT_LANG): string {
  if (!params) return template;
  const has = (name: string) => Object.prototype.hasOwnProperty.call(params, name);
  return template
    .replace(/\{(\w+)\|([^{}]*)\}/g, (whole, name: string, forms: string) => {
      const n = has(name) ? Number(String(params[name]).replace(/[\s.\u00a0]/g, '').replace(',', '.')) : NaN;
      return Number.isNaN(n) ? whole : pluralForm(lang, n, forms.split('|'));
    })
    .replace(/\{(\w+)\}/g, (whole, name: string) => (has(name) ? String(params[name]) : whole));
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return format(catalogs[lang][key] ?? catalogs[DEFAULT_LANG][key], params, lang);
}

export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params);
}

type ReadStorage = Pick<Storage, 'getItem'>;
type WriteStorage = Pick<Storage, 'setItem'>;

function defaultStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled by policy
  }
}

/** The remembered language, or Azerbaijani. */
export function loadLang(storage: ReadStorage | undefined = defaultStorage()): Lang {
  try {
    const saved = storage?.getItem(LANG_STORAGE_KEY);
    return isLang(saved) ? saved : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

export function saveLang(lang: Lang, storage: WriteStorage | undefined = defaultStorage()): void {
  try {
    storage?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Not remembered; the choice still applies to this page.
  }
}
