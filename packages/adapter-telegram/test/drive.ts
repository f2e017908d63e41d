import { type ManualClock } from '@botkeel/core';

/**
 * Runs `promise` to completion while moving a manual clock: real I/O (HTTP to the simulator) gets a
 * few real milliseconds between steps, and the clock jumps to the next timer that is due within
 * `maxJumpMs` (longer timers are request timeouts that must not fire).
 */
export async function drive<T>(clock: ManualClock, promise: Promise<T>, maxJumpMs = 600_000): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  while (!settled) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (settled) break;
    const next = clock.nextTimerAt();
    if (next !== undefined && next - clock.now() <= maxJumpMs) clock.advance(Math.max(0, next - clock.now()));
  }
  return tracked;
}
