import { type Pool } from 'pg';
import { type PlacedOrder } from '../funnel/sales-types.js';
import { type OrderRepository } from './order-repository.js';

const schemaPattern = /^[a-z][a-z0-9_]{0,30}$/;

/**
 * Creates the shop's orders table (once, under a transaction-scoped advisory lock, so several
 * instances starting together do not race) in `schema`.
 */
export async function migrateOrders(pool: Pool, schema: string): Promise<void> {
  if (!schemaPattern.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${schema}.shop_orders`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".shop_orders (
        order_key text PRIMARY KEY,
        id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        chat_id text NOT NULL,
        sku text NOT NULL,
        size text NOT NULL,
        colour text NOT NULL,
        price_uah integer NOT NULL CHECK (price_uah > 0),
        details jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Orders in Postgres, written once per `orderKey`: one `INSERT … ON CONFLICT DO NOTHING`, and the
 * existing row's id when the key was written before (a replayed turn).
 */
export function createPostgresOrderRepository(pool: Pool, schema: string): OrderRepository {
  if (!schemaPattern.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const table = `"${schema}".shop_orders`;
  return {
    async place(order) {
      const inserted = await pool.query<{ id: string }>(
        `INSERT INTO ${table} (order_key, chat_id, sku, size, colour, price_uah, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_key) DO NOTHING RETURNING id`,
        [
          order.orderKey,
          order.chatId,
          order.sku,
          order.size,
          order.colour,
          order.priceUah,
          JSON.stringify(order.details),
        ],
      );
      const row =
        inserted.rows[0] ??
        (await pool.query<{ id: string }>(`SELECT id FROM ${table} WHERE order_key = $1`, [order.orderKey]))
          .rows[0];
      if (row === undefined) throw new Error('order row vanished');
      return `BK${String(row.id).padStart(5, '0')}`;
    },
  };
}

/** The orders written so far (for tests and the managers' tools). */
export async function listOrders(pool: Pool, schema: string): Promise<PlacedOrder[]> {
  if (!schemaPattern.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const result = await pool.query<{
    order_key: string;
    chat_id: string;
    sku: string;
    size: PlacedOrder['size'];
    colour: string;
    price_uah: number;
    details: PlacedOrder['details'];
  }>(
    `SELECT order_key, chat_id, sku, size, colour, price_uah, details FROM "${schema}".shop_orders ORDER BY id`,
  );
  return result.rows.map((row) => ({
    orderKey: row.order_key,
    chatId: row.chat_id,
    sku: row.sku,
    size: row.size,
    colour: row.colour,
    priceUah: row.price_uah,
    details: row.details,
  }));
}
