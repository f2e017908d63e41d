import { createPool, type PostgresPool } from '@botkeel/store-postgres';
import fc from 'fast-check';
import { type PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberArrayLiteral, textArrayLiteral } from '../src/sql/array-literal.js';
import { sendStatement, type WireRow, WireStatement } from '../src/sql/wire-statement.js';
import { testDatabaseUrl } from './support/test-database.js';

let pool: PostgresPool;
let client: PoolClient;
beforeAll(async () => {
  pool = await createPool({ connectionString: testDatabaseUrl, min: 1, max: 1, statementTimeoutMs: 1_000 });
  client = await pool.connect();
});
afterAll(async () => {
  client.release();
  await pool.close();
});

function send(statement: WireStatement, values: readonly string[]): Promise<readonly WireRow[]> {
  return new Promise((resolve, reject) => {
    sendStatement(client, statement, values, (error, rows) => (error ? reject(error) : resolve(rows)));
  });
}

const unnestText = new WireStatement(
  'SELECT value FROM unnest($1::text[]) WITH ORDINALITY AS t(value, n) ORDER BY n',
);

describe('WireStatement (unnamed Parse/Bind/Execute/Sync in one write)', () => {
  it('sends text values and returns every row as unparsed text, NULL as null', async () => {
    const statement = new WireStatement(
      "SELECT $1::text AS key, $2::float8 + 1 AS next, NULL::text AS nothing, true AS yes, 'ü€😀'::text AS wide",
    );
    expect(await send(statement, ['tg:1:ü€😀', '1700000000000.5'])).toEqual([
      ['tg:1:ü€😀', '1700000000001.5', null, 't', 'ü€😀'],
    ]);
    expect(await send(new WireStatement('SELECT 1 WHERE false'), [])).toEqual([]);
  });

  it('reports a server error with its SQLSTATE, and the client keeps serving', async () => {
    await expect(send(new WireStatement('SELECT $1::int'), ['not a number'])).rejects.toMatchObject({
      code: '22P02',
    });
    await expect(send(new WireStatement('SELECT pg_sleep(5)'), [])).rejects.toMatchObject({ code: '57014' });
    expect(await send(new WireStatement('SELECT $1::int + 1'), ['41'])).toEqual([['42']]);
  });

  it('never prepares a named statement (PgBouncer transaction mode)', async () => {
    await send(new WireStatement('SELECT 1'), []);
    expect(await send(new WireStatement('SELECT count(*) FROM pg_prepared_statements'), [])).toEqual([['0']]);
  });
});

describe('array literals', () => {
  it('round-trips any text without NUL through a text[] parameter', async () => {
    const awkward = [
      '',
      'NULL',
      'null',
      'a,b',
      '{x}',
      ' spaced ',
      'quote"d',
      'back\\slash',
      '\\"',
      'ü€😀',
      '\n\t',
    ];
    expect((await send(unnestText, [textArrayLiteral(awkward)])).map((row) => row[0])).toEqual(awkward);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'binary', maxLength: 20 }).filter((value) => !value.includes('\u0000')),
          { maxLength: 8 },
        ),
        async (values) => {
          const rows = await send(unnestText, [textArrayLiteral(values)]);
          // Lone surrogates are not UTF-8: they go over the wire as U+FFFD, as with pg's own encoding.
          const sent = values.map((value) => Buffer.from(value, 'utf8').toString('utf8'));
          expect(rows.map((row) => row[0])).toEqual(sent);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sends numbers that float8 reads back exactly', async () => {
    const numbers = [
      0,
      1,
      -1,
      1_700_000_000_000,
      1_700_000_000_000.25,
      0.1 + 0.2,
      1e21,
      Number.MAX_SAFE_INTEGER,
    ];
    const rows = await send(new WireStatement('SELECT unnest($1::float8[])::text'), [
      numberArrayLiteral(numbers),
    ]);
    expect(rows.map((row) => Number(row[0]))).toEqual(numbers);
  });
});
