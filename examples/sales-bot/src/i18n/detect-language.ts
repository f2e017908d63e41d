import { type Language } from '../catalogue/catalogue.js';

/**
 * The language of a customer's message when the text shows it: letters only Ukrainian has (і, ї,
 * є, ґ) mean Ukrainian, letters only Russian has (ы, э, ё, ъ) mean Russian, Latin words of three or
 * more letters without Cyrillic mean English. `undefined` when the text does not tell (a size like
 * "M", a number, common Cyrillic only) — keep the conversation's language then.
 */
export function detectLanguage(text: string): Language | undefined {
  if (/[іїєґ]/iu.test(text)) return 'uk';
  if (/[ыэёъ]/iu.test(text)) return 'ru';
  if (/[a-z]{3,}/i.test(text) && !/[а-яё]/iu.test(text)) return 'en';
  return undefined;
}
