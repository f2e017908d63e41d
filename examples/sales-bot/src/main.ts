import { createJsonLogger, createSafeLogger, systemClock } from '@botkeel/core';
import { readConfig } from './config.js';
import { runPlayground } from './playground/run-playground.js';

const config = readConfig(process.env);
const clock = systemClock;
const logger = createSafeLogger(createJsonLogger({ level: config.LOG_LEVEL }));

const { bot, url } = await runPlayground(config, clock, logger);
console.log(`Botkeel sales bot playground: ${url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void bot.stop({ deadlineMs: 10_000 }).then(() => process.exit(0));
  });
}
