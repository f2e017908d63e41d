import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChildren } from './support/run-children.js';
import { createTestSchema, type TestSchema } from './support/test-database.js';

let database: TestSchema;
beforeAll(async () => {
  database = await createTestSchema('processes');
});
afterAll(async () => {
  await database.dispose();
});

describe('PostgresDedupeStore across processes', () => {
  it('gives exactly one claimed among 1,000 claims of one key from 3 processes', async () => {
    const startAtMs = Date.now() + 4_000;
    const counts = await runChildren<Record<string, number>>(
      'claim',
      [334, 333, 333].map((count) => ({ schema: database.schema, key: 'update:1', count, startAtMs })),
    );
    const total = (result: string) => counts.reduce((sum, each) => sum + (each[result] ?? 0), 0);
    expect(total('claimed')).toBe(1);
    expect(total('in-progress')).toBe(999);
    expect(total('duplicate')).toBe(0);
  }, 60_000);
});
