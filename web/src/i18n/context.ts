import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { DEFAULT_LANG, translator, type Lang, type Translate } from './index';

export interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({
  lang: DEFAULT_LANG,
  t: translator(DEFAULT_LANG),
  setLang: () => {},
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
