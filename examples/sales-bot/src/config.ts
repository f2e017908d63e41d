import { BotkeelError } from '@botkeel/core';
import { z } from 'zod';

const optionalUrl = z.url().optional();
const baseSchema = z.object({
  BOT_MODE: z.enum(['playground', 'production']).default('playground'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  SHOP_LANGUAGE: z.enum(['uk', 'ru', 'en']).default('uk'),
  OPENAI_API_KEY: z.string().min(20).optional(),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_FALLBACK_MODEL: z.string().min(1).default('gpt-4.1-mini'),
  SECOND_LLM_BASE_URL: optionalUrl,
  SECOND_LLM_API_KEY: z.string().min(1).optional(),
  SECOND_LLM_MODEL: z.string().min(1).optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d{5,16}:[A-Za-z0-9_-]{30,64}$/, 'expected a Bot API token like 123456:ABC…')
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16–256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  TELEGRAM_API_ROOT: optionalUrl,
  TELEGRAM_MANAGERS_CHAT_ID: z
    .string()
    .regex(/^-?\d{1,20}$/)
    .optional(),
  REDIS_URL: optionalUrl,
  DATABASE_URL: optionalUrl,
  /** A key prefix for Redis and a schema for Postgres, so several bots can share the servers. */
  STORE_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,30}$/, 'expected lower-case letters, digits and _')
    .default('shop'),
  PUBLIC_WEBHOOK_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]{1,100}$/)
    .default('/telegram'),
  INSTANCES: z.coerce.number().int().min(1).max(1_000).default(1),
});

const requiredInProduction = [
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'TELEGRAM_MANAGERS_CHAT_ID',
  'OPENAI_API_KEY',
  'REDIS_URL',
  'DATABASE_URL',
] as const;

/** The bot's configuration, read from the environment once at start. */
export type Config = z.infer<typeof baseSchema>;

/**
 * Validates the environment. On any problem, throws ONE error listing every missing or invalid
 * variable by name and reason — never by value, so no secret is echoed.
 */
export function readConfig(environment: Readonly<Record<string, string | undefined>>): Config {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = baseSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message.split(', received')[0]}`);
  if (parsed.success && parsed.data.BOT_MODE === 'production') {
    for (const name of requiredInProduction) {
      if (parsed.data[name] === undefined) problems.push(`${name}: required when BOT_MODE=production`);
    }
  }
  if (!parsed.success || problems.length > 0) {
    throw new BotkeelError('INVALID_OPTIONS', `Invalid environment:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
