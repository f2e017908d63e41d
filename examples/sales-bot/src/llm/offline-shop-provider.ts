import { type LlmCompletion, type LlmProvider, type LlmRequest } from '@botkeel/core';
import { type Catalogue, type Language } from '../catalogue/catalogue.js';
import { reply } from '../i18n/replies.js';

const customerMessage = /<customer_message>\n([\s\S]*)\n<\/customer_message>/;
const task = /Task: ([a-z-]+); product: (\S+)/;

function textOf(content: LlmRequest['messages'][number]['content'] | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string'
    ? content
    : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * An offline demo provider that needs no network: it answers from the catalogue with fixed
 * sentences, so the playground runs without an OpenAI key. It goes through the same router
 * (breaker, retries, deadline) as a real model. Its name says "offline-demo" wherever it shows
 * (page, trace, logs); the playground runs two, so the fallback can be watched.
 *
 * @param name - the provider's name; default `'offline-demo'`
 */
export function createOfflineShopProvider(catalogue: Catalogue, name = 'offline-demo'): LlmProvider {
  return {
    name,
    complete(request) {
      const system = textOf(request.messages[0]?.content);
      const [, kind = 'discovery', sku = 'none'] = task.exec(system) ?? [];
      const language = (
        ['uk', 'ru', 'en'].includes(request.language ?? '') ? request.language : 'uk'
      ) as Language;
      const said = customerMessage.exec(textOf(request.messages.at(-1)?.content))?.[1] ?? '';
      const product = catalogue.bySku(sku);
      let text: string;
      if (kind === 'objection') {
        text = reply('priceObjection', language);
      } else if (kind === 'product-question' && product !== undefined) {
        text = `${product.name[language]}: ${product.priceUah} UAH; ${product.colours.join(', ')}; ${product.sizes.join(', ')}.`;
      } else {
        const found = catalogue.search(said, 3);
        const kinds = [...new Set(catalogue.products.map((item) => item.name[language].split(' ')[0]))].join(
          ', ',
        );
        text =
          found.length > 0
            ? found.map((item) => `${item.name[language]} — ${item.priceUah} UAH`).join('\n')
            : `${reply('notFound', language)} (${kinds})`;
      }
      const completion: LlmCompletion = {
        text,
        model: 'offline-demo-catalogue-rules-1',
        usage: { promptTokens: 0, completionTokens: 0 },
      };
      return Promise.resolve(completion);
    },
  };
}
