import { type FloodBudget } from './flood-control.js';

/**
 * The GCRA arithmetic of the memory flood control (internal, not exported from the package):
 * given a bucket's theoretical arrival
 * time (`tatMs`, 0 for a fresh bucket) and `nowMs`, how long until one more send conforms, and the new
 * arrival time once it is spent.
 *
 * @example
 * ```ts
 * const { waitMs, nextTatMs } = gcraStep(budget, tatMs, clock.now());
 * if (waitMs === 0) tatMs = nextTatMs;
 * ```
 */
export function gcraStep(
  budget: FloodBudget,
  tatMs: number,
  nowMs: number,
): { waitMs: number; nextTatMs: number } {
  const intervalMs = budget.windowMs / budget.limit;
  const toleranceMs = (budget.burst - 1) * intervalMs;
  const base = Math.max(tatMs, nowMs);
  const allowedAt = base - toleranceMs;
  return { waitMs: allowedAt > nowMs ? Math.ceil(allowedAt - nowMs) : 0, nextTatMs: base + intervalMs };
}
