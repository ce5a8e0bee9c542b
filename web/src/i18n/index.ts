import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../api/types.ts';
import en from './en.json';
import fr from './fr.json';

/**
 * Strings live in `en.json`/`fr.json` (shell, account, settings) and in one pair of files per area,
 * `<area>.en.json` / `<area>.fr.json` (e.g. `channels.en.json`), each holding keys under its own
 * top-level name, so areas can be worked on in parallel without editing the same file.
 */
const areaFiles = import.meta.glob<{ default: Record<string, unknown> }>('./*.*.json', { eager: true });

function withAreas(base: Record<string, unknown>, locale: 'en' | 'fr'): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [file, mod] of Object.entries(areaFiles)) {
    if (!file.endsWith(`.${locale}.json`)) continue;
    for (const [key, value] of Object.entries(mod.default)) {
      if (key in merged) throw new Error(`i18n: ${file} redefines the top-level key "${key}"`);
      merged[key] = value;
    }
  }
  return merged;
}

export const LOCALES: readonly Locale[] = ['en', 'fr'];
const STORED = 'passerelle.language';

/** The browser's preferred UI language: French for any fr-*, English otherwise. */
export function browserLocale(): Locale {
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  return languages.some((lang) => lang?.toLowerCase().startsWith('fr')) ? 'fr' : 'en';
}

/** The language picked with the toggle on public pages (or last used by a signed-in user), if any. */
export function storedLocale(): Locale | null {
  const stored = localStorage.getItem(STORED);
  return stored === 'fr' || stored === 'en' ? stored : null;
}

/** The language for someone not signed in: the one they picked, else the browser's. */
export function anonymousLocale(): Locale {
  return storedLocale() ?? browserLocale();
}

/** Remembers the language picked on a public page, for the next visit. */
export function rememberLocale(locale: Locale): void {
  localStorage.setItem(STORED, locale);
}

/** Switches the UI language (and the document's lang attribute). */
export function applyLocale(locale: Locale): void {
  document.documentElement.lang = locale;
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
}

/** The current UI language as a Locale. */
export function currentLocale(): Locale {
  return i18n.language === 'fr' ? 'fr' : 'en';
}

const initial = anonymousLocale();
document.documentElement.lang = initial;

void i18n.use(initReactI18next).init({
  resources: { en: { translation: withAreas(en, 'en') }, fr: { translation: withAreas(fr, 'fr') } },
  lng: initial,
  fallbackLng: 'en',
  supportedLngs: ['en', 'fr'],
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
