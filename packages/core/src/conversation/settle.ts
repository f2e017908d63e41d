import { type AnyActorRef, type Subscription } from 'xstate';
import { type Clock, type TimerHandle } from '../clock/clock.js';
import { AbortedError, TimeoutError } from '../errors/subclasses.js';

/**
 * A machine has settled when it is no longer active (done, stopped, failed) or has no child actor
 * running: every invoked or spawned actor (an LLM call as a promise actor, say) has finished.
 */
export function isSettled(actor: AnyActorRef): boolean {
  const snapshot = actor.getSnapshot() as { status: string; children?: Record<string, unknown> };
  if (snapshot.status !== 'active') return true;
  for (const id in snapshot.children) if (Object.hasOwn(snapshot.children, id)) return false;
  return true;
}

/**
 * Resolves once `actor` has settled; rejects with `TIMEOUT` at `deadlineMs` (by `clock`) and with
 * `ABORTED` when `signal` aborts. A machine error settles it too (the caller checks the status).
 */
export function waitUntilSettled(
  actor: AnyActorRef,
  options: { clock: Clock; deadlineMs: number; timeoutMs: number; signal: AbortSignal | undefined },
): Promise<void> {
  const { clock, signal } = options;
  if (signal?.aborted === true)
    return Promise.reject(new AbortedError('The turn was aborted', { cause: signal.reason }));
  if (isSettled(actor)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const held: { subscription?: Subscription; timer?: TimerHandle } = {};
    const cleanUp = (): void => {
      held.subscription?.unsubscribe();
      clock.clearTimeout(held.timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const check = (): void => {
      if (!isSettled(actor)) return;
      cleanUp();
      resolve();
    };
    const onAbort = (): void => {
      cleanUp();
      reject(new AbortedError('The turn was aborted', { cause: signal?.reason }));
    };
    held.timer = clock.setTimeout(() => {
      cleanUp();
      reject(
        new TimeoutError(
          `The conversation did not settle within ${options.timeoutMs} ms (an invoked actor is still running)`,
          options.timeoutMs,
        ),
      );
    }, options.deadlineMs - clock.now());
    signal?.addEventListener('abort', onAbort, { once: true });
    held.subscription = actor.subscribe({ next: check, error: check, complete: check });
    check();
  });
}
