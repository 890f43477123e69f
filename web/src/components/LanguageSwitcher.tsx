import { LANGS } from '../i18n';
import { useI18n } from '../i18n/context';

export function LanguageSwitcher() {
  const { lang, t, setLang } = useI18n();
  return (
    <div class="lang-switcher" role="group" aria-label={t('lang.label')}>
      {LANGS.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          class="lang-button"
          aria-pressed={code === lang}
          data-lang={code}
          onClick={() => setLang(code)}
        >
          {t(`lang.${code}`)}
        </button>
      ))}
    </div>
  );
}
