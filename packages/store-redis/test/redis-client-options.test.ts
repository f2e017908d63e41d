import { redisClientOptions } from '@botkeel/store-redis';
import { describe, expect, it } from 'vitest';

describe('redisClientOptions', () => {
  it('turns the offline queue off and bounds commands, retries and connects', () => {
    const options = redisClientOptions(750);
    expect(options).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 750,
    });
    expect(options.connectTimeout).toBe(2_000);
    expect(redisClientOptions().commandTimeout).toBe(1_000);
  });

  it('reconnects forever with a backoff capped at one second', () => {
    const retry = redisClientOptions().retryStrategy!;
    expect([1, 2, 5, 10, 1_000].map((attempt) => retry(attempt))).toEqual([100, 200, 500, 1_000, 1_000]);
  });
});
