import { createHash } from 'node:crypto';
import { type RedisClient } from '../redis-client.js';

type ScriptReply = unknown;

/**
 * A Lua script called by its SHA1 (`EVALSHA`); when the server answers `NOSCRIPT` (restart,
 * failover, `SCRIPT FLUSH`, a new cluster node) it is sent once in full with `EVAL`, which also
 * caches it on that server. The client is never modified (no `defineCommand`).
 */
export class RedisScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script; every key must hash to one slot. */
  run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<ScriptReply> {
    return client.evalsha(this.sha, keys.length, ...keys, ...args).catch((error: unknown) => {
      if (!isNoScript(error)) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    });
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
