import { InvalidOptionsError } from '../errors/subclasses.js';

/** Throws an {@link InvalidOptionsError} naming `field` unless `value` is a finite number above 0. */
export function assertPositiveDuration(field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionsError(`${field}: expected a finite number of milliseconds above 0`);
  }
}

/** Runs synchronous store logic and returns its outcome as a promise (a throw becomes a rejection). */
export function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
