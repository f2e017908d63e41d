import {
  AbortedError,
  BotkeelError,
  InvalidOptionsError,
  StoreUnavailableError,
  TimeoutError,
  VersionConflictError,
  parseOptions,
} from '@botkeel/core';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';

describe('BotkeelError', () => {
  it('keeps code, cause and a retryable default by code', () => {
    const cause = new Error('socket closed');
    const error = new StoreUnavailableError('redis', 'Redis did not answer in 50 ms', { cause });
    expect(error).toBeInstanceOf(BotkeelError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', store: 'redis', retryable: true, cause });
    expect(new AbortedError().retryable).toBe(false);
    expect(new TimeoutError('slow', 100)).toMatchObject({ code: 'TIMEOUT', timeoutMs: 100, retryable: true });
    expect(new VersionConflictError('chat-1', 3, 4)).toMatchObject({
      code: 'VERSION_CONFLICT',
      actualVersion: 4,
    });
  });

  it('is recognised across copies of the package by its marker, not instanceof', () => {
    const foreign = Object.assign(Object.create(null) as object, {
      [Symbol.for('botkeel.error')]: true,
      code: 'TIMEOUT',
    });
    expect(BotkeelError.isInstance(foreign)).toBe(true);
    expect(BotkeelError.isInstance(new Error('plain'))).toBe(false);
    expect(BotkeelError.isInstance(null)).toBe(false);
    expect(BotkeelError.hasCode(new AbortedError(), 'ABORTED')).toBe(true);
    expect(BotkeelError.hasCode(new AbortedError(), 'TIMEOUT')).toBe(false);
  });
});

describe('parseOptions', () => {
  const schema = z.object({ limit: z.number().int().positive(), name: z.string() });

  it('returns the parsed options', () => {
    expect(parseOptions('createThing', schema, { limit: 3, name: 'x' })).toEqual({ limit: 3, name: 'x' });
  });

  it('throws INVALID_OPTIONS naming the factory and every bad field', () => {
    let caught: unknown;
    try {
      parseOptions('createThing', schema, { limit: -1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidOptionsError);
    const message = (caught as InvalidOptionsError).message;
    expect(message).toMatch(/^createThing: /);
    expect(message).toContain('limit');
    expect(message).toContain('name');
  });
});
