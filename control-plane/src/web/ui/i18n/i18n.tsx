import { type ComponentChildren, createContext } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import da from './da.json';
import en from './en.json';

/** English is the reference: every key must exist in it, and the type check holds pages to it. */
export type MessageKey = keyof typeof en;
export type Language = 'da' | 'en';
export const LANGUAGES: readonly Language[] = ['da', 'en'];

const MESSAGES: Record<Language, Record<MessageKey, string>> = { da, en };
const LOCALES: Record<Language, string> = { da: 'da-DK', en: 'en-GB' };
const STORAGE_KEY = 'klarsyn.language';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  /** A calendar date (YYYY-MM-DD or an ISO timestamp) in the language's own form. */
  date(value: string): string;
  /** A moment (ISO timestamp) to the minute, in UTC like the log itself. */
  dateTime(value: string): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

/** Danish unless the person chose otherwise, or their browser prefers something other than Danish. */
function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'da' || stored === 'en') return stored;
  return navigator.language.toLowerCase().startsWith('da') ? 'da' : 'en';
}

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  useEffect(() => {
    // Screen readers pick their voice from the document language.
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const messages = MESSAGES[language];
    const formatter = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'medium', timeZone: 'UTC' });
    const moment = new Intl.DateTimeFormat(LOCALES[language], {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    });
    return {
      language,
      setLanguage,
      t: (key, vars) =>
        messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(vars?.[name] ?? whole)),
      date: (value) => formatter.format(new Date(value.length === 10 ? `${value}T00:00:00Z` : value)),
      dateTime: (value) => `${moment.format(new Date(value))} UTC`,
    };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
