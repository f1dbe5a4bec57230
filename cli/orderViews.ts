import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../api/client.ts';
import { formatAge, formatInstant, formatTime, renderFields, renderSection, renderTable } from './output.ts';

/** What `trackops orders get|list|items` print for people (their `--json` is the API's answer as is). */
type Outputs = inferRouterOutputs<AppRouter>['orders'];
export type OrderView = Outputs['get'];
export type OrderPage = Outputs['list'];
export type OrderItem = Outputs['items'][number];

export function renderOrderItems(items: readonly OrderItem[]): string {
  return renderTable(items, [
    { header: 'line', value: (item) => item.lineNo },
    { header: 'sku', value: (item) => item.sku },
    { header: 'quantity', value: (item) => item.quantity },
    { header: 'unit price', value: (item) => item.unitPrice },
    { header: 'line total', value: (item) => item.lineTotal },
  ]);
}

export function renderOrder(order: OrderView, now = Date.now()): string {
  const address = order.shippingAddress;
  const header = renderSection(
    `order ${order.id}`,
    renderFields([
      ['status', order.status],
      ['customer', order.customerId],
      ['total', order.totalAmount],
      [
        'ship to',
        `${address.street}, ${address.city}, ${address.state} ${address.zipCode}, ${address.country}`,
      ],
      ['instructions', order.deliveryInstructions],
      ...(order.cancellationReason ? [['cancelled because', order.cancellationReason] as const] : []),
      ['version', order.version],
      ['created', formatTime(order.createdAt, now)],
      ['updated', formatTime(order.updatedAt, now)],
    ]),
  );
  const history = renderTable(order.statusHistory, [
    { header: 'status', value: (change) => change.status },
    { header: 'at', value: (change) => formatInstant(change.at) },
    { header: 'reason', value: (change) => change.reason },
  ]);
  const tracking = renderTable(order.trackingEvents, [
    { header: 'kind', value: (event) => event.kind },
    { header: 'occurred', value: (event) => formatInstant(event.occurredAt) },
    { header: 'location', value: (event) => event.location },
  ]);
  return [
    header,
    renderSection(`Items (${order.items.length})`, renderOrderItems(order.items)),
    renderSection('Status history', history),
    renderSection(`Tracking events (${order.trackingEvents.length})`, tracking),
  ].join('\n');
}

export function renderOrderPage(page: OrderPage, now = Date.now()): string {
  const table = renderTable(
    page.items,
    [
      { header: 'id', value: (order) => order.id },
      { header: 'status', value: (order) => order.status },
      { header: 'customer', value: (order) => order.customerId },
      { header: 'total', value: (order) => order.totalAmount },
      { header: 'items', value: (order) => order.items.length },
      { header: 'updated', value: (order) => formatAge(order.updatedAt, now) },
    ],
    { empty: 'no orders match' },
  );
  return page.nextCursor ? `${table}\nnext page: --cursor ${page.nextCursor}\n` : table;
}
