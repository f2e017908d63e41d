import { z } from 'zod';
import { type BotMessage } from './bot-message.js';

/** The longest text one message may carry (Telegram allows 4,096; captions 1,024). */
export const maxMessageTextLength = 16_384;

const id = z.string().min(1).max(256);

/** What `bot.handle` checks before anything is stored; adapters build valid messages already. */
export const botMessageSchema = z.object({
  channel: z.string().min(1).max(64),
  chatId: id,
  userId: id,
  messageId: id,
  updateKey: id,
  text: z.string().max(maxMessageTextLength),
  attachments: z.array(z.object({ kind: z.string() }).passthrough()).max(20),
  receivedAt: z.number().finite(),
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, minLength: number, maxLength: number): boolean {
  return typeof value === 'string' && value.length >= minLength && value.length <= maxLength;
}

/**
 * The rules of {@link botMessageSchema}, checked by hand without allocating: `true` only for a
 * message the schema accepts. Anything else goes through the schema, which then names the problem
 * (so the reasons stay exactly the schema's).
 */
function isPlainlyValid(message: unknown): boolean {
  if (!isObject(message)) return false;
  const { attachments, receivedAt } = message;
  if (
    !isText(message['channel'], 1, 64) ||
    !isText(message['chatId'], 1, 256) ||
    !isText(message['userId'], 1, 256) ||
    !isText(message['messageId'], 1, 256) ||
    !isText(message['updateKey'], 1, 256) ||
    !isText(message['text'], 0, maxMessageTextLength) ||
    typeof receivedAt !== 'number' ||
    !Number.isFinite(receivedAt) ||
    !Array.isArray(attachments) ||
    attachments.length > 20
  ) {
    return false;
  }
  for (const attachment of attachments as unknown[]) {
    if (!isObject(attachment) || typeof attachment['kind'] !== 'string') return false;
  }
  return true;
}

/** A short reason when `message` cannot be accepted, else `undefined`. */
export function invalidMessageReason(message: BotMessage): string | undefined {
  // The hot path of every update: a hand check; the schema only runs to word a rejection.
  if (isPlainlyValid(message)) return undefined;
  const parsed = botMessageSchema.safeParse(message);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `invalid message: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim();
}
