import { type z } from 'zod';
import { InvalidOptionsError } from './subclasses.js';

/**
 * Validates a factory's options once with zod and throws an {@link InvalidOptionsError} whose message
 * names every bad field, e.g. `createRateLimiter: storeTimeoutMs: Too small: expected number to be >0`.
 *
 * @example
 * ```ts
 * const parsed = parseOptions('createDebouncer', debouncerOptionsSchema, options);
 * ```
 */
export function parseOptions<Schema extends z.ZodType>(
  factory: string,
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  throw new InvalidOptionsError(`${factory}: ${problems.join('; ')}`, { cause: result.error });
}
