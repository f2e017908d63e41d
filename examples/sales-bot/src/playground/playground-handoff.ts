import { type Channel, type Handoff } from '@botkeel/core';

/** The managers' chat in the playground: open `/` with chat id `managers` to read it. */
export const managersChatId = 'managers';

/** A handoff that writes escalations and forwarded messages into the playground's managers chat. */
export function createPlaygroundHandoff(channel: Channel): Handoff {
  return {
    notify: (request) =>
      channel.send({
        chatId: managersChatId,
        idempotencyKey: `handoff:${request.chatId}:${request.state}:${request.recentMessages.length}:${request.reason}`,
        text: [
          `Chat ${request.chatId} needs a manager (${request.reason}), state ${request.state}.`,
          ...request.recentMessages.map(
            (line) => `${line.from === 'user' ? 'Customer' : 'Bot'}: ${line.text}`,
          ),
        ].join('\n'),
      }),
    forward: (chatId, messages) =>
      channel.send({
        chatId: managersChatId,
        text: messages.map((message) => `${chatId}: ${message.text}`).join('\n'),
      }),
  };
}
