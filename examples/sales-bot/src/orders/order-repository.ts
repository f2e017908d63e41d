import { type PlacedOrder } from '../funnel/sales-types.js';

/** Where confirmed orders go. Writing the same `orderKey` twice returns the first id and writes nothing. */
export interface OrderRepository {
  place(order: PlacedOrder, signal?: AbortSignal): Promise<string>;
}

/** Orders in memory, for the playground. */
export function createMemoryOrderRepository(): OrderRepository & {
  readonly orders: ReadonlyMap<string, PlacedOrder & { id: string }>;
} {
  const orders = new Map<string, PlacedOrder & { id: string }>();
  return {
    orders,
    place(order) {
      const existing = orders.get(order.orderKey);
      if (existing !== undefined) return Promise.resolve(existing.id);
      const id = `BK${String(orders.size + 1).padStart(5, '0')}`;
      orders.set(order.orderKey, { ...order, id });
      return Promise.resolve(id);
    },
  };
}
