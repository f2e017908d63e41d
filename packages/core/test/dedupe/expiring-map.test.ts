import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiringMap } from '../../src/dedupe/expiring-map.js';

type Operation =
  | { kind: 'set'; key: number; ttlMs: number }
  | { kind: 'get'; key: number }
  | { kind: 'delete'; key: number }
  | { kind: 'advance'; ms: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    key: fc.integer({ min: 0, max: 40 }),
    ttlMs: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }),
);

describe('ExpiringMap (property)', () => {
  it('answers like a plain map with expiry while it has room, and never exceeds maxEntries', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 400 }),
        fc.integer({ min: 1, max: 60 }),
        (operations, maxEntries) => {
          const map = new ExpiringMap<{ expiresAt: number; version: number }>(
            (value) => value.expiresAt,
            maxEntries,
          );
          const reference = new Map<string, { expiresAt: number; version: number }>();
          let now = 0;
          let version = 0;
          for (const step of operations) {
            if (step.kind === 'advance') now += step.ms;
            else if (step.kind === 'delete') {
              map.delete(String(step.key));
              reference.delete(String(step.key));
            } else if (step.kind === 'set') {
              const value = { expiresAt: now + step.ttlMs, version: (version += 1) };
              map.set(String(step.key), value, now);
              reference.set(String(step.key), value);
            } else {
              const expected = reference.get(String(step.key));
              const live = expected !== undefined && now < expected.expiresAt ? expected : undefined;
              const actual = map.get(String(step.key), now);
              // It may have forgotten a live entry only to make room; it never invents or revives one.
              if (actual !== undefined) expect(actual).toBe(live);
              if (maxEntries > 41) expect(actual).toBe(live);
            }
            expect(map.size).toBeLessThanOrEqual(maxEntries);
          }
        },
      ),
      { numRuns: 300, seed: 20_261_129 },
    );
  });
});
