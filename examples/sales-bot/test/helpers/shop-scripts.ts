/** One customer message and what it must cause. */
export interface ScriptStep {
  readonly text: string;
  /** Bot replies this message causes in the customer's chat. */
  readonly replies: number;
  /** Messages it causes in the managers' chat (a handoff summary, a forwarded message). */
  readonly managerMessages: number;
}

/** A customer's whole conversation, scripted to a known end. */
export interface ShopScript {
  readonly kind: 'order' | 'declined' | 'escalated';
  readonly steps: readonly ScriptStep[];
  /** The funnel state the checkpoint must end in. */
  readonly finalState: 'STATE_7_END' | 'STATE_ESCALATED';
  /** Rows in `shop_orders` for the chat. */
  readonly orders: 0 | 1;
  /** The last bot reply in the chat. */
  readonly lastReply: RegExp;
}

const step = (text: string, replies: number, managerMessages = 0): ScriptStep => ({
  text,
  replies,
  managerMessages,
});

const greeting = step('Привіт!', 1);
// The model answers (or, when every attempt failed, the canned reply does): one reply either way.
const discovery = step('Що порадите на осінь?', 1);
// The product card, then the size question.
const hoodie = [step('Шукаю худі Класик', 2), step('розмір S', 1), step('білий', 1)];
const tshirt = [step('Шукаю футболку Урбан', 2), step('розмір M', 1), step('бежева', 1)];
const details = (index: number) =>
  step(`Олена, +38050${String(1_000_000 + index).slice(-7)}, Київ, відділення ${index + 1}`, 1);

/**
 * The conversation of customer `index`: half place an order (two products), a quarter hesitate and
 * decline, a quarter ask for a manager (some at once, some at the offer) and then write to them.
 */
export function shopScript(index: number): ShopScript {
  const product = index % 8 < 4 ? hoodie : tshirt;
  switch (index % 4) {
    case 0:
    case 1:
      return {
        kind: 'order',
        steps: [greeting, discovery, ...product, step('Так, оформлюємо', 1), details(index)],
        finalState: 'STATE_7_END',
        orders: 1,
        lastReply: /Замовлення оформлено.*№ BK\d+/,
      };
    case 2:
      return {
        kind: 'declined',
        steps: [greeting, discovery, ...product, step('Дорого, я подумаю', 1), step('ні, дякую', 1)],
        finalState: 'STATE_7_END',
        orders: 0,
        lastReply: /дякую за інтерес/,
      };
    default:
      return {
        kind: 'escalated',
        steps: [
          greeting,
          discovery,
          ...(index % 8 < 4 ? [] : product),
          step('покличте менеджера', 1, 1),
          step('алло, ви тут?', 0, 1),
        ],
        finalState: 'STATE_ESCALATED',
        orders: 0,
        lastReply: /Передаю розмову менеджеру/,
      };
  }
}
