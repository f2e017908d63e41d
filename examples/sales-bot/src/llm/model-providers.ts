import { type Clock, type LlmProvider } from '@botkeel/core';
import { openAiProvider } from '@botkeel/core/openai';
import { type Config } from '../config.js';

/**
 * The model providers the environment configures, in order of preference: OpenAI's main model, its
 * fallback model, and an optional second OpenAI-compatible provider. Empty without `OPENAI_API_KEY`.
 */
export function modelProviders(config: Config, clock: Clock): LlmProvider[] {
  const providers: LlmProvider[] = [];
  if (config.OPENAI_API_KEY !== undefined) {
    const shared = {
      apiKey: config.OPENAI_API_KEY,
      clock,
      ...(config.OPENAI_BASE_URL === undefined ? {} : { baseURL: config.OPENAI_BASE_URL }),
    };
    providers.push(openAiProvider({ ...shared, name: 'openai', model: config.OPENAI_MODEL }));
    providers.push(
      openAiProvider({ ...shared, name: 'openai-fallback', model: config.OPENAI_FALLBACK_MODEL }),
    );
  }
  if (config.SECOND_LLM_BASE_URL !== undefined && config.SECOND_LLM_MODEL !== undefined) {
    providers.push(
      openAiProvider({
        name: 'second',
        baseURL: config.SECOND_LLM_BASE_URL,
        apiKey: config.SECOND_LLM_API_KEY ?? 'not-needed',
        model: config.SECOND_LLM_MODEL,
        clock,
      }),
    );
  }
  return providers;
}
