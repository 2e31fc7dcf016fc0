import { LANGUAGES, useI18n } from '../i18n/i18n.js';

/** Each language named in itself, so a person who reads only that language finds it. */
const NATIVE_NAMES = { da: 'Dansk', en: 'English' } as const;

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <fieldset class="language-switch">
      <legend class="visually-hidden">{t('language.label')}</legend>
      {LANGUAGES.map((l) => (
        <button type="button" key={l} lang={l} aria-pressed={l === language} onClick={() => setLanguage(l)}>
          {NATIVE_NAMES[l]}
        </button>
      ))}
    </fieldset>
  );
}
