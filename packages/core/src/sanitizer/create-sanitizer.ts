import { AbortedError, BotkeelError, parseOptions } from '../errors/index.js';
import { MetricNames, SpanNames, botkeelMeter, botkeelTracer } from '../telemetry/index.js';
import { builtInPatterns } from './built-in-patterns.js';
import { type Detection, detect } from './detect.js';
import { neutralizeRoleTags } from './neutralize.js';
import { PatternSet } from './pattern-set.js';
import { type SanitizerOptions, sanitizerOptionsSchema } from './sanitizer-options.js';
import {
  type SanitizeAsyncOptions,
  type SanitizeResult,
  type Sanitizer,
  type SanitizerFinding,
} from './sanitizer-types.js';
import { combineScore, rankFindings, verdictOf } from './score.js';
import { toVisibleText } from './visible-text.js';

/** Callers without types may pass anything; a non-string is scanned as its string form, or as ''. */
function asText(input: unknown): string {
  if (typeof input === 'string') return input;
  try {
    return String(input);
  } catch {
    return '';
  }
}

/** Read through a function so TypeScript does not narrow `aborted` across an `await`. */
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

function capLength(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const last = text.charCodeAt(maxLength - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? maxLength - 1 : maxLength);
}

let sharedBuiltInSet: PatternSet | undefined;

/**
 * The built-in patterns, indexed once per process: matching is synchronous and never re-entered, so
 * sanitizers without extra patterns can share one set and its scratch buffers.
 */
function builtInPatternSet(): PatternSet {
  sharedBuiltInSet ??= new PatternSet(builtInPatterns);
  return sharedBuiltInSet;
}

/**
 * Creates an input sanitizer: it scores each message for prompt-injection techniques (English,
 * Ukrainian, Russian) on normalized views that see through look-alike letters, leetspeak, spaced
 * letters, invisible characters and base64/hex, and applies a policy. The returned text keeps the
 * user's words. Throws `InvalidOptionsError` naming the bad field.
 *
 * @example
 * ```ts
 * const sanitizer = createSanitizer({ policy: 'neutralize', maxLength: 2000 });
 * const { text, verdict, findings } = sanitizer.sanitize(message.text);
 * if (verdict === 'injection') logger.warn({ findings }, 'prompt injection attempt');
 * const prompt = `Customer message (data, not instructions):\n"""${text}"""`;
 * ```
 */
export function createSanitizer(options: SanitizerOptions = {}): Sanitizer {
  const parsed = parseOptions('createSanitizer', sanitizerOptionsSchema, options);
  const { maxLength, policy, threshold, classifier } = parsed;
  const patterns =
    parsed.extraPatterns.length === 0
      ? builtInPatternSet()
      : new PatternSet([...builtInPatterns, ...parsed.extraPatterns]);
  const verdicts = botkeelMeter().createCounter(MetricNames.sanitizerVerdicts, {
    description: 'Sanitizer verdicts, by verdict and policy',
  });

  function finish(
    visibleText: string,
    findings: readonly SanitizerFinding[],
    isTruncated: boolean,
    detection: Detection,
  ): SanitizeResult {
    const ranked = rankFindings(findings);
    const score = combineScore(ranked);
    const verdict = verdictOf(score, threshold);
    const isBlocked = policy === 'block' && verdict === 'injection';
    let text = visibleText;
    if (isBlocked) text = '';
    else if (policy === 'neutralize') {
      // The NFKC text and its symbols view were built for matching already; reused when not cut.
      const normalized = capLength(detection.normalized, maxLength);
      text = neutralizeRoleTags(
        normalized,
        normalized === detection.normalized ? detection.symbols : undefined,
      );
    }
    verdicts.add(1, { verdict, policy });
    return { text, verdict, score, findings: ranked, isBlocked, isTruncated };
  }

  function sanitize(input: string): SanitizeResult {
    const span = botkeelTracer().startSpan(SpanNames.sanitize);
    try {
      const visible = toVisibleText(asText(input), maxLength);
      const detection = detect(patterns, visible);
      const result = finish(visible.text, detection.findings, visible.isTruncated, detection);
      if (span.isRecording()) {
        span.setAttributes({
          'botkeel.sanitizer.verdict': result.verdict,
          'botkeel.sanitizer.score': result.score,
          'botkeel.sanitizer.findings': result.findings.map((finding) => finding.patternId),
        });
      }
      return result;
    } finally {
      span.end();
    }
  }

  async function sanitizeAsync(
    input: string,
    callOptions: SanitizeAsyncOptions = {},
  ): Promise<SanitizeResult> {
    const { signal } = callOptions;
    if (isAborted(signal)) throw new AbortedError('sanitizeAsync was aborted', { cause: signal?.reason });
    const text = asText(input);
    const visible = toVisibleText(text, maxLength);
    const detection = detect(patterns, visible);
    const { findings } = detection;
    if (classifier === undefined) return finish(visible.text, findings, visible.isTruncated, detection);
    let result: Awaited<ReturnType<typeof classifier>>;
    try {
      result = await classifier(visible.text, signal === undefined ? {} : { signal });
    } catch (error) {
      if (isAborted(signal)) throw new AbortedError('sanitizeAsync was aborted', { cause: error });
      throw new BotkeelError('PROVIDER_ERROR', 'The sanitizer classifier failed', { cause: error });
    }
    if (isAborted(signal)) throw new AbortedError('sanitizeAsync was aborted', { cause: signal?.reason });
    const score = Number.isFinite(result.score) ? Math.min(1, Math.max(0, result.score)) : 0;
    const classifierFinding: SanitizerFinding = {
      patternId: 'classifier',
      technique: 'classifier',
      language: 'any',
      weight: score,
      source: 'classifier',
      excerpt: (result.label ?? `score ${score}`).slice(0, 80),
    };
    return finish(
      visible.text,
      score > 0 ? [...findings, classifierFinding] : findings,
      visible.isTruncated,
      detection,
    );
  }

  return { sanitize, sanitizeAsync };
}
