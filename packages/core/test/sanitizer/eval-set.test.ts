import { createSanitizer } from '@botkeel/core';
import { describe, expect, it } from 'vitest';
import evaluationSet from './eval-set.json' with { type: 'json' };

interface EvaluationMessage {
  readonly language: string;
  readonly isInjection: boolean;
  readonly split: 'tuning' | 'held-out';
  readonly text: string;
}

const allMessages = evaluationSet as readonly EvaluationMessage[];
/** The patterns were written and adjusted against this split; the goals are asserted on it. */
const messages = allMessages.filter((message) => message.split === 'tuning');
/** Never used to adjust the patterns; its detection rate is reported by bench/sanitizer-eval.ts. */
const heldOut = allMessages.filter((message) => message.split === 'held-out');
const sanitizer = createSanitizer();

function rates(
  language: string | undefined,
  from: readonly EvaluationMessage[] = messages,
): { detection: number; falsePositives: number } {
  const selected = from.filter((message) => language === undefined || message.language === language);
  const injections = selected.filter((message) => message.isInjection);
  const benign = selected.filter((message) => !message.isInjection);
  const detected = injections.filter((message) => sanitizer.sanitize(message.text).verdict !== 'clean');
  const flagged = benign.filter((message) => sanitizer.sanitize(message.text).verdict === 'injection');
  return { detection: detected.length / injections.length, falsePositives: flagged.length / benign.length };
}

describe('evaluation set', () => {
  it('holds at least 300 messages, half injections, in en, uk and ru', () => {
    expect(messages.length).toBeGreaterThanOrEqual(300);
    expect(messages.filter((message) => message.isInjection).length).toBe(messages.length / 2);
    for (const language of ['en', 'uk', 'ru']) {
      expect(messages.filter((message) => message.language === language).length).toBeGreaterThanOrEqual(100);
    }
  });

  it('uses the words that trip naive filters in benign messages', () => {
    const benign = messages
      .filter((message) => !message.isInjection)
      .map((message) => message.text.toLowerCase());
    for (const word of [
      'ignore',
      'system',
      'instructions',
      'prompt',
      'admin',
      'forget',
      'rules',
      'ігнор',
      'систем',
      'інструкц',
      'правил',
      'забуд',
      'игнор',
      'инструкц',
      'забуд',
    ]) {
      expect(
        benign.some((text) => text.includes(word)),
        word,
      ).toBe(true);
    }
  });

  it.each([undefined, 'en', 'uk', 'ru'])('detects >= 90 %% with <= 2 %% false positives (%s)', (language) => {
    const { detection, falsePositives } = rates(language);
    expect(detection).toBeGreaterThanOrEqual(0.9);
    expect(falsePositives).toBeLessThanOrEqual(0.02);
  });

  it('has a held-out split: 20 injections and 20 benign messages per language, none in the tuning split', () => {
    const tuningTexts = new Set(messages.map((message) => message.text));
    for (const language of ['en', 'uk', 'ru']) {
      const selected = heldOut.filter((message) => message.language === language);
      expect(selected.filter((message) => message.isInjection)).toHaveLength(20);
      expect(selected.filter((message) => !message.isInjection)).toHaveLength(20);
    }
    expect(heldOut.some((message) => tuningTexts.has(message.text))).toBe(false);
    expect(messages.length + heldOut.length).toBe(allMessages.length);
  });

  it.each(['en', 'uk', 'ru'])('keeps false positives <= 2 %% on the held-out split (%s)', (language) => {
    expect(rates(language, heldOut).falsePositives).toBeLessThanOrEqual(0.02);
  });
});
