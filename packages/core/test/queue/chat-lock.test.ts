import {
  BotkeelError,
  MemoryLockStore,
  createChatLock,
  createManualClock,
  type LockLease,
  type LockStore,
  type ManualClock,
} from '@botkeel/core';
import { describe, expect, it } from 'vitest';

const delay = (clock: ManualClock, ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const handle = clock.setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clock.clearTimeout(handle);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    });
  });

/** A lock store whose renewals can be made to fail, to simulate losing the lease or the backend. */
function faultyRenewals(
  inner: LockStore,
  behaviour: { renew: 'ok' | 'refuse' | 'throw' },
): LockStore & { renewals: number } {
  const store = {
    renewals: 0,
    acquire: (key: string, options: { leaseMs: number }) => inner.acquire(key, options),
    release: (lease: LockLease) => inner.release(lease),
    renew(lease: LockLease, options: { leaseMs: number }): Promise<LockLease | undefined> {
      store.renewals += 1;
      if (behaviour.renew === 'refuse') return Promise.resolve(undefined);
      if (behaviour.renew === 'throw')
        return Promise.reject(new BotkeelError('STORE_UNAVAILABLE', 'redis is down'));
      return inner.renew(lease, options);
    },
  };
  return store;
}

describe('createChatLock', () => {
  it('runs the task under a lease with a fencing token and releases it afterwards', async () => {
    const clock = createManualClock(0);
    const locks = new MemoryLockStore({ clock });
    const chatLock = createChatLock({ locks, clock });
    const seen = await chatLock.run('42', ({ chatId, fencingToken }) =>
      Promise.resolve({ chatId, fencingToken }),
    );
    expect(seen).toEqual({ chatId: '42', fencingToken: 1 });
    expect(locks.size).toBe(0);
    expect(chatLock.queue.size).toBe(0);
  });

  it('renews the lease while a long task runs, so another instance cannot take the chat', async () => {
    const clock = createManualClock(0);
    const locks = new MemoryLockStore({ clock });
    const instanceA = createChatLock({
      locks,
      clock,
      leaseMs: 300,
      renewEveryMs: 100,
      acquireTimeoutMs: 5_000,
    });
    const instanceB = createChatLock({
      locks,
      clock,
      leaseMs: 300,
      renewEveryMs: 100,
      acquireTimeoutMs: 5_000,
    });
    const log: string[] = [];
    const turn =
      (name: string, ms: number) =>
      async ({ fencingToken }: { fencingToken: number }): Promise<number> => {
        log.push(`start ${name}@${clock.now()}`);
        await delay(clock, ms);
        log.push(`end ${name}@${clock.now()}`);
        return fencingToken;
      };
    const first = instanceA.run('42', turn('A', 1_000));
    await clock.advanceAsync(10);
    const second = instanceB.run('42', turn('B', 10));
    await clock.advanceAsync(2_000);
    const [tokenA, tokenB] = await Promise.all([first, second]);
    expect(log[0]).toBe('start A@0');
    expect(log[1]).toBe('end A@1000');
    expect(log[2]).toMatch(/^start B@10\d\d$/);
    expect(tokenB).toBeGreaterThan(tokenA);
    expect(locks.size).toBe(0);
  });

  it('renews the leases of all running turns of an instance with one timer', async () => {
    const clock = createManualClock(0);
    const memory = new MemoryLockStore({ clock });
    const locks = faultyRenewals(memory, { renew: 'ok' });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    const turn = (chatId: string) => chatLock.run(chatId, () => delay(clock, 1_000).then(() => chatId));
    const turns = [turn('1'), turn('2'), turn('3')];
    await clock.advanceAsync(50);
    turns.push(turn('4'));
    await clock.advanceAsync(10);
    // Four turns wait on their own delay; their four leases share one renewal timer.
    expect(clock.pendingTimers()).toBe(5);
    await clock.advanceAsync(2_000);
    expect(await Promise.all(turns)).toEqual(['1', '2', '3', '4']);
    // Each lease was renewed every 100 ms while its 1,000 ms turn ran: at 100, 200, ... after it began.
    expect(locks.renewals).toBeGreaterThanOrEqual(36);
    expect(locks.renewals).toBeLessThanOrEqual(40);
    expect(memory.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("passes the caller's abort on to the task's signal, whenever the task reads it", async () => {
    const clock = createManualClock(0);
    const locks = new MemoryLockStore({ clock });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    const caller = new AbortController();
    let seen: unknown;
    const running = chatLock
      .run(
        '42',
        async ({ signal }) => {
          await delay(clock, 1_000, signal).catch(() => {
            seen = signal.reason as unknown;
          });
          return 'done';
        },
        { signal: caller.signal },
      )
      .catch((error: unknown) => error);
    await clock.advanceAsync(50);
    caller.abort(new Error('shutting down'));
    expect(await running).toBe('done');
    expect(seen).toEqual(new Error('shutting down'));
    // A caller that aborted before the turn started: the turn never runs.
    const late = new AbortController();
    late.abort(new Error('gone'));
    const lateRead = await chatLock
      .run('43', () => Promise.resolve(), { signal: late.signal })
      .catch((error: unknown) => error);
    expect(BotkeelError.hasCode(lateRead, 'ABORTED')).toBe(true);
    // The task reads its signal only after the caller aborted: it is created already aborted.
    const midway = new AbortController();
    const reason = await chatLock.run<unknown>(
      '44',
      async (turn) => {
        midway.abort(new Error('stop'));
        await Promise.resolve();
        return turn.signal.aborted ? (turn.signal.reason as unknown) : undefined;
      },
      { signal: midway.signal },
    );
    expect(reason).toEqual(new Error('stop'));
    expect(locks.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('aborts the task and rejects with LOCK_LOST when a renewal is refused', async () => {
    const clock = createManualClock(0);
    const locks = faultyRenewals(new MemoryLockStore({ clock }), { renew: 'refuse' });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    let abortReason: unknown;
    const running = chatLock.run('42', async ({ signal }) => {
      await delay(clock, 1_000, signal).catch((error: unknown) => {
        abortReason = signal.reason;
        throw error;
      });
      return 'finished';
    });
    const outcome = running.catch((error: unknown) => error);
    await clock.advanceAsync(1_000);
    const error = await outcome;
    expect(BotkeelError.hasCode(error, 'LOCK_LOST')).toBe(true);
    expect(BotkeelError.hasCode(abortReason, 'LOCK_LOST')).toBe(true);
    expect(locks.renewals).toBe(1);
  });

  it("tells its abort state as an AbortSource without creating the task's signal", async () => {
    const clock = createManualClock(0);
    const locks = faultyRenewals(new MemoryLockStore({ clock }), { renew: 'refuse' });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    const states: { isAborted: boolean; reason: unknown }[] = [];
    let heard = 0;
    const outcome = chatLock
      .run('42', async (turn) => {
        states.push({ isAborted: turn.isAborted, reason: turn.reason });
        await delay(clock, 150);
        states.push({ isAborted: turn.isAborted, reason: turn.reason });
        // A listener added after the abort is never called, like AbortSource's contract says.
        turn.addAbortListener({ handleEvent: () => (heard += 1) });
        return turn.signal.aborted;
      })
      .catch((error: unknown) => error);
    await clock.advanceAsync(1_000);
    expect(BotkeelError.hasCode(await outcome, 'LOCK_LOST')).toBe(true);
    expect(states[0]).toEqual({ isAborted: false, reason: undefined });
    expect(states[1]?.isAborted).toBe(true);
    expect(BotkeelError.hasCode(states[1]?.reason, 'LOCK_LOST')).toBe(true);
    expect(heard).toBe(0);
    // The caller's abort shows the same way.
    const caller = new AbortController();
    const seen = await chatLock.run(
      '43',
      async (turn) => {
        caller.abort(new Error('stop'));
        await Promise.resolve();
        return { isAborted: turn.isAborted, reason: turn.reason };
      },
      { signal: caller.signal },
    );
    expect(seen).toEqual({ isAborted: true, reason: new Error('stop') });
  });

  it('rejects with LOCK_LOST even when the task ignores the signal and resolves', async () => {
    const clock = createManualClock(0);
    const locks = faultyRenewals(new MemoryLockStore({ clock }), { renew: 'refuse' });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    const outcome = chatLock
      .run('42', () => delay(clock, 1_000).then(() => 'done'))
      .catch((error: unknown) => error);
    await clock.advanceAsync(1_000);
    expect(BotkeelError.hasCode(await outcome, 'LOCK_LOST')).toBe(true);
  });

  it('retries failing renewals while the lease may still be valid, then declares it lost', async () => {
    const clock = createManualClock(0);
    const behaviour: { renew: 'ok' | 'refuse' | 'throw' } = { renew: 'throw' };
    const locks = faultyRenewals(new MemoryLockStore({ clock }), behaviour);
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    const outcome = chatLock
      .run('42', ({ signal }) => delay(clock, 1_000, signal))
      .catch((error: unknown) => error);
    await clock.advanceAsync(100);
    expect(locks.renewals).toBe(1);
    behaviour.renew = 'ok';
    await clock.advanceAsync(100);
    expect(locks.renewals).toBe(2);
    behaviour.renew = 'throw';
    await clock.advanceAsync(1_000);
    const error = await outcome;
    expect(BotkeelError.hasCode(error, 'LOCK_LOST')).toBe(true);
    expect(BotkeelError.hasCode((error as Error).cause, 'STORE_UNAVAILABLE')).toBe(true);
    // Renewed at 200 (valid until 500): attempts at 300 and 400 fail, and the one at 400 gives up.
    expect(locks.renewals).toBe(4);
  });

  it('runs what the task renews with the lease after each successful renewal, and exposes leaseMs', async () => {
    const clock = createManualClock(0);
    const locks = faultyRenewals(new MemoryLockStore({ clock }), { renew: 'ok' });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    expect(chatLock.leaseMs).toBe(300);
    const renewedAt: number[] = [];
    const running = chatLock.run('42', async (turn) => {
      turn.onRenew(() => {
        renewedAt.push(clock.now());
        return Promise.resolve(true);
      });
      await delay(clock, 350, turn.signal);
      return 'finished';
    });
    await clock.advanceAsync(400);
    expect(await running).toBe('finished');
    expect(renewedAt).toEqual([100, 200, 300]);
    expect(locks.renewals).toBe(3);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('counts a renewal that resolves false as a lost lease: the task aborts with LOCK_LOST', async () => {
    const clock = createManualClock(0);
    const locks = new MemoryLockStore({ clock });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    let abortReason: unknown;
    let calls = 0;
    const outcome = chatLock
      .run('42', async (turn) => {
        turn.onRenew(() => {
          calls += 1;
          return Promise.resolve(calls < 2);
        });
        await delay(clock, 1_000, turn.signal).catch((error: unknown) => {
          abortReason = turn.signal.reason;
          throw error;
        });
      })
      .catch((error: unknown) => error);
    await clock.advanceAsync(1_000);
    expect(BotkeelError.hasCode(await outcome, 'LOCK_LOST')).toBe(true);
    expect(BotkeelError.hasCode(abortReason, 'LOCK_LOST')).toBe(true);
    expect(calls).toBe(2);
  });

  it('retries a renewal that rejects while the lease may still be valid, then declares it lost', async () => {
    const clock = createManualClock(0);
    const locks = faultyRenewals(new MemoryLockStore({ clock }), { renew: 'ok' });
    const chatLock = createChatLock({ locks, clock, leaseMs: 300, renewEveryMs: 100 });
    let isFailing = true;
    let calls = 0;
    const outcome = chatLock
      .run('42', async (turn) => {
        turn.onRenew(() => {
          calls += 1;
          return isFailing
            ? Promise.reject(new BotkeelError('STORE_UNAVAILABLE', 'redis is down'))
            : Promise.resolve(true);
        });
        await delay(clock, 1_000, turn.signal);
      })
      .catch((error: unknown) => error);
    await clock.advanceAsync(100);
    isFailing = false;
    await clock.advanceAsync(100);
    isFailing = true;
    await clock.advanceAsync(1_000);
    const error = await outcome;
    expect(BotkeelError.hasCode(error, 'LOCK_LOST')).toBe(true);
    expect(BotkeelError.hasCode((error as Error).cause, 'STORE_UNAVAILABLE')).toBe(true);
    // Fully renewed at 200 (valid until 500): the attempts at 300 and 400 fail, and the one at 400 gives up.
    expect(calls).toBe(4);
    expect(locks.renewals).toBe(4);
  });

  it('gives up with TIMEOUT when another holder keeps the chat past acquireTimeoutMs', async () => {
    const clock = createManualClock(0);
    const locks = new MemoryLockStore({ clock });
    await locks.acquire('turn:42', { leaseMs: 60_000 });
    const chatLock = createChatLock({ locks, clock, acquireTimeoutMs: 500, retryDelayMs: 100 });
    let didRun = false;
    const outcome = chatLock
      .run('42', () => {
        didRun = true;
        return Promise.resolve();
      })
      .catch((error: unknown) => error);
    await clock.advanceAsync(1_000);
    expect(BotkeelError.hasCode(await outcome, 'TIMEOUT')).toBe(true);
    expect(didRun).toBe(false);
    expect(chatLock.queue.size).toBe(0);
  });

  it('stops waiting for the lock when the caller aborts', async () => {
    const clock = createManualClock(0);
    const locks = new MemoryLockStore({ clock });
    await locks.acquire('turn:42', { leaseMs: 60_000 });
    const chatLock = createChatLock({ locks, clock, acquireTimeoutMs: 10_000, retryDelayMs: 100 });
    const controller = new AbortController();
    const outcome = chatLock
      .run('42', () => Promise.resolve(), { signal: controller.signal })
      .catch((error: unknown) => error);
    await clock.advanceAsync(250);
    controller.abort();
    expect(BotkeelError.hasCode(await outcome, 'ABORTED')).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects with STORE_UNAVAILABLE when the lock store is down, without running the task', async () => {
    const clock = createManualClock(0);
    const down: LockStore = {
      acquire: () => Promise.reject(new BotkeelError('STORE_UNAVAILABLE', 'redis is down')),
      renew: () => Promise.resolve(undefined),
      release: () => Promise.resolve(false),
    };
    const chatLock = createChatLock({ locks: down, clock });
    let didRun = false;
    const error = await chatLock
      .run('42', () => {
        didRun = true;
        return Promise.resolve();
      })
      .catch((reason: unknown) => reason);
    expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(didRun).toBe(false);
    expect(chatLock.queue.size).toBe(0);
  });

  it('passes a task error through and releases the lease', async () => {
    const clock = createManualClock(0);
    const locks = new MemoryLockStore({ clock });
    const chatLock = createChatLock({ locks, clock });
    await expect(chatLock.run('42', () => Promise.reject(new Error('turn failed')))).rejects.toThrow(
      'turn failed',
    );
    expect(locks.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects a renewal interval that is not shorter than the lease', () => {
    const locks = new MemoryLockStore();
    expect(() => createChatLock({ locks, leaseMs: 100, renewEveryMs: 100 })).toThrow(/renewEveryMs/);
    expect(() => createChatLock({ locks: {} as LockStore })).toThrow(/locks/);
  });
});
