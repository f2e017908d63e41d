/**
 * Runs tasks one at a time per key, in the order they were queued (the per-chat order of sends),
 * while different keys run concurrently. Memory holds only keys with queued work.
 *
 * @example
 * ```ts
 * const queue = createChatQueue();
 * await Promise.all([queue.run('42', () => send('a')), queue.run('42', () => send('b'))]); // a, then b
 * ```
 */
export function createChatQueue(): { run<T>(key: string, task: () => Promise<T>): Promise<T> } {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
