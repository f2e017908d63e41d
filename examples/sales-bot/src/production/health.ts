import { type ServerResponse } from 'node:http';
import { type Bot, type LlmRouter } from '@botkeel/core';
import { type Redis } from 'ioredis';
import { type Pool } from 'pg';

/** What `/readyz` checks. */
export interface ReadinessTargets {
  bot: Bot;
  pool: Pool;
  redis: Redis;
  router: LlmRouter;
}

/**
 * `/readyz`: 200 when Postgres and Redis answer and the bot accepts messages, else 503 (while
 * draining too, so the load balancer stops sending). The body shows each check and breaker states.
 */
export async function writeReadiness(response: ServerResponse, targets: ReadinessTargets): Promise<void> {
  const check = async (probe: () => Promise<unknown>) => {
    try {
      await probe();
      return 'ok';
    } catch {
      return 'down';
    }
  };
  const [postgres, redis] = await Promise.all([
    check(() => targets.pool.query('SELECT 1')),
    check(() => targets.redis.ping()),
  ]);
  const breakers = Object.fromEntries(
    [...targets.router.breakers].map(([name, breaker]) => [name, breaker.state]),
  );
  const accepting = targets.bot.isAccepting;
  const ready = postgres === 'ok' && redis === 'ok' && accepting;
  response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ ready, postgres, redis, accepting, breakers }));
}
