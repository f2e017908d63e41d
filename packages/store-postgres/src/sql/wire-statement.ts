import { type Connection, type PoolClient, type Submittable } from 'pg';

/** One result row in text format, column by column (`null` for SQL NULL), unparsed. */
export type WireRow = readonly (string | null)[];

/** Called once per statement: with the error, or with its rows. */
export type WireCallback = (error: Error | undefined, rows: readonly WireRow[]) => void;

/**
 * `Execute` (portal `''`, all rows) and `Sync`: the same for every statement. No `Describe`: the
 * caller knows the columns it selected, so the server need not send (nor the client parse) a
 * `RowDescription` per statement.
 */
const executeSync = Buffer.concat([
  Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]), // Execute: portal '', no row limit
  Buffer.from([0x53, 0, 0, 0, 4]), // Sync
]);

/** The `Parse` message of `text` as the unnamed statement, with no parameter types given. */
function parseMessage(text: string): Buffer {
  const textBytes = Buffer.byteLength(text, 'utf8');
  const length = 4 + 1 + textBytes + 1 + 2;
  const message = Buffer.alloc(1 + length);
  message[0] = 0x50;
  message.writeInt32BE(length, 1);
  // name '' (byte 5 stays 0), then the text and its terminating 0, then 0 parameter types.
  message.write(text, 6, 'utf8');
  return message;
}

/**
 * One SQL statement sent the way `pg` sends a parameterised query, as the UNNAMED statement (never
 * prepared, so it works through PgBouncer in transaction mode), with every byte that does not depend
 * on the values encoded once: `Parse` of the text, then per call `Bind` of the values (all text),
 * `Execute` and `Sync`, written to the socket as one buffer. Results come back as text
 * and are not parsed: the caller reads the few columns it asked for.
 *
 * @example
 * ```ts
 * const select = new WireStatement('SELECT state FROM botkeel_dedupe WHERE key = $1');
 * sendStatement(client, select, ['tg:1:42'], (error, rows) => console.log(error ?? rows[0]?.[0]));
 * ```
 */
export class WireStatement {
  private readonly parse: Buffer;

  constructor(readonly text: string) {
    this.parse = parseMessage(text);
  }

  /** The messages of one execution with `values` (as text), in one buffer. */
  encode(values: readonly string[]): Buffer {
    let bindLength = 4 + 1 + 1 + 2 + 2 + 2;
    for (const value of values) bindLength += 4 + Buffer.byteLength(value, 'utf8');
    const message = Buffer.allocUnsafe(this.parse.length + 1 + bindLength + executeSync.length);
    let offset = this.parse.copy(message, 0);
    message[offset] = 0x42;
    message.writeInt32BE(bindLength, offset + 1);
    // portal '', statement '', 0 parameter format codes (all text)
    message[offset + 5] = 0;
    message[offset + 6] = 0;
    message.writeInt16BE(0, offset + 7);
    offset = message.writeInt16BE(values.length, offset + 9);
    for (const value of values) {
      const written = message.write(value, offset + 4, 'utf8');
      message.writeInt32BE(written, offset);
      offset += 4 + written;
    }
    // 0 result format codes (all text)
    offset = message.writeInt16BE(0, offset);
    executeSync.copy(message, offset);
    return message;
  }
}

/** A `pg` query object (its `Submittable` protocol) that collects the raw rows of one statement. */
class WireQuery implements Submittable {
  /** `pg` wraps this with its read timeout (`query_timeout`) and replaces it once that fired. */
  callback: ((error: Error | undefined) => void) | undefined;
  private readonly rows: WireRow[] = [];
  private isDone = false;

  constructor(
    private readonly message: Buffer,
    done: WireCallback,
  ) {
    this.callback = (error) => {
      if (this.isDone) return;
      this.isDone = true;
      done(error, this.rows);
    };
  }

  submit(connection: Connection): Error | null {
    if (!connection.stream.writable) return new Error('Connection is not writable');
    connection.stream.write(this.message);
    return null;
  }

  handleRowDescription(): void {
    // The caller knows the columns it selected.
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.rows.push(message.fields);
  }

  handleCommandComplete(): void {
    // The rows are the answer; the command tag is not needed.
  }

  handleEmptyQuery(): void {
    // Not sent for a non-empty text.
  }

  handlePortalSuspended(): void {
    // Not sent: Execute asks for all rows.
  }

  handleCopyInResponse(connection: Connection): void {
    // Not sent by these statements; answered like pg's own Query, so the connection never hangs.
    (connection as unknown as { sendCopyFail(message: string): void }).sendCopyFail(
      'No source stream defined',
    );
  }

  handleCopyData(): void {
    // Not sent by these statements.
  }

  handleError(error: Error): void {
    this.finish(error);
  }

  handleReadyForQuery(): void {
    this.finish(undefined);
  }

  private finish(error: Error | undefined): void {
    try {
      this.callback?.(error);
    } catch (thrown) {
      // Never inside pg's message handling: like pg's own Query, rethrow outside it.
      process.nextTick(() => {
        throw thrown;
      });
    }
  }
}

/**
 * Sends `statement` with `values` on a checked-out client; `done` is called once, with the error
 * (a server error, a dropped connection, pg's read timeout) or with the rows as text.
 *
 * @example
 * ```ts
 * sendStatement(client, claimOne, [key, String(now + leaseMs), String(now)], (error, rows) => {});
 * ```
 */
export function sendStatement(
  client: PoolClient,
  statement: WireStatement,
  values: readonly string[],
  done: WireCallback,
): void {
  client.query(new WireQuery(statement.encode(values), done));
}
