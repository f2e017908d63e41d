import { type Pool } from 'pg';

/** One chat's conversation as its latest checkpoint in Postgres shows it. */
export interface ChatState {
  /** The funnel's top-level state, e.g. `'STATE_7_END'`. */
  readonly state: string;
  readonly version: number;
  /** What the customer said, in order, as the funnel remembered it. */
  readonly userLines: readonly string[];
  readonly orderId: string | undefined;
}

interface PersistedSales {
  value?: unknown;
  context?: { transcript?: { from: string; text: string }[]; orderId?: string };
}

const topState = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'object' && value !== null
      ? (Object.keys(value)[0] ?? '?')
      : '?';

/** The latest checkpoint of every chat in `schema`, by chat id. */
export async function readChatStates(pool: Pool, schema: string): Promise<Map<string, ChatState>> {
  const result = await pool.query<{ thread_id: string; version: number; snapshot: PersistedSales }>(
    `SELECT DISTINCT ON (thread_id) thread_id, version, snapshot
       FROM "${schema}".botkeel_checkpoints ORDER BY thread_id, version DESC`,
  );
  return new Map(
    result.rows.map((row) => [
      row.thread_id,
      {
        state: topState(row.snapshot.value),
        version: row.version,
        userLines: (row.snapshot.context?.transcript ?? [])
          .filter((line) => line.from === 'user')
          .map((line) => line.text),
        orderId: row.snapshot.context?.orderId,
      },
    ]),
  );
}

/** Rows of `shop_orders` per chat id. */
export async function countOrders(pool: Pool, schema: string): Promise<Map<string, number>> {
  const result = await pool.query<{ chat_id: string; orders: string }>(
    `SELECT chat_id, count(*) AS orders FROM "${schema}".shop_orders GROUP BY chat_id`,
  );
  return new Map(result.rows.map((row) => [row.chat_id, Number(row.orders)]));
}
