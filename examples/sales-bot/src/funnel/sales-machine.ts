import {
  type ConversationReply,
  type EscalateEvent,
  type EscalationEmitted,
  withEscalation,
} from '@botkeel/core';
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import { type Catalogue, type Language, findColour, findSize } from '../catalogue/catalogue.js';
import { type ReplyName, reply } from '../i18n/replies.js';
import { isNo, isObjection, isYes } from './intents.js';
import { parseOrderDetails } from './order-details.js';
import {
  type AnswerRequest,
  type PlacedOrder,
  type SalesContext,
  type SalesServices,
  type TranscriptLine,
  type UserMessageEvent,
} from './sales-types.js';

type SalesEvent = UserMessageEvent | EscalateEvent;
const transcriptLimit = 30;

/** The version of the funnel stored with every checkpoint; bump it (with a migration) on breaking changes. */
export const salesMachineVersion = 1;

/** The handoff state: where ESCALATE lands from anywhere. */
export const handoffState = 'STATE_ESCALATED';

/** What the model is asked for `kind`: the customer's last words, the product in view and the transcript. */
const answerInput =
  (kind: AnswerRequest['kind']) =>
  ({ context }: { context: SalesContext }): AnswerRequest => ({
    kind,
    language: context.language,
    text: context.transcript.at(-1)?.text ?? '',
    sku: context.sku,
    transcript: context.transcript,
  });

const remember = (transcript: TranscriptLine[], line: TranscriptLine) =>
  [...transcript, line].slice(-transcriptLimit);

/**
 * The shop's sales funnel: greeting → discovery → product (text or photo) → size and colour → offer →
 * objections → order details → end, and ESCALATE to a manager from any state. The funnel decides
 * every step from what the customer wrote; the model only writes free-form answers, and nothing
 * that changes money or orders is ever up to it (OWASP LLM01).
 */
