import { describe, expect, it } from 'vitest';
import {
  catalogs,
  DEFAULT_LANG,
  format,
  hasKey,
  LANG_STORAGE_KEY,
  LANGS,
  loadLang,
  saveLang,
  translate,
  type MessageKey,
} from '../src/i18n';

const keys = Object.keys(catalogs.az) as MessageKey[];
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('default language is Azerbaijani', () => {
    expect(DEFAULT_LANG).toBe('az');
    expect(LANGS).toEqual(['az', 'en', 'ru']);
  });

  it.each(LANGS)('%s has exactly the Azerbaijani keys, none empty', (lang) => {
    expect(Object.keys(catalogs[lang]).sort()).toEqual([...keys].sort());
    for (const k of keys) expect(catalogs[lang][k].trim(), `${lang} ${k}`).not.toBe('');
  });

  it.each(LANGS)('%s uses the same placeholders as Azerbaijani', (lang) => {
    for (const k of keys) expect(placeholders(catalogs[lang][k]), `${lang} ${k}`).toEqual(placeholders(catalogs.az[k]));
  });

  it('Azerbaijani is in Latin script and the product name is Palermo everywhere', () => {
    for (const k of keys) {
      if (k === 'lang.ru') continue; // the name of Russian, written in Russian
      expect(catalogs.az[k], k).not.toMatch(/[\u0400-\u04FF]/);
    }
    for (const lang of LANGS) expect(catalogs[lang]['app.name']).toBe('Palermo');
    // Azerbaijani letters really are used (not an ASCII transliteration).
    expect(catalogs.az['signin.password']).toBe('Şifrə');
    expect(catalogs.az['nav.sign_out']).toBe('Çıxış');
  });

  it('Russian text is in Cyrillic', () => {
    expect(catalogs.ru['signin.title']).toMatch(/^[\u0400-\u04FF ]+$/);
  });
});

describe('translate', () => {
  it('fills placeholders', () => {
    expect(translate('en', 'home.welcome', { name: 'Administrator' })).toBe('Welcome, Administrator!');
    expect(translate('az', 'home.welcome', { name: 'Administrator' })).toBe('Xoş gəlmisiniz, Administrator!');
    expect(translate('ru', 'field.too_short', { min: 12 })).toBe('Не менее 12 символов.');
  });

  it('leaves unknown placeholders and replaces every occurrence', () => {
    expect(format('{a} {b} {a}', { a: 1 })).toBe('1 {b} 1');
    expect(format('no params')).toBe('no params');
  });

  it('does not interpret $ patterns in values', () => {
    expect(format('x {v} y', { v: '$& $1' })).toBe('x $& $1 y');
  });

  it('hasKey tells real keys from made-up ones', () => {
    expect(hasKey('error.auth.locked')).toBe(true);
    expect(hasKey('error.no.such')).toBe(false);
    expect(hasKey('toString')).toBe(false);
  });
});

describe('remembered language', () => {
  function memory(initial?: string) {
    const m = new Map<string, string>();
    if (initial !== undefined) m.set(LANG_STORAGE_KEY, initial);
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      m,
    };
  }

  it('defaults to az, ignores junk, reads a saved language', () => {
    expect(loadLang(memory())).toBe('az');
    expect(loadLang(memory('de'))).toBe('az');
    expect(loadLang(memory('ru'))).toBe('ru');
    expect(loadLang(undefined)).toBe('az');
  });

  it('saves the choice and survives a storage that throws', () => {
    const s = memory();
    saveLang('en', s);
    expect(s.m.get(LANG_STORAGE_KEY)).toBe('en');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadLang(broken)).toBe('az');
    expect(() => saveLang('en', broken)).not.toThrow();
  });
});
