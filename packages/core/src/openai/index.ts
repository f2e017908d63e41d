/**
 * The OpenAI provider for Botkeel's LLM router, on the official `openai` SDK (an optional peer
 * dependency: install `openai` to use this subpath).
 *
 * @packageDocumentation
 * @module @botkeel/core/openai
 */
export { openAiProvider, type OpenAiProviderOptions } from './openai-provider.js';
