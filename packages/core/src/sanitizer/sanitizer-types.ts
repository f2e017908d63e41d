/** What the sanitizer concluded about one message. */
export type SanitizerVerdict = 'clean' | 'suspicious' | 'injection';

/**
 * What the sanitizer does with a message: `'flag'` passes it and marks the verdict, `'neutralize'`
 * also breaks role tags and delimiters so the text can be quoted to an LLM as data, `'block'` returns
 * an empty text (and `isBlocked: true`) when the verdict is `'injection'`.
 */
export type SanitizerPolicy = 'flag' | 'neutralize' | 'block';

/** The family of prompt-injection technique a pattern detects. */
export type InjectionTechnique =
  /** "Ignore all previous instructions", "your new instructions are …". */
  | 'instruction-override'
  /** Role-play and jailbreak personas: "you are now DAN", "developer mode enabled". */
  | 'persona-jailbreak'
  /** Attempts to read the system prompt, hidden instructions or secrets. */
  | 'prompt-exfiltration'
  /** Role tags and delimiters smuggled into user text: `<|im_start|>`, `[INST]`, `### system`. */
  | 'delimiter-smuggling'
  /** Attempts to make the model call tools, change prices or send data. */
  | 'tool-abuse'
  /** Instructions hidden mid-message: notes to the AI, invisible or encoded text. */
  | 'hidden-instruction'
  /** A verdict of the optional classifier hook. */
  | 'classifier';

/** The language a pattern is written for; `'any'` for language-neutral markup. */
export type PatternLanguage = 'en' | 'uk' | 'ru' | 'any';

/** Which normalized form of the message a pattern runs on. */
export type PatternView =
  /**
   * Lower-cased words separated by one space: NFKC, look-alike letters folded, leetspeak folded,
   * punctuation removed, spaced letters collapsed.
   */
  | 'words'
  /**
   * Lower-cased NFKC text with punctuation and line breaks kept, every Cyrillic or Greek letter that
   * has a Latin look-alike folded to it (so write Cyrillic in such patterns through the same folding,
   * or prefer the `'words'` view for Cyrillic).
   */
  | 'symbols';

/** Where in the message a finding was made. */
export type FindingSource =
  /** The visible text. */
  | 'text'
  /** A base64 run, decoded. */
  | 'base64'
  /** A hexadecimal run, decoded. */
  | 'hex'
  /** Invisible Unicode tag characters (U+E0020–U+E007E), decoded to ASCII. */
  | 'unicode-tags'
  /** The classifier hook. */
  | 'classifier';

/**
 * One detection rule. Built-in patterns are linear-time (bounded quantifiers only); an extra pattern
 * you add must be too, since it runs on every message.
 *
 * @example
 * ```ts
 * const pattern: SanitizerPattern = {
 *   id: 'shop.override.free-order',
 *   technique: 'tool-abuse',
 *   language: 'en',
 *   weight: 0.6,
 *   pattern: /mark (?:my|this) order as paid/,
 * };
 * ```
 */
export interface SanitizerPattern {
  /** Stable id reported in findings, e.g. `'en.override.ignore-previous'`. */
  readonly id: string;
  /** The technique the pattern detects. */
  readonly technique: InjectionTechnique;
  /** The language the pattern is written for. */
  readonly language: PatternLanguage;
  /** How strongly a match indicates an injection, from 0 (not at all) to 1 (certain). */
  readonly weight: number;
  /** The expression, run on the lower-cased normalized view (flags `g` and `y` are ignored). */
  readonly pattern: RegExp;
  /** The view the pattern runs on. Default `'words'`. */
  readonly view?: PatternView;
  /**
   * Literal lower-case fragments of which at least one occurs in every match. When given, the
   * pattern only runs on messages containing one of them, which keeps the sanitizer fast.
   */
  readonly anchors?: readonly string[];
  /**
   * Further groups of literal lower-case fragments: every match contains at least one fragment of
   * each group (e.g. the words a "verb … target" pattern needs as its target). A part of a message
   * without one of each is not searched. Needs `anchors`.
   */
  readonly requiredLiterals?: readonly (readonly string[])[];
}

/** One reason the sanitizer gave a message its score. */
export interface SanitizerFinding {
  /** The id of the pattern or detector that fired. */
  readonly patternId: string;
  /** The technique it detects. */
  readonly technique: InjectionTechnique;
  /** The language of the pattern. */
  readonly language: PatternLanguage;
  /** The weight it added. */
  readonly weight: number;
  /** Where the match was found. */
  readonly source: FindingSource;
  /** The matched normalized text, at most {@link maxExcerptLength} characters. */
  readonly excerpt: string;
}

/** The longest excerpt a finding carries, so findings never echo a huge input. */
export const maxExcerptLength = 80;

/** The result of {@link Sanitizer.sanitize}. */
export interface SanitizeResult {
  /**
   * The text to use: the user's words with invisible and control characters removed and the length
   * capped; under `'neutralize'` also NFKC-normalized with role tags and delimiters broken; empty when
   * blocked.
   */
  readonly text: string;
  /** The verdict: `'injection'` when `score >= threshold`, `'suspicious'` from half the threshold. */
  readonly verdict: SanitizerVerdict;
  /** Combined score from 0 to 1 (noisy-OR of the findings' weights). */
  readonly score: number;
  /** Why, strongest first. At most 32. */
  readonly findings: readonly SanitizerFinding[];
  /** True when the policy is `'block'` and the verdict is `'injection'`. */
  readonly isBlocked: boolean;
  /** True when the text was cut at `maxLength` (counted after removing invisible characters). */
  readonly isTruncated: boolean;
}

/** What a classifier hook returns for one message. */
export interface ClassifierResult {
  /** Probability that the message is a prompt injection, from 0 to 1. */
  readonly score: number;
  /** Optional label reported in the finding's excerpt, e.g. the model's class name. */
  readonly label?: string;
}

/**
 * An asynchronous second opinion, e.g. a model behind HTTP. It receives the visible, capped text.
 *
 * @example
 * ```ts
 * const classifier: SanitizerClassifier = async (text, { signal }) => {
 *   const response = await fetch(url, { method: 'POST', body: text, signal });
 *   return { score: ((await response.json()) as { score: number }).score };
 * };
 * ```
 */
export type SanitizerClassifier = (
  text: string,
  options: { readonly signal?: AbortSignal },
) => Promise<ClassifierResult>;

/** Options of {@link Sanitizer.sanitizeAsync}. */
export interface SanitizeAsyncOptions {
  /** Aborts the classifier call; the promise then rejects with an `AbortedError`. */
  readonly signal?: AbortSignal;
}

/** A configured sanitizer, made by {@link createSanitizer}. */
export interface Sanitizer {
  /** Scores one message with the patterns and applies the policy. Never throws. */
  sanitize(text: string): SanitizeResult;
  /**
   * Like {@link Sanitizer.sanitize}, then asks the classifier (when configured) and combines its score.
   * Without a classifier it resolves to the synchronous result.
   */
  sanitizeAsync(text: string, options?: SanitizeAsyncOptions): Promise<SanitizeResult>;
}
