import { EventEmitter } from 'node:events';
import { bindContext, currentContext, runWithContext } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

describe('runWithContext', () => {
  it('is undefined outside any context', () => {
    expect(currentContext()).toBeUndefined();
  });

  it('creates a 32-hex trace id and keeps the given fields', () => {
    const context = runWithContext({ chatId: '42', updateId: '7' }, () => currentContext());
    expect(context?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context).toMatchObject({ chatId: '42', updateId: '7' });
  });

  it('follows await, timers and promise chains', async () => {
    const seen = await runWithContext({ traceId: 'f'.repeat(32), chatId: '1' }, async () => {
      await Promise.resolve();
      const afterAwait = currentContext()?.chatId;
      const inTimer = await new Promise<string | undefined>((resolve) =>
        setTimeout(() => resolve(currentContext()?.chatId), 1),
      );
      return [afterAwait, inTimer];
    });
    expect(seen).toEqual(['1', '1']);
  });

  it('keeps concurrent contexts apart', async () => {
    const one = runWithContext({ chatId: 'a' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return currentContext()?.chatId;
    });
    const two = runWithContext({ chatId: 'b' }, async () => {
      await Promise.resolve();
      return currentContext()?.chatId;
    });
    expect(await Promise.all([one, two])).toEqual(['a', 'b']);
  });

  it('merges nested contexts and inherits the trace id', () => {
    runWithContext({ chatId: 'outer' }, () => {
      const outer = currentContext();
      const inner = runWithContext({ updateId: '9' }, () => currentContext());
      expect(inner).toEqual({ ...outer, updateId: '9' });
    });
  });

  it('carries into emitter listeners bound with bindContext', () => {
    const emitter = new EventEmitter();
    let seen: string | undefined;
    runWithContext({ chatId: 'bound' }, () => {
      emitter.on(
        'data',
        bindContext(() => {
          seen = currentContext()?.chatId;
        }),
      );
    });
    runWithContext({ chatId: 'other' }, () => emitter.emit('data'));
    expect(seen).toBe('bound');
  });
});
