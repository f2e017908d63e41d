import { once } from 'node:events';
import { type AddressInfo } from 'node:net';
import {
  type Ack,
  type BotMessage,
  MemoryDedupeStore,
  createJsonLogger,
  createLifecycle,
  createSafeLogger,
  systemClock,
} from '@botkeel/core';
import { findColour, findSize, loadCatalogue } from './catalogue/catalogue.js';
import { readConfig } from './config.js';
import { detectLanguage } from './i18n/detect-language.js';
import { reply } from './i18n/replies.js';
import { createPlaygroundChannel } from './playground/playground-channel.js';
import { createPlaygroundServer } from './playground/playground-server.js';

const config = readConfig(process.env);
const clock = systemClock;
const logger = createSafeLogger(createJsonLogger({ level: config.LOG_LEVEL }));
const lifecycle = createLifecycle({ clock, logger });
const catalogue = loadCatalogue();
const channel = createPlaygroundChannel();
const dedupe = new MemoryDedupeStore({ clock });

const bot = {
  async handle(message: BotMessage): Promise<Ack> {
    if ((await dedupe.claim(message.updateKey, { leaseMs: 30_000 })) !== 'claimed')
      return { status: 'duplicate' };
    const language = detectLanguage(message.text, config.SHOP_LANGUAGE);
    const [product] = catalogue.search(message.text, 1);
    const size = findSize(message.text);
    const colour = findColour(message.text);
    let text: string = reply('greeting', language);
    if (product !== undefined) {
      const name = product.name[language];
      if (size !== undefined && colour !== undefined) {
        text =
          catalogue.stockOf(product.sku, colour, size) > 0
            ? `${name}, ${colour}, ${size}: ${product.priceUah} UAH. ${reply('askOrderDetails', language)}`
            : reply('outOfStock', language);
      } else {
        text = `${name}: ${product.priceUah} UAH. ${reply(size === undefined ? 'askSize' : 'askColour', language)}`;
      }
    }
    await channel.send({ chatId: message.chatId, text, idempotencyKey: message.updateKey });
    await dedupe.complete(message.updateKey, { ttlMs: 86_400_000 });
    return { status: 'accepted' };
  },
};

const server = createPlaygroundServer({ bot, channel, clock });
server.listen(config.PORT, config.HOST);
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
lifecycle.register('http', () => new Promise<void>((resolve) => server.close(() => resolve())));
console.log(`Botkeel sales bot playground: http://${config.HOST}:${port}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void lifecycle.shutdown({ deadlineMs: 10_000 }).then(() => process.exit(0));
  });
}
