import { groupChat, json, message, privateChat, user } from './fixtures.js';

/** One body of the corpus, what the webhook must answer, and whether the bot sees a message. */
export interface CorpusEntry {
  readonly name: string;
  readonly body: string | Uint8Array;
  readonly status: 200 | 400 | 413;
  readonly reachesBot?: boolean;
}

const update = (fields: Record<string, unknown>): string => json({ update_id: 1001, ...fields });
const withMessage = (fields: Record<string, unknown>): string =>
  update({ message: { ...message, ...fields } });
const bytes = (...values: number[]): Uint8Array =>
  Uint8Array.from([...Buffer.from('{"update_id":1,"message":{"text":"'), ...values, ...Buffer.from('"}}')]);
const nestedArrays = (depth: number): string =>
  `{"update_id":1,"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const nestedObjects = (depth: number): string =>
  `{"update_id":1,"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
const manyKeys = (count: number): string => {
  const parts: string[] = [];
  for (let index = 0; index < count; index += 1) parts.push(`"${index.toString(36)}":0`);
  return `{"update_id":1,"x":{${parts.join(',')}}}`;
};

const accepted: CorpusEntry[] = [
  { name: 'text message', body: withMessage({}), status: 200, reachesBot: true },
  {
    name: 'edited message',
    body: update({ edited_message: { ...message, text: 'edited' } }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'callback query with message',
    body: update({
      callback_query: {
        id: 'cb1',
        from: user,
        chat_instance: 'ci',
        data: 'size:M',
        message: { message_id: 9, chat: privateChat },
      },
    }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'inline callback without message',
    body: update({ callback_query: { id: 'cb2', from: user, chat_instance: 'ci', inline_message_id: 'im' } }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'photo with caption',
    body: withMessage({
      text: undefined,
      caption: 'this one?',
      photo: [
        { file_id: 'a', file_unique_id: 'ua', width: 90, height: 90 },
        { file_id: 'b', file_unique_id: 'ub', width: 800, height: 600, file_size: 50_000 },
      ],
    }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'document',
    body: withMessage({
      document: {
        file_id: 'd',
        file_unique_id: 'ud',
        file_name: 'cv.pdf',
        mime_type: 'application/pdf',
        file_size: 1000,
      },
    }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'voice',
    body: withMessage({ voice: { file_id: 'v', file_unique_id: 'uv', duration: 3, mime_type: 'audio/ogg' } }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'contact',
    body: withMessage({ contact: { phone_number: '+380501234567', first_name: 'Ann', user_id: 42 } }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'group message',
    body: withMessage({ chat: groupChat, message_thread_id: 5, is_topic_message: true }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'reply to a message',
    body: withMessage({ reply_to_message: { message_id: 3, chat: privateChat, date: 1, text: 'q' } }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'channel post style sender_chat',
    body: withMessage({ from: undefined, sender_chat: { id: -100, type: 'channel', title: 'c' } }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'entities',
    body: withMessage({
      entities: [
        { type: 'bold', offset: 0, length: 2 },
        { type: 'text_link', offset: 0, length: 1, url: 'https://x.y' },
      ],
    }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'emoji and surrogate pairs',
    body: withMessage({ text: 'hello 😀👍🏽 привіт' }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'escaped surrogate pair',
    body: '{"update_id":5,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"text":"\\ud83d\\ude00"}}',
    status: 200,
    reachesBot: true,
  },
  {
    name: 'leading BOM',
    body: Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from(withMessage({}))]),
    status: 200,
    reachesBot: true,
  },
  { name: 'NUL inside a string', body: withMessage({ text: 'a\u0000b' }), status: 200, reachesBot: true },
  {
    name: '60,000 character text',
    body: withMessage({ text: 'x'.repeat(60_000) }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'unknown fields everywhere',
    body: update({
      extra: 1,
      message: { ...message, future_field: { a: [1, 2] }, from: { ...user, is_premium: true } },
    }),
    status: 200,
    reachesBot: true,
  },
  {
    name: 'duplicate keys (last wins)',
    body: '{"update_id":1,"update_id":2,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"text":"d"}}',
    status: 200,
    reachesBot: true,
  },
  {
    name: 'my_chat_member (blocked)',
    body: update({
      my_chat_member: {
        chat: privateChat,
        from: user,
        date: 1,
        old_chat_member: { status: 'member', user },
        new_chat_member: { status: 'kicked', user },
      },
    }),
    status: 200,
    reachesBot: false,
  },
  {
    name: 'chat_member',
    body: update({
      chat_member: {
        chat: groupChat,
        from: user,
        date: 1,
        old_chat_member: { status: 'left', user },
        new_chat_member: { status: 'member', user },
      },
    }),
    status: 200,
    reachesBot: false,
  },
  {
    name: 'pre_checkout_query',
    body: update({
      pre_checkout_query: {
        id: 'p',
        from: user,
        currency: 'EUR',
        total_amount: 1000,
        invoice_payload: 'order-1',
      },
    }),
    status: 200,
    reachesBot: false,
  },
  {
    name: 'unknown kind (poll)',
    body: update({ poll: { id: 'x', question: '?' } }),
    status: 200,
    reachesBot: false,
  },
  {
    name: 'unknown kind (message_reaction)',
    body: update({ message_reaction: { chat: privateChat } }),
    status: 200,
    reachesBot: false,
  },
  { name: 'update_id only', body: '{"update_id":77}', status: 200, reachesBot: false },
  {
    name: 'unknown field nested 40 deep',
    body: `{"update_id":1,"x":${'['.repeat(40)}${']'.repeat(40)}}`,
    status: 200,
    reachesBot: false,
  },
  { name: '5,000 unknown keys', body: manyKeys(5_000), status: 200, reachesBot: false },
];

const rejected: CorpusEntry[] = [
  { name: 'empty body', body: '', status: 400 },
  { name: 'whitespace', body: '   \n ', status: 400 },
  { name: 'null', body: 'null', status: 400 },
  { name: 'array', body: '[]', status: 400 },
  { name: 'array of updates', body: `[${withMessage({})}]`, status: 400 },
  { name: 'string', body: '"update"', status: 400 },
  { name: 'number', body: '123', status: 400 },
  { name: 'truncated', body: withMessage({}).slice(0, 30), status: 400 },
  { name: 'trailing comma', body: '{"update_id":1,}', status: 400 },
  { name: 'single quotes', body: "{'update_id':1}", status: 400 },
  { name: 'comment', body: '{"update_id":1 /* hi */}', status: 400 },
  { name: 'NaN literal', body: '{"update_id":NaN}', status: 400 },
  { name: 'update_id as string', body: '{"update_id":"1"}', status: 400 },
  { name: 'update_id negative', body: '{"update_id":-1}', status: 400 },
  { name: 'update_id zero', body: '{"update_id":0}', status: 400 },
  { name: 'update_id fractional', body: '{"update_id":1.5}', status: 400 },
  { name: 'update_id above 2^53', body: '{"update_id":9007199254740993}', status: 400 },
  { name: 'update_id 1e400', body: '{"update_id":1e400}', status: 400 },
  { name: 'missing update_id', body: json({ message }), status: 400 },
  { name: 'message_id above 2^53', body: withMessage({ message_id: 2 ** 53 + 2 }), status: 400 },
  { name: 'user id above 2^53', body: withMessage({ from: { ...user, id: 2 ** 60 } }), status: 400 },
  { name: 'chat id zero', body: withMessage({ chat: { id: 0, type: 'private' } }), status: 400 },
  { name: 'chat type unknown', body: withMessage({ chat: { id: 1, type: 'bogus' } }), status: 400 },
  { name: 'text is a number', body: withMessage({ text: 5 }), status: 400 },
  { name: 'text above 65,536', body: withMessage({ text: 'y'.repeat(70_000) }), status: 400 },
  {
    name: 'two kinds in one update',
    body: update({ message, callback_query: { id: 'c', from: user, chat_instance: 'i' } }),
    status: 400,
  },
  { name: 'message without chat', body: withMessage({ chat: undefined }), status: 400 },
  { name: 'is_bot as string', body: withMessage({ from: { ...user, is_bot: 'no' } }), status: 400 },
  { name: 'photo as object', body: withMessage({ photo: { file_id: 'a' } }), status: 400 },
  {
    name: '2,000 entities',
    body: withMessage({
      entities: Array.from({ length: 2_000 }, () => ({ type: 'bold', offset: 0, length: 1 })),
    }),
    status: 400,
  },
  {
    name: 'callback data too long',
    body: update({ callback_query: { id: 'c', from: user, chat_instance: 'i', data: 'd'.repeat(300) } }),
    status: 400,
  },
  {
    name: 'currency not 3 letters',
    body: update({
      pre_checkout_query: { id: 'p', from: user, currency: 'EURO', total_amount: 1, invoice_payload: 'x' },
    }),
    status: 400,
  },
  { name: '__proto__ at the top', body: '{"update_id":1,"__proto__":{"polluted":"yes"}}', status: 400 },
  {
    name: '__proto__ in message',
    body: '{"update_id":1,"message":{"__proto__":{"polluted":"yes"},"message_id":1,"date":1,"chat":{"id":1,"type":"private"}}}',
    status: 400,
  },
  {
    name: '__proto__ in from',
    body: '{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"from":{"id":1,"is_bot":false,"first_name":"a","__proto__":{"isAdmin":true}}}}',
    status: 400,
  },
  {
    name: '__proto__ inside an array',
    body: '{"update_id":1,"x":[{"__proto__":{"polluted":1}}]}',
    status: 400,
  },
  {
    name: 'escaped __proto__ key',
    body: '{"update_id":1,"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":1}}',
    status: 400,
  },
  {
    name: 'constructor.prototype at the top',
    body: '{"update_id":1,"constructor":{"prototype":{"polluted":1}}}',
    status: 400,
  },
  {
    name: 'constructor.prototype deep',
    body: '{"update_id":1,"message":{"x":{"constructor":{"prototype":{"polluted":1}}}}}',
    status: 400,
  },
  { name: 'invalid byte 0xFF', body: bytes(0xff), status: 400 },
  { name: 'overlong encoding C0 AF', body: bytes(0xc0, 0xaf), status: 400 },
  { name: 'encoded lone surrogate ED A0 80', body: bytes(0xed, 0xa0, 0x80), status: 400 },
  { name: 'truncated multibyte E2 82', body: bytes(0xe2, 0x82), status: 400 },
  { name: 'code point above U+10FFFF', body: bytes(0xf4, 0x90, 0x80, 0x80), status: 400 },
  {
    name: 'escaped lone high surrogate',
    body: '{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"text":"\\ud800"}}',
    status: 400,
  },
  { name: 'escaped lone low surrogate', body: '{"update_id":1,"x":"a\\udc00b"}', status: 400 },
  { name: 'lone surrogate in a key', body: '{"update_id":1,"\\ud801":1}', status: 400 },
  { name: 'nesting 65 deep', body: nestedArrays(65), status: 400 },
  { name: '100,000-deep arrays', body: nestedArrays(100_000), status: 400 },
  { name: '100,000-deep objects', body: nestedObjects(100_000), status: 400 },
  { name: '200,000 keys', body: manyKeys(200_000), status: 400 },
  { name: '10 MiB body', body: `{"update_id":1,"x":"${'z'.repeat(10 * 1_048_576)}"}`, status: 413 },
];

/** The corpus: valid updates of every kind and hostile bodies, with their expected answers. */
export const corpus: readonly CorpusEntry[] = [...accepted, ...rejected];
