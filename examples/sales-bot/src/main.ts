import { createJsonLogger, createSafeLogger, systemClock } from '@botkeel/core';
import { readConfig } from './config.js';
import { runPlayground } from './playground/run-playground.js';

const config = readConfig(process.env);
const clock = systemClock;
const logger = createSafeLogger(createJsonLogger({ level: config.LOG_LEVEL }));

let stop: () => Promise<unknown>;
if (config.BOT_MODE === 'production') {
  const { runProduction } = await import('./production/run-production.js');
  const running = await runProduction(config, clock, logger);
  stop = running.stop;
} else {
  const { bot, url, providers } = await runPlayground(config, clock, logger);
  console.log(
    `Botkeel sales bot playground: ${url} (model providers: ${providers.join(', ')}${providers[0]?.startsWith('offline-demo') === true ? ' — offline demo, no OPENAI_API_KEY' : ''})`,
  );
  stop = () => bot.stop({ deadlineMs: 10_000 });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
