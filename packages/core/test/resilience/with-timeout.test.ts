import { AbortedError, InvalidOptionsError, TimeoutError, withTimeout } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

describe('withTimeout', () => {
  it('resolves with the value when the work finishes in time', async () => {
    const clock = createManualClock(0);
    expect(await withTimeout(() => Promise.resolve(42), 100, undefined, { clock })).toBe(42);
  });

  it('aborts the work and rejects with TIMEOUT when the budget runs out', async () => {
    const clock = createManualClock(0);
    let reason: unknown;
    const work = withTimeout(
      (signal) =>
        new Promise<never>(() => {
          signal.addEventListener('abort', () => {
            reason = signal.reason as unknown;
          });
        }),
      250,
      undefined,
      { clock },
    );
    const outcome = work.catch((error: unknown) => error);
    clock.advance(249);
    expect(reason).toBeUndefined();
    clock.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(250);
    expect(reason).toBe(error);
  });

  it('rejects with ABORTED at once when the caller aborts, and aborts the work', async () => {
    const clock = createManualClock(0);
    const controller = new AbortController();
    let isWorkAborted = false;
    const work = withTimeout(
      (signal) =>
        new Promise<never>(() => {
          signal.addEventListener('abort', () => (isWorkAborted = true));
        }),
      10_000,
      controller.signal,
      { clock },
    );
    controller.abort();
    await expect(work).rejects.toBeInstanceOf(AbortedError);
    expect(isWorkAborted).toBe(true);
  });

  it('passes the work error through unchanged', async () => {
    const failure = new Error('boom');
    await expect(withTimeout(() => Promise.reject(failure), 100)).rejects.toBe(failure);
    await expect(
      withTimeout(() => {
        throw failure;
      }, 100),
    ).rejects.toBe(failure);
  });

  it('shares one clock timer between concurrent calls of the same duration', async () => {
    const clock = createManualClock(0);
    const calls = Array.from({ length: 100 }, (_, index) =>
      withTimeout(() => new Promise<number>(() => undefined), 1_000, undefined, { clock }).catch(() => index),
    );
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(1_000);
    expect(await Promise.all(calls)).toHaveLength(100);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('expires each call at its own deadline even when calls start at different times', async () => {
    const clock = createManualClock(0);
    const expiredAt: number[] = [];
    const start = (): Promise<void> =>
      withTimeout(() => new Promise<never>(() => undefined), 100, undefined, { clock }).catch(() => {
        expiredAt.push(clock.now());
      });
    const first = start();
    clock.advance(30);
    const second = start();
    const finished = withTimeout(() => Promise.resolve('fast'), 100, undefined, { clock });
    clock.advance(40);
    const third = start();
    await clock.advanceAsync(200);
    await Promise.all([first, second, third]);
    expect(await finished).toBe('fast');
    expect(expiredAt).toEqual([100, 130, 170]);
  });

  it('rejects an invalid budget and an already aborted signal without calling the work', async () => {
    let calls = 0;
    await expect(withTimeout(() => Promise.resolve(calls++), 0)).rejects.toBeInstanceOf(InvalidOptionsError);
    const controller = new AbortController();
    controller.abort();
    await expect(withTimeout(() => Promise.resolve(calls++), 10, controller.signal)).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(calls).toBe(0);
  });

  it('really cancels I/O: the server sees the connection close', async () => {
    const server = createServer();
    const closed = new Promise<void>((resolve) => {
      server.on('connection', (socket) => socket.on('close', () => resolve()));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const started = Date.now();
    await expect(
      withTimeout((signal) => fetch(`http://127.0.0.1:${port}/slow`, { signal }), 150),
    ).rejects.toBeInstanceOf(TimeoutError);
    await closed;
    expect(Date.now() - started).toBeLessThan(5_000);
    server.close();
  });
});
