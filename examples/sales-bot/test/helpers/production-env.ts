import { type FakeOpenAIServer } from '@botkeel/core/testing';
import { type TelegramSimulator } from '@botkeel/adapter-telegram/testing';

/** What a production-mode test bot talks to. */
export interface ProductionEnvParts {
  readonly simulator: TelegramSimulator;
  readonly openai: FakeOpenAIServer;
  readonly secret: string;
  readonly namespace: string;
}

/**
 * The environment of a production-mode bot wired to the Telegram simulator, the fake OpenAI server
 * and the session's Redis and Postgres, on an ephemeral port.
 */
export function productionEnv({
  simulator,
  openai,
  secret,
  namespace,
}: ProductionEnvParts): Record<string, string> {
  return {
    BOT_MODE: 'production',
    PORT: '0',
    TELEGRAM_BOT_TOKEN: simulator.token,
    TELEGRAM_WEBHOOK_SECRET: secret,
    TELEGRAM_API_ROOT: simulator.apiRoot,
    TELEGRAM_MANAGERS_CHAT_ID: '-1001234567890',
    OPENAI_API_KEY: 'sk-test-0123456789abcdefghij',
    OPENAI_BASE_URL: openai.baseURL,
    REDIS_URL: 'redis://127.0.0.1:6379',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    STORE_NAMESPACE: namespace,
  };
}
