import { type Ack, type BotMessage } from '@botkeel/core';

export const secretToken = 'test_Secret-token_123';
export const botId = '123456';

export const user = {
  id: 42,
  is_bot: false,
  first_name: 'Ann',
  last_name: 'Lee',
  username: 'ann',
  language_code: 'uk',
};
export const privateChat = { id: 42, type: 'private', first_name: 'Ann' };
export const groupChat = { id: -1001234567890, type: 'supergroup', title: 'Shop', is_forum: true };
export const message = { message_id: 7, date: 1_700_000_000, chat: privateChat, from: user, text: 'hi' };

/** A bot that records what it is handed and answers a configurable ack. */
export function recordingBot(answer: () => Ack | Promise<Ack> = () => ({ status: 'accepted' })) {
  const messages: BotMessage[] = [];
  return {
    messages,
    handle: async (incoming: BotMessage): Promise<Ack> => {
      messages.push(incoming);
      return answer();
    },
  };
}

export const json = (value: unknown): string => JSON.stringify(value);
