import type { Command } from 'commander';
import type { TrackOpsClient } from '../../api/client.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../machines/order/orderEvents.ts';

/** `trackops orders get|list|items`: read orders through the typed client. */
export function registerOrderCommands(
  program: Command,
  run: (action: (client: TrackOpsClient) => Promise<unknown>) => Promise<void>,
): void {
  const orders = program.command('orders').description('read orders');

  orders
    .command('get <id>')
    .description('one order with its items, status history and tracking events')
    .action((id: string) => run((client) => client.orders.get.query({ id })));

  orders
    .command('items <id>')
    .description("an order's line items")
    .action((id: string) => run((client) => client.orders.items.query({ id })));

  orders
    .command('list')
    .description('orders, newest first')
    .option('--status <status>', `one of ${ORDER_STATUSES.join(', ')}`)
    .option('--customer <uuid>', 'only this customer')
    .option('--limit <n>', 'page size (1-100)', (value) => Number.parseInt(value, 10), 20)
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .action((options: { status?: OrderStatus; customer?: string; limit: number; cursor?: string }) =>
      run((client) =>
        client.orders.list.query({
          limit: options.limit,
          ...(options.status ? { status: options.status } : {}),
          ...(options.customer ? { customerId: options.customer } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
        }),
      ),
    );
}
