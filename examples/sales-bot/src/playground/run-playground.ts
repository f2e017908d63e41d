import { once } from 'node:events';
import { type AddressInfo } from 'node:net';
import { type Clock, type Logger } from '@botkeel/core';
import { loadCatalogue } from '../catalogue/catalogue.js';
import { type Config } from '../config.js';
import { modelProviders } from '../llm/model-providers.js';
import { createOfflineShopProvider } from '../llm/offline-shop-provider.js';
import { createMemoryOrderRepository } from '../orders/order-repository.js';
import { createShopBot, memoryShopStores } from '../shop-bot.js';
import { createPlaygroundChannel } from './playground-channel.js';
import { createPlaygroundHandoff } from './playground-handoff.js';
import { createPlaygroundServer } from './playground-server.js';

/**
 * The embedded default: the whole bot on memory stores, served with a chat page. Uses OpenAI when
 * `OPENAI_API_KEY` is set, else the offline catalogue provider.
 */
export async function runPlayground(config: Config, clock: Clock, logger: Logger) {
  const catalogue = loadCatalogue();
  const channel = createPlaygroundChannel();
  const providers = [...modelProviders(config, clock), createOfflineShopProvider(catalogue)];
  const { bot } = createShopBot({
    catalogue,
    channel,
    stores: memoryShopStores(clock),
    providers,
    orders: createMemoryOrderRepository(),
    defaultLanguage: config.SHOP_LANGUAGE,
    handoff: createPlaygroundHandoff(channel),
    clock,
    logger,
  });
  const server = createPlaygroundServer({ bot, channel, clock });
  server.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  bot.register('http', () => new Promise<void>((resolve) => server.close(() => resolve())));
  bot.start();
  const { port } = server.address() as AddressInfo;
  return { bot, server, url: `http://${config.HOST}:${port}/` };
}
