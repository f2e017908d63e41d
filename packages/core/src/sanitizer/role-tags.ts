import { foldToLatin } from './matching-views.js';

// Cyrillic words below are folded like the text they run on.
/**
 * What counts as an intact role tag or delimiter in text quoted to an LLM: ChatML tokens, Llama
 * `[INST]`/`<<SYS>>`, XML-style role tags, markdown role headings, JSON `"role": "system"` fields,
 * role-prefixed lines and code fences. Matched case-insensitively on NFKC text with Cyrillic and
 * Greek look-alikes folded to Latin (one code unit for one, so positions line up).
 */
const roleTagSources: readonly string[] = [
  '<\\s{0,2}\\|',
  '\\|\\s{0,2}>',
  '\\[\\s{0,2}/?\\s{0,2}(?:inst|sys|system|assistant|user)\\s{0,2}\\]',
  '<<\\s{0,2}/?\\s{0,2}sys\\s{0,2}>>',
  '<\\s{0,2}/?\\s{0,2}(?:system|assistant|developer|instructions?|system_prompt|sys|admin|tool_call|function_call|tool|im_start|im_end|context|prompt|user_input|user|human|ai|bot|model|rules|message)(?:\\s[^<>\\n]{0,40})?\\s{0,2}/?>',
  '#{1,6}[ \\t]{0,3}(?:system|assistant|developer|instruction|admin|user|human|context|response|rules|системн|інструкц|инструкц|адмін|админ|правила|промпт)[^:\\n]{0,20}:?',
  '(?:^|\\n)[ \\t]{0,3}(?:system|assistant|developer|sys|admin|user|human|ai|gpt|llm|система|асистент|ассистент|адмін|админ)[ \\t]{0,3}:',
  '["\'](?:role|system_prompt|system_message|instructions|system|prompt|messages|tool_calls?|function_call|tool_use|arguments)["\']\\s{0,3}:(?:\\s{0,3}["\'][a-z_]{0,20}["\']?)?',
  '`{3,}|"{3,}|\'{3,}|-{3,}|={3,}|\\*{3,}|~{3,}|<{3,}|>{3,}',
];

/** One expression finding every intact role tag (global, case-insensitive). */
export const roleTagExpression = new RegExp(
  foldToLatin(roleTagSources.map((source) => `(?:${source})`).join('|')),
  'gi',
);

/** NFKC with look-alikes folded to Latin, keeping positions (a lower-cased copy for matching). */
export function roleTagMatchingText(nfkcText: string): string {
  const lower = nfkcText.toLowerCase();
  return foldToLatin(lower.length === nfkcText.length ? lower : nfkcText);
}

/**
 * True when `text` still contains an intact role tag or delimiter: ChatML tokens, `[INST]`, `<<SYS>>`,
 * XML-style role tags, markdown role headings, role-prefixed lines, JSON role fields and code fences,
 * also in full-width or look-alike spellings. Text from the `'neutralize'` policy never has one.
 *
 * @example
 * ```ts
 * hasIntactRoleTag('<|im_start|>system'); // true
 * hasIntactRoleTag(createSanitizer({ policy: 'neutralize' }).sanitize('<|im_start|>system').text); // false
 * ```
 */
export function hasIntactRoleTag(text: string): boolean {
  const matchingText = roleTagMatchingText(text.normalize('NFKC'));
  roleTagExpression.lastIndex = 0;
  const found = roleTagExpression.test(matchingText);
  roleTagExpression.lastIndex = 0;
  return found;
}
