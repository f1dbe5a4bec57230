import { type Command, Option } from 'commander';
import { ORDER_STATUSES, type OrderStatus } from '../../machines/order/orderEvents.ts';
import { wholeNumber } from '../argParsers.ts';
import { connect } from '../connection.ts';
import { renderOrder, renderOrderItems, renderOrderPage } from '../orderViews.ts';
import { print, type Write } from '../output.ts';

/** `trackops orders get|list|items`: read orders through the typed client. */
export function registerOrderCommands(program: Command, write: Write): void {
  const orders = program.command('orders').description('read orders (the read model)');

  orders
    .command('get <id>')
    .description('one order with its items, status history and tracking events')
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      print(write, options, await connect(program).orders.get.query({ id }), (order) => renderOrder(order));
    });

  orders
    .command('items <id>')
    .description("an order's line items")
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      print(write, options, await connect(program).orders.items.query({ id }), renderOrderItems);
    });

  orders
    .command('list')
    .alias('ls')
    .description('orders, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices(ORDER_STATUSES))
    .option('--customer <uuid>', 'only this customer')
    .option('--limit <n>', 'page size (1-100)', wholeNumber(100), 20)
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .option('--json', 'print the API answer as JSON')
    .action(
      async (options: {
        status?: OrderStatus;
        customer?: string;
        limit: number;
        cursor?: string;
        json?: boolean;
      }) => {
        const page = await connect(program).orders.list.query({
          limit: options.limit,
          ...(options.status ? { status: options.status } : {}),
          ...(options.customer ? { customerId: options.customer } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
        });
        print(write, options, page, (value) => renderOrderPage(value));
      },
    );
}
