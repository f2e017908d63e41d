import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { botMessageSchema, invalidMessageReason } from '../../src/bot/accept-message.js';
import { type BotMessage } from '../../src/bot/bot-message.js';

/** What the schema alone says, worded as `invalidMessageReason` words it. */
function schemaReason(message: unknown): string | undefined {
  const parsed = botMessageSchema.safeParse(message);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `invalid message: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim();
}

const valid: BotMessage = {
  channel: 'telegram',
  chatId: '42',
  userId: '7',
  messageId: '1001',
  updateKey: 'telegram:1001',
  text: 'hi',
  attachments: [{ kind: 'photo', fileId: 'f', sizeBytes: 10 }],
  receivedAt: 0,
};

const almostValid = fc.record({
  channel: fc.oneof(fc.string({ maxLength: 70 }), fc.constant(''), fc.integer()),
  chatId: fc.oneof(fc.string({ minLength: 1, maxLength: 3 }), fc.constant(''), fc.constant('x'.repeat(257))),
  userId: fc.oneof(fc.constant('7'), fc.constant(null)),
  messageId: fc.oneof(fc.constant('1'), fc.constant('y'.repeat(256))),
  updateKey: fc.oneof(fc.constant('u:1'), fc.constant(undefined)),
  text: fc.oneof(fc.string(), fc.constant('z'.repeat(16_385)), fc.constant(3)),
  attachments: fc.oneof(
    fc.array(fc.record({ kind: fc.oneof(fc.constant('photo'), fc.integer()) }), { maxLength: 22 }),
    fc.constant([null]),
    fc.constant([[]]),
    fc.constant({}),
  ),
  receivedAt: fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Infinity), fc.constant('0')),
});

describe('invalidMessageReason', () => {
  it('accepts a well-formed message without a reason', () => {
    expect(invalidMessageReason(valid)).toBeUndefined();
  });

  it('names the first bad field exactly as the schema does', () => {
    expect(invalidMessageReason({ ...valid, chatId: '' })).toBe(schemaReason({ ...valid, chatId: '' }));
    expect(invalidMessageReason({ ...valid, chatId: '' })).toMatch(/^invalid message: chatId /);
    const long = { ...valid, text: 'x'.repeat(20_000) };
    expect(invalidMessageReason(long)).toMatch(/^invalid message: text /);
    expect(invalidMessageReason(null as unknown as BotMessage)).toBe(schemaReason(null));
  });

  it('property: agrees with the schema on every input, reasons included', () => {
    fc.assert(
      fc.property(almostValid, (candidate) => {
        expect(invalidMessageReason(candidate as unknown as BotMessage)).toBe(schemaReason(candidate));
      }),
      { numRuns: 2_000 },
    );
  });
});
