import { InvalidOptionsError } from '@botkeel/core';

/**
 * Checks that a lease or TTL is a positive, finite number of milliseconds.
 *
 * @example
 * ```ts
 * assertDurationMs(30_000, 'claim', 'leaseMs');
 * ```
 */
export function assertDurationMs(value: number, method: string, field: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionsError(`${method}: ${field} must be a positive number of milliseconds`);
  }
}
