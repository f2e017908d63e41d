import pg from 'pg';

/** Where a pool connects, without credentials: safe to log and to put in messages. */
export interface PostgresTarget {
  /** Host name, address or socket folder. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
  /** Database name. */
  readonly database: string;
}

/**
 * Resolves host, port and database exactly as `pg` will (options, connection string, `PG*`
 * environment variables, defaults), without connecting and without the user or password.
 *
 * @example
 * ```ts
 * describeTarget({ connectionString: 'postgres://bot:secret@db:6432/app' }); // { host: 'db', port: 6432, database: 'app' }
 * ```
 */
export function describeTarget(config: pg.ClientConfig): PostgresTarget {
  // Constructing a client parses its parameters; it opens no connection.
  const probe = new pg.Client(config);
  return { host: probe.host, port: probe.port, database: probe.database ?? '' };
}
