import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from './sql.ts';

/**
 * The database invariants hostile input must never break (issue 7): no half-written order (every order row has
 * its actor and its items), every order's total is exactly the sum of its items, and stock is never negative.
 * Returns the violations found (empty when all hold), so a failing test names them.
 */
export async function databaseInvariantViolations(orm: MikroORM): Promise<string[]> {
  const checks: [string, string][] = [
    [
      'order without its actor state',
      `select o.id from orders o
        where not exists (select 1 from actor_state a where a.actor_type = 'order' and a.actor_id = o.id::text)`,
    ],
    [
      'order without items',
      `select o.id from orders o where not exists (select 1 from order_items i where i.order_id = o.id)`,
    ],
    [
      'order whose total is not the sum of its items',
      `select o.id from orders o join order_items i on i.order_id = o.id
        group by o.id, o.total_cents having o.total_cents <> sum(i.quantity::numeric * i.unit_price_cents)`,
    ],
    ['negative stock', `select sku as id from inventory_items where available < 0 or reserved < 0`],
  ];
  const violations: string[] = [];
  for (const [what, sql] of checks) {
    const rows = await query<{ id: string }>(orm, sql);
    for (const row of rows.slice(0, 5)) violations.push(`${what}: ${row.id}`);
  }
  return violations;
}
