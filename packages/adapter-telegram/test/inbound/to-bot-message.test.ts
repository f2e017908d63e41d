import { describe, expect, it } from 'vitest';
import { toBotMessage, updateSchema } from '@botkeel/adapter-telegram';
import { message, privateChat, user } from './fixtures.js';

describe('toBotMessage', () => {
  it('maps a photo message with caption to text and the largest size', () => {
    const update = updateSchema.parse({
      update_id: 5,
      message: {
        ...message,
        text: undefined,
        caption: 'this?',
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
          { file_id: 'large', file_unique_id: 'l', width: 1280, height: 960, file_size: 99 },
        ],
      },
    });
    expect(toBotMessage(update, { botId: '9' })).toMatchObject({
      updateKey: 'tg:9:5',
      text: 'this?',
      receivedAt: 1_700_000_000_000,
      attachments: [{ kind: 'photo', fileId: 'large', width: 1280, height: 960, sizeBytes: 99 }],
    });
  });

  it('maps a callback query to its data, with the chat of its message', () => {
    const update = updateSchema.parse({
      update_id: 6,
      callback_query: {
        id: 'q1',
        from: user,
        chat_instance: 'c',
        data: 'buy:7',
        message: { message_id: 3, chat: privateChat },
      },
    });
    expect(toBotMessage(update, { botId: '9', receivedAt: 123 })).toMatchObject({
      chatId: '42',
      messageId: 'callback:q1',
      text: 'buy:7',
      receivedAt: 123,
    });
  });

  it('gives undefined for kinds a bot does not converse through', () => {
    const update = updateSchema.parse({ update_id: 7, poll: { id: 'p' } });
    expect(toBotMessage(update, { botId: '9' })).toBeUndefined();
  });

  it('keeps contact, voice and document metadata', () => {
    const update = updateSchema.parse({
      update_id: 8,
      message: {
        ...message,
        contact: { phone_number: '+1', first_name: 'A', user_id: 42 },
        voice: { file_id: 'v', file_unique_id: 'uv', duration: 4 },
        document: { file_id: 'd', file_unique_id: 'ud', file_name: 'a.pdf', mime_type: 'application/pdf' },
      },
    });
    const kinds = toBotMessage(update, { botId: '9' })?.attachments.map((attachment) => attachment.kind);
    expect(kinds).toEqual(['document', 'voice', 'contact']);
  });
});
