import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

describe('readConfig', () => {
  it('runs the playground with no environment at all', () => {
    expect(readConfig({})).toMatchObject({ BOT_MODE: 'playground', PORT: 3000, HOST: '127.0.0.1' });
  });

  it('lists every missing production variable in one error', () => {
    expect(() => readConfig({ BOT_MODE: 'production' })).toThrow(
      /TELEGRAM_BOT_TOKEN: required[\s\S]*TELEGRAM_WEBHOOK_SECRET[\s\S]*OPENAI_API_KEY[\s\S]*REDIS_URL[\s\S]*DATABASE_URL/,
    );
  });

  it('names invalid variables without echoing their values', () => {
    const secret = 'not-a-token-but-secret-value-123';
    let message = '';
    try {
      readConfig({ TELEGRAM_BOT_TOKEN: secret, PORT: 'eighty', OPENAI_API_KEY: 'short' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('TELEGRAM_BOT_TOKEN');
    expect(message).toContain('PORT');
    expect(message).toContain('OPENAI_API_KEY');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('eighty');
  });
});
