import type { Turn } from '../../actors/ports.ts';
import { type OrderContext, orderStatusSchema } from '../../machines/order/orderEvents.ts';
import type { OrderRow } from '../entities/Order.ts';
import type { OrderItemRow } from '../entities/OrderItem.ts';

/** The read-model rows of one order, exactly as its latest turn left it. */
export interface OrderReadModel {
  readonly order: OrderRow;
  readonly items: OrderItemRow[];
}

/**
 * Pure: an order actor's turn -> its rows in `orders` and `order_items`. Timestamps come from the machine's
 * context (the time of the messages), never from a clock, so a rebuild from snapshots writes the same rows.
 */
export function projectOrder(turn: Turn): OrderReadModel {
  const status = orderStatusSchema.safeParse(turn.snapshot.value);
  if (!status.success) {
    throw new RangeError(
      `order ${turn.ref.id}: state ${JSON.stringify(turn.snapshot.value)} is not an order status`,
    );
  }
  // The order machine wrote this context; the projection trusts its own machine rather than re-parsing it.
  const context = turn.snapshot.context as OrderContext;
  const order: OrderRow = {
    id: context.orderId,
    customerId: context.customerId,
    status: status.data,
    totalCents: context.totalCents,
    shippingAddress: context.shippingAddress,
    deliveryInstructions: context.deliveryInstructions ?? null,
    cancellationReason: context.cancellationReason ?? null,
    statusHistory: context.statusHistory,
    trackingEvents: context.trackingEvents,
    version: turn.version,
    createdAt: new Date(context.createdAt),
    updatedAt: new Date(context.updatedAt),
  };
  const items = context.items.map(
    (line, index): OrderItemRow => ({
      orderId: context.orderId,
      lineNo: index + 1,
      sku: line.sku,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
    }),
  );
  return { order, items };
}
