import { describe, expect, it } from 'vitest';
import { flatString } from '../../src/strings/flat-string.js';

describe('flatString', () => {
  it('answers the same text, for a rope built by JSON.stringify and for the empty string', () => {
    const rope = JSON.stringify({ chatId: `chat-${42}`, text: 'hi '.repeat(50), attachments: [] });
    expect(flatString(rope)).toBe(rope);
    expect(JSON.parse(flatString(rope))).toEqual({
      chatId: 'chat-42',
      text: 'hi '.repeat(50),
      attachments: [],
    });
    expect(flatString('')).toBe('');
  });
});
