import { BotkeelError } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteIdentifier, tableNames } from '../src/sql/identifier.js';
import { toStoreError } from '../src/sql/to-store-error.js';
import { describeTarget } from '../src/pool/describe-target.js';

describe('quoteIdentifier', () => {
  it('quotes plain lower-case identifiers and derives every table from the schema', () => {
    expect(quoteIdentifier('tenant_1', 'schema')).toBe('"tenant_1"');
    expect(tableNames('tenant_1')).toMatchObject({
      dedupe: '"tenant_1"."botkeel_dedupe"',
      checkpoints: '"tenant_1"."botkeel_checkpoints"',
      migrations: '"tenant_1"."botkeel_migrations"',
    });
  });

  it('refuses anything that could leave the quotes, naming the field', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
        let quoted: string | undefined;
        try {
          quoted = quoteIdentifier(name, 'schema');
        } catch (error) {
          expect(BotkeelError.hasCode(error, 'INVALID_OPTIONS')).toBe(true);
          expect((error as Error).message).toMatch(/^schema: /);
          return;
        }
        expect(quoted).toMatch(/^"[a-z_][a-z0-9_]{0,62}"$/);
      }),
    );
    for (const name of ['', 'Tenant', '1abc', 'a"b', 'a;b', 'a b', 'x'.repeat(64), 'ü']) {
      expect(() => quoteIdentifier(name, 'schema')).toThrow(/schema: must match/);
    }
  });
});

describe('toStoreError', () => {
  const withCode = (message: string, code?: string) =>
    Object.assign(new Error(message), code ? { code } : {});

  it('maps pool waits, read timeouts and statement timeouts to TIMEOUT', () => {
    expect(toStoreError(new Error('timeout exceeded when trying to connect'), 'x', 5_000)).toMatchObject({
      code: 'TIMEOUT',
      timeoutMs: 5_000,
    });
    expect(toStoreError(new Error('Query read timeout'), 'x').code).toBe('TIMEOUT');
    expect(toStoreError(withCode('canceling statement due to statement timeout', '57014'), 'x').code).toBe(
      'TIMEOUT',
    );
  });

  it('maps dropped connections, shutdowns and missing tables to STORE_UNAVAILABLE (retryable)', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      new Error('Connection terminated unexpectedly'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
    ]) {
      const mapped = toStoreError(error, 'dedupe claim');
      expect(mapped).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, store: 'postgres' });
      expect(mapped.message).toContain('dedupe claim');
      expect(mapped.cause).toBe(error);
    }
    expect(toStoreError(withCode('relation "x" does not exist', '42P01'), 'x').message).toContain('migrate(');
  });

  it('maps a NUL character to a non-retryable INVALID_OPTIONS and passes Botkeel errors through', () => {
    expect(toStoreError(withCode('unsupported Unicode escape sequence', '22P05'), 'x')).toMatchObject({
      code: 'INVALID_OPTIONS',
      retryable: false,
    });
    const original = new BotkeelError('VERSION_CONFLICT', 'lost');
    expect(toStoreError(original, 'x')).toBe(original);
  });
});

describe('describeTarget', () => {
  it('reads host, port and database like pg does, without credentials', () => {
    const target = describeTarget({ connectionString: 'postgres://bot:secret@db.internal:6432/shop' });
    expect(target).toEqual({ host: 'db.internal', port: 6432, database: 'shop' });
    expect(JSON.stringify(target)).not.toContain('secret');
  });
});
