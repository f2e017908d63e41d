import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type HandoffRequest, type ManualClock } from '@botkeel/core';
import {
  createTelegramClient,
  createTelegramHandoff,
  createTelegramWebhook,
} from '@botkeel/adapter-telegram';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';
import { drive } from '../drive.js';
import { recordingBot } from '../inbound/fixtures.js';

const managers = '-1009999';
const secretToken = 'handoff_secret';
let telegram: TelegramSimulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = createManualClock(1_700_000_000_000);
  telegram = await startTelegramSimulator({ clock });
});
afterEach(() => telegram.close());

function setup(topicPerChat = false) {
  const client = createTelegramClient({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    clock,
    requestTimeoutMs: 3_600_000,
  });
  const handoff = createTelegramHandoff({ client, managersChatId: managers, topicPerChat, clock });
  const bot = recordingBot();
  const webhook = createTelegramWebhook({
    bot,
    botId: client.botId,
    secretToken,
    interceptors: [handoff.interceptor],
    clock,
  });
  let updateId = 100;
  const post = (update: Record<string, unknown>) =>
    drive(
      clock,
      webhook.fetch(
        new Request('http://bot.local/', {
          method: 'POST',
          headers: { 'x-telegram-bot-api-secret-token': secretToken },
          body: JSON.stringify({ update_id: (updateId += 1), ...update }),
        }),
      ),
    ).then((response) => response.status);
  return { client, handoff, bot, post };
}

const customer = { id: 77, is_bot: false, first_name: 'Olena', username: 'olena' };
const manager = { id: 5, is_bot: false, first_name: 'Max' };
const fromCustomer = (text: string) => ({
  message: { message_id: 1, date: 1, chat: { id: 77, type: 'private' }, from: customer, text },
});
const request: HandoffRequest = {
  chatId: '77',
  reason: 'asked for a human',
  state: 'checkout',
  recentMessages: [
    { from: 'user', text: 'Where is my order?' },
    { from: 'bot', text: 'Let me check.' },
  ],
  customer: { name: 'Olena', username: 'olena', userId: '77' },
};

describe('createTelegramHandoff', () => {
  it('posts a summary to the managers with name, username, reason, state, last messages and a release button', async () => {
    const { handoff } = setup();
    await drive(clock, handoff.notify(request));
    const [summary] = telegram.messages(managers);
    expect(summary!.text).toContain('Olena (@olena)');
    expect(summary!.text).toContain('Reason: asked for a human');
    expect(summary!.text).toContain('State: checkout');
    expect(summary!.text).toContain('Customer: Where is my order?\nBot: Let me check.');
    expect(summary!.replyMarkup).toEqual({
      inline_keyboard: [[{ text: 'Release to bot', callback_data: 'release:77' }]],
    });
    expect(await handoff.isHandedOff('77')).toBe(true);
  });

  it('is idempotent per chat and reason', async () => {
    const { handoff } = setup();
    await drive(clock, handoff.notify(request));
    await drive(clock, handoff.notify(request));
    expect(telegram.messages(managers)).toHaveLength(1);
  });

  it('forwards the customer to the managers without the bot, relays replies back, and /release hands back', async () => {
    const { handoff, bot, post } = setup();
    await drive(clock, handoff.notify(request));
    const summary = telegram.messages(managers)[0]!;
    expect(await post(fromCustomer('Hello? Anyone?'))).toBe(200);
    expect(bot.messages).toHaveLength(0);
    expect(telegram.messages(managers)[1]!.text).toMatch(/^Olena #chat77:\nHello\? Anyone\?$/);
    // Sent twice with one update_id: a redelivery must not relay twice.
    const reply = {
      update_id: 500,
      message: {
        message_id: 50,
        date: 2,
        chat: { id: Number(managers), type: 'supergroup' },
        from: manager,
        text: 'Hi Olena, your order ships today.',
        reply_to_message: {
          message_id: summary.messageId,
          date: 1,
          chat: { id: Number(managers), type: 'supergroup' },
          text: summary.text,
        },
      },
    };
    expect(await post(reply)).toBe(200);
    expect(await post(reply)).toBe(200);
    expect(telegram.messages('77').map((message) => message.text)).toEqual([
      'Hi Olena, your order ships today.',
    ]);
    const chatter = {
      message: {
        message_id: 51,
        date: 2,
        chat: { id: Number(managers), type: 'supergroup' },
        from: manager,
        text: 'lunch?',
      },
    };
    expect(await post(chatter)).toBe(200);
    expect(bot.messages).toHaveLength(0);
    expect(
      await post({ update_id: 501, message: { ...reply.message, message_id: 52, text: '/release' } }),
    ).toBe(200);
    expect(await handoff.isHandedOff('77')).toBe(false);
    expect(await post(fromCustomer('thanks bot'))).toBe(200);
    expect(bot.messages.map((message) => message.text)).toEqual(['thanks bot']);
  });

  it('releases through the button', async () => {
    const { handoff, post } = setup();
    await drive(clock, handoff.notify(request));
    const status = await post({
      callback_query: {
        id: 'cb-9',
        from: manager,
        chat_instance: 'x',
        data: 'release:77',
        message: { message_id: 1, chat: { id: Number(managers), type: 'supergroup' } },
      },
    });
    expect(status).toBe(200);
    expect(await handoff.isHandedOff('77')).toBe(false);
    expect(telegram.callsOf('answerCallbackQuery')[0]!.params).toMatchObject({
      callback_query_id: 'cb-9',
      text: 'Released',
    });
  });

  it('opens one forum topic per customer and relays messages written in it', async () => {
    const { handoff, post } = setup(true);
    await drive(clock, handoff.notify(request));
    await drive(clock, handoff.notify({ ...request, reason: 'angry' }));
    expect(telegram.callsOf('createForumTopic')).toHaveLength(1);
    const topicName = telegram.callsOf('createForumTopic')[0]!.params['name'] as string;
    const threadId = telegram.messages(managers)[0]!.messageThreadId;
    expect(threadId).toBe(100);
    expect(telegram.messages(managers).every((message) => message.messageThreadId === threadId)).toBe(true);
    await post(fromCustomer('still there?'));
    expect(telegram.messages(managers).at(-1)!.messageThreadId).toBe(threadId);
    await post({
      message: {
        message_id: 60,
        message_thread_id: threadId,
        is_topic_message: true,
        date: 3,
        chat: { id: Number(managers), type: 'supergroup', is_forum: true },
        from: manager,
        text: 'Yes!',
        reply_to_message: {
          message_id: threadId,
          date: 1,
          chat: { id: Number(managers), type: 'supergroup' },
          forum_topic_created: { name: topicName },
        },
      },
    });
    expect(telegram.messages('77').map((message) => message.text)).toEqual(['Yes!']);
  });
});
