import { type Language } from '../catalogue/catalogue.js';

/**
 * The language of a customer's message: letters only Ukrainian has (і, ї, є, ґ) mean Ukrainian,
 * letters only Russian has (ы, э, ё, ъ) mean Russian, Latin letters without Cyrillic mean English;
 * anything else keeps `fallback` (the conversation's language so far).
 */
export function detectLanguage(text: string, fallback: Language): Language {
  if (/[іїєґ]/iu.test(text)) return 'uk';
  if (/[ыэёъ]/iu.test(text)) return 'ru';
  if (/[a-z]/i.test(text) && !/[а-яё]/iu.test(text)) return 'en';
  return fallback;
}
