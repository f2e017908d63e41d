import { BotkeelError, type Clock, type Logger } from '@botkeel/core';
import { type Config } from '../config.js';

/** Production mode: Telegram webhook, Redis and Postgres. */
export function runProduction(_config: Config, _clock: Clock, logger: Logger): Promise<never> {
  logger.fatal('production mode is not assembled yet');
  return Promise.reject(
    new BotkeelError('INVALID_OPTIONS', 'BOT_MODE=production is not available in this build yet'),
  );
}