export function createSalesMachine(catalogue: Catalogue, services: SalesServices) {
  const productName = (context: SalesContext) =>
    context.sku === undefined ? '' : (catalogue.bySku(context.sku)?.name[context.language] ?? '');
  const inStock = (context: SalesContext) =>
    context.sku !== undefined &&
    context.size !== undefined &&
    context.colour !== undefined &&
    catalogue.stockOf(context.sku, context.colour, context.size) > 0;
  const mentionedSku = (text: string) => catalogue.search(text, 1)[0]?.sku;

  const base = setup({
    types: {
      context: {} as SalesContext,
      events: {} as SalesEvent,
      input: {} as { chatId: string; language: Language; nowMs: number },
      emitted: {} as ConversationReply | EscalationEmitted,
    },
    actors: {
      answer: fromPromise(({ input, signal }: { input: AnswerRequest; signal: AbortSignal }) =>
        services.answer(input, signal),
      ),
      recognizePhoto: fromPromise(
        ({ input, signal }: { input: { fileId: string; language: Language }; signal: AbortSignal }) =>
          services.recognizePhoto(input.fileId, input.language, signal),
      ),
      placeOrder: fromPromise(({ input, signal }: { input: PlacedOrder; signal: AbortSignal }) =>
        services.placeOrder(input, signal),
      ),
    },
    guards: {
      hasProduct: ({ context }) => context.sku !== undefined,
      hasPhoto: ({ context }) => context.photoFileId !== undefined,
      isVariantInStock: ({ context }) => inStock(context),
      isYes: ({ event }) => event.type === 'USER_MESSAGE' && isYes(event.text),
      isNo: ({ event }) => event.type === 'USER_MESSAGE' && isNo(event.text),
      isObjection: ({ event }) => event.type === 'USER_MESSAGE' && isObjection(event.text),
      mentionsOtherProduct: ({ context, event }) => {
        if (event.type !== 'USER_MESSAGE') return false;
        const sku = mentionedSku(event.text);
        return sku !== undefined && sku !== context.sku;
      },
      mentionsVariant: ({ event }) =>
        event.type === 'USER_MESSAGE' &&
        (findSize(event.text) !== undefined || findColour(event.text) !== undefined),
      hasOrderDetails: ({ event }) =>
        event.type === 'USER_MESSAGE' && parseOrderDetails(event.text) !== undefined,
    },
    actions: {
      absorb: assign(({ context, event }) => {
        if (event.type !== 'USER_MESSAGE') return {};
        const sku = mentionedSku(event.text);
        const isNewProduct = sku !== undefined && sku !== context.sku;
        return {
          language: event.language ?? context.language,
          sku: sku ?? context.sku,
          size: findSize(event.text) ?? (isNewProduct ? undefined : context.size),
          colour: findColour(event.text) ?? (isNewProduct ? undefined : context.colour),
          photoFileId: event.photoFileId ?? context.photoFileId,
          transcript: remember(context.transcript, { from: 'user', text: event.text }),
        };
      }),
      say: enqueueActions(
        ({ context, enqueue }, params: { text: ReplyName | ((context: SalesContext) => string) }) => {
          const text =
            typeof params.text === 'string' ? reply(params.text, context.language) : params.text(context);
          enqueue.emit({ type: 'reply', text });
          enqueue.assign({ transcript: remember(context.transcript, { from: 'bot', text }) });
        },
      ),
      sayOutput: enqueueActions(({ context, event, enqueue }) => {
        const output = (event as { output?: unknown }).output;
        const text = typeof output === 'string' ? output.trim() : '';
        if (text === '') return;
        enqueue.emit({ type: 'reply', text });
        enqueue.assign({ transcript: remember(context.transcript, { from: 'bot', text }) });
      }),
      nudgeVariant: enqueueActions(({ context, enqueue }) => {
        const product = context.sku === undefined ? undefined : catalogue.bySku(context.sku);
        if (product === undefined || inStock(context)) return;
        let text: string;
        if (context.size !== undefined && context.colour !== undefined) {
          text = reply('outOfStock', context.language);
          enqueue.assign({ size: undefined, colour: undefined });
        } else if (context.size === undefined) {
          text = `${reply('askSize', context.language)} (${product.sizes.join(', ')})`;
        } else {
          text = `${reply('askColour', context.language)} (${product.colours.join(', ')})`;
        }
        enqueue.emit({ type: 'reply', text });
        enqueue.assign({ transcript: remember(context.transcript, { from: 'bot', text }) });
      }),
    },
  }).createMachine({
    id: 'sales',
    initial: 'STATE_0_INIT',
    context: ({ input }) => ({
      chatId: input.chatId,
      language: input.language,
      startedAtMs: input.nowMs,
      sku: undefined,
      size: undefined,
      colour: undefined,
      photoFileId: undefined,
      order: undefined,
      orderId: undefined,
      transcript: [],
    }),
    states: {
      STATE_0_INIT: {
        on: {
          USER_MESSAGE: {
            target: 'STATE_1_DISCOVERY',
            actions: [
              'absorb',
              assign({ startedAtMs: ({ event }) => event.nowMs }),
              { type: 'say', params: { text: 'greeting' } },
            ],
          },
        },
      },
      STATE_1_DISCOVERY: {
        initial: 'waiting',
        always: [
          { guard: 'hasProduct', target: 'STATE_2_PRODUCT' },
          { guard: 'hasPhoto', target: 'STATE_2_PRODUCT' },
        ],
        states: {
          waiting: {},
          answering: {
            invoke: {
              src: 'answer',
              input: answerInput('discovery'),
              onDone: { target: 'waiting', actions: 'sayOutput' },
            },
          },
        },
        on: { USER_MESSAGE: { target: '.answering', reenter: true, actions: 'absorb' } },
      },
      STATE_2_PRODUCT: {
        initial: 'routing',
        states: {
          routing: {
            always: [
              { guard: 'hasProduct', target: 'describing' },
              { guard: 'hasPhoto', target: 'recognizing' },
              { target: '#sales.STATE_1_DISCOVERY' },
            ],
          },
          recognizing: {
            invoke: {
              src: 'recognizePhoto',
              input: ({ context }) => ({ fileId: context.photoFileId ?? '', language: context.language }),
              onDone: [
                {
                  guard: ({ event }) =>
                    event.output !== undefined && mentionedSku(event.output) !== undefined,
                  target: 'routing',
                  actions: assign({
                    sku: ({ event }) => mentionedSku(event.output ?? ''),
                    photoFileId: undefined,
                  }),
                },
                {
                  target: '#sales.STATE_1_DISCOVERY',
                  actions: [
                    assign({ photoFileId: undefined }),
                    { type: 'say', params: { text: 'notFound' } },
                  ],
                },
              ],
              onError: {
                target: '#sales.STATE_1_DISCOVERY',
                actions: [assign({ photoFileId: undefined }), { type: 'say', params: { text: 'notFound' } }],
              },
            },
          },
          describing: {
            entry: {
              type: 'say',
              params: {
                text: (context: SalesContext) => {
                  const product = catalogue.bySku(context.sku ?? '');
                  return product === undefined
                    ? reply('notFound', context.language)
                    : `${product.name[context.language]} — ${product.priceUah} UAH (${product.colours.join(', ')}; ${product.sizes.join(', ')})`;
                },
              },
            },
            always: '#sales.STATE_3_SIZE_COLOUR',
          },
        },
      },
      STATE_3_SIZE_COLOUR: {
        entry: 'nudgeVariant',
        always: { guard: 'isVariantInStock', target: 'STATE_4_OFFER' },
        on: {
          USER_MESSAGE: [
            { guard: 'mentionsOtherProduct', target: 'STATE_2_PRODUCT', actions: 'absorb' },
            { target: 'STATE_3_SIZE_COLOUR', reenter: true, actions: 'absorb' },
          ],
        },
      },
      STATE_4_OFFER: {
        initial: 'presented',
        entry: {
          type: 'say',
          params: {
            text: (context: SalesContext) => {
              const price = catalogue.bySku(context.sku ?? '')?.priceUah ?? 0;
              const question = { uk: 'Оформлюємо?', ru: 'Оформляем?', en: 'Shall I place the order?' }[
                context.language
              ];
              return `${productName(context)}, ${context.colour ?? ''}, ${context.size ?? ''}: ${price} UAH. ${question}`;
            },
          },
        },
        states: {
          presented: {},
          answering: {
            invoke: {
              src: 'answer',
              input: answerInput('product-question'),
              onDone: { target: 'presented', actions: 'sayOutput' },
            },
          },
        },
        on: {
          USER_MESSAGE: [
            { guard: 'isYes', target: 'STATE_6_ORDER', actions: 'absorb' },
            { guard: 'isObjection', target: 'STATE_5_OBJECTIONS', actions: 'absorb' },
            {
              guard: 'isNo',
              target: 'STATE_1_DISCOVERY',
              actions: [
                'absorb',
                assign({ sku: undefined, size: undefined, colour: undefined }),
                { type: 'say', params: { text: 'somethingElse' } },
              ],
            },
            { guard: 'mentionsOtherProduct', target: 'STATE_2_PRODUCT', actions: 'absorb' },
            { guard: 'mentionsVariant', target: 'STATE_3_SIZE_COLOUR', actions: 'absorb' },
            { target: '.answering', reenter: true, actions: 'absorb' },
          ],
        },
      },
      STATE_5_OBJECTIONS: {
        initial: 'answering',
        states: {
          waiting: {},
          answering: {
            invoke: {
              src: 'answer',
              input: answerInput('objection'),
              onDone: { target: 'waiting', actions: 'sayOutput' },
            },
          },
        },
        on: {
          USER_MESSAGE: [
            { guard: 'isYes', target: 'STATE_6_ORDER', actions: 'absorb' },
            {
              guard: 'isNo',
              target: 'STATE_7_END',
              actions: 'absorb',
            },
            { target: '.answering', reenter: true, actions: 'absorb' },
          ],
        },
      },
      STATE_6_ORDER: {
        initial: 'collecting',
        entry: { type: 'say', params: { text: 'askOrderDetails' } },
        states: {
          collecting: {
            on: {
              USER_MESSAGE: [
                {
                  guard: 'hasOrderDetails',
                  target: 'placing',
                  actions: ['absorb', assign({ order: ({ event }) => parseOrderDetails(event.text) })],
                },
                { actions: ['absorb', { type: 'say', params: { text: 'invalidOrderDetails' } }] },
              ],
            },
          },
          placing: {
            invoke: {
              src: 'placeOrder',
              input: ({ context }) => {
                const product = catalogue.bySku(context.sku ?? '');
                if (
                  product === undefined ||
                  context.size === undefined ||
                  context.colour === undefined ||
                  context.order === undefined
                ) {
                  throw new Error('order is incomplete');
                }
                return {
                  orderKey: `${context.chatId}:${context.startedAtMs}:${product.sku}:${context.colour}:${context.size}`,
                  chatId: context.chatId,
                  sku: product.sku,
                  size: context.size,
                  colour: context.colour,
                  priceUah: product.priceUah,
                  details: context.order,
                };
              },
              onDone: {
                target: '#sales.STATE_7_END',
                actions: assign({ orderId: ({ event }) => event.output }),
              },
              onError: { target: '#sales.STATE_ESCALATED' },
            },
          },
        },
      },
      STATE_7_END: {
        type: 'final',
        entry: {
          type: 'say',
          params: {
            text: (context: SalesContext) =>
              context.orderId === undefined
                ? reply('goodbye', context.language)
                : `${reply('orderConfirmed', context.language)} (№ ${context.orderId})`,
          },
        },
      },
      STATE_ESCALATED: {
        entry: { type: 'say', params: { text: 'escalated' } },
      },
    },
  });
  return withEscalation(base, { handoffState });
}

/** The funnel's machine type. */
export type SalesMachine = ReturnType<typeof createSalesMachine>;
