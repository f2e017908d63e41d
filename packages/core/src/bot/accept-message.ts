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

/** A short reason when `message` cannot be accepted, else `undefined`. */
export function invalidMessageReason(message: BotMessage): string | undefined {
  const parsed = botMessageSchema.safeParse(message);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `invalid message: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim();
}
