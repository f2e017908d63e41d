import { InvalidOptionsError } from '@botkeel/core';

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks that `name` is a plain lower-case SQL identifier (`[a-z_][a-z0-9_]*`, at most 63 bytes) and
 * returns it double-quoted: the only way Botkeel ever puts a schema or table name into SQL. Values
 * never go through here; they are always query parameters.
 *
 * @param field - The option that carried the name, named in the error.
 * @example
 * ```ts
 * quoteIdentifier('tenant_a', 'schema'); // '"tenant_a"'
 * quoteIdentifier('x"; DROP TABLE y', 'schema'); // throws InvalidOptionsError
 * ```
 */
export function quoteIdentifier(name: string, field: string): string {
  if (!identifierPattern.test(name)) {
    throw new InvalidOptionsError(
      `${field}: must match ${String(identifierPattern)} (lower-case letters, digits and _, at most 63 characters)`,
    );
  }
  return `"${name}"`;
}

/** The default schema of every Botkeel table. */
export const defaultSchema = 'public';

/** Fully qualified, quoted names of Botkeel's tables in one schema. */
export interface TableNames {
  /** The quoted schema, e.g. `"public"`. */
  readonly schema: string;
  /** The schema as the caller gave it (validated, unquoted), for parameters such as lock keys. */
  readonly schemaName: string;
  readonly dedupe: string;
  readonly checkpoints: string;
  readonly idempotency: string;
  readonly locks: string;
  readonly migrations: string;
}

/**
 * Validates `schema` once and derives every table name from it.
 *
 * @example
 * ```ts
 * tableNames('tenant_a').dedupe; // '"tenant_a"."botkeel_dedupe"'
 * ```
 */
export function tableNames(schema: string = defaultSchema): TableNames {
  const quoted = quoteIdentifier(schema, 'schema');
  const table = (name: string) => `${quoted}."${name}"`;
  return {
    schema: quoted,
    schemaName: schema,
    dedupe: table('botkeel_dedupe'),
    checkpoints: table('botkeel_checkpoints'),
    idempotency: table('botkeel_idempotency'),
    locks: table('botkeel_locks'),
    migrations: table('botkeel_migrations'),
  };
}
