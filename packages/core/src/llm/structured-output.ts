import { type z } from 'zod';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type LlmMessage } from './llm-types.js';

/** The outcome of checking a reply against a schema. */
export type ParsedOutput<Output> = { isValid: true; output: Output } | { isValid: false; problem: string };

/** Strips a Markdown code fence some models wrap JSON in. */
function unfence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return match?.[1] ?? text;
}

/** Parses `text` as JSON and validates it with `schema`. */
export function parseStructured<Output>(text: string, schema: z.ZodType<Output>): ParsedOutput<Output> {
  let json: unknown;
  try {
    json = JSON.parse(unfence(text));
  } catch (error) {
    return {
      isValid: false,
      problem: `not valid JSON (${error instanceof Error ? error.message : 'parse error'})`,
    };
  }
  const result = schema.safeParse(json);
  if (result.success) return { isValid: true, output: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  return { isValid: false, problem: problems.join('; ') };
}

/** The messages of the one repair attempt: the bad reply and what was wrong with it. */
export function repairMessages(
  messages: readonly LlmMessage[],
  badReply: string,
  problem: string,
): LlmMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: badReply },
    {
      role: 'user',
      content: `Your previous reply did not match the required JSON schema: ${problem}. Reply again with only the corrected JSON, no prose.`,
    },
  ];
}

/** The error of a reply that still fails the schema after its repair attempt. */
export function invalidOutputError(provider: string, problem: string): BotkeelError {
  return new BotkeelError(
    'LLM_OUTPUT_INVALID',
    `Provider "${provider}" replied with invalid structured output: ${problem}`,
    {
      retryable: false,
    },
  );
}
