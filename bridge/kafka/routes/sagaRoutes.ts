import { createEnvelope } from '../../../actors/envelope.ts';
import type { TrackOpsError } from '../../../actors/errors.ts';
import { MalformedRecordError } from '../errors.ts';
import { envelopeFromRecord, recordJson, requiredString } from './recordEnvelope.ts';
import type { Delivery, Route } from './route.ts';

/**
 * The routes of the saga protocol (docs/sagas.md): commands go to the actor named by a payload field, answers go
 * back to the actor named in `replyTo`, and `order.*` facts start or inform the sagas.
 */
export function commandRoute(topic: string, actorType: string, idField: string): Route {
  return {
    topic,
    toDelivery(record) {
      const payload = recordJson(record);
      return {
        ref: { type: actorType, id: requiredString(payload, idField, topic) },
        envelope: envelopeFromRecord(record, payload),
      };
    },
  };
}

export function replyRoute(topic: string): Route {
  return {
    topic,
    toDelivery(record) {
      const payload = recordJson(record);
      const replyTo = payload['replyTo'] as { type?: unknown; id?: unknown } | undefined;
      if (typeof replyTo?.type !== 'string' || typeof replyTo.id !== 'string') {
        throw new MalformedRecordError(`${topic} record has no replyTo to route by`);
      }
      return { ref: { type: replyTo.type, id: replyTo.id }, envelope: envelopeFromRecord(record, payload) };
    },
  };
}

export const orderCreatedRoute: Route = {
  topic: 'order.created',
  toDelivery(record) {
    const payload = recordJson(record);
    const order = payload['order'] as Record<string, unknown> | undefined;
    if (!order) throw new MalformedRecordError('order.created record has no order');
    return {
      ref: { type: 'orderSaga', id: requiredString(order, 'orderId', 'order.created') },
      envelope: envelopeFromRecord(record, payload),
    };
  },
};

/** A customer's cancel goes to the saga that must undo what was done; a saga's own cancel goes nowhere. */
export const orderCancelledRoute: Route = {
  topic: 'order.cancelled',
  toDelivery(record) {
    const payload = recordJson(record);
    if (payload['initiator']) return undefined;
    const orderId = requiredString(payload, 'orderId', 'order.cancelled');
    const previous = payload['previousStatus'];
    const envelope = envelopeFromRecord(record, payload);
    if (previous === 'PENDING') return { ref: { type: 'orderSaga', id: orderId }, envelope };
    if (previous === 'CONFIRMED' || previous === 'PROCESSING')
      return { ref: { type: 'cancellationSaga', id: orderId }, envelope };
    throw new MalformedRecordError(
      `order.cancelled record has an unexpected previousStatus ${String(previous)}`,
    );
  },
};

/** An inventory command for a SKU that does not exist (or was deleted) is answered for it, so the saga moves on. */
function inventoryStandIn(kind: 'reserve' | 'release'): NonNullable<Route['standIn']> {
  return ({ ref, envelope }: Delivery, error) => {
    const deleted = error.code === 'COMMAND_REJECTED' && error.details['state'] === 'deleted';
    if (error.code !== 'ACTOR_NOT_FOUND' && !deleted) return undefined;
    const command = envelope.payload as { orderId: string; quantity?: number; replyTo: unknown };
    const payload =
      kind === 'reserve'
        ? {
            sku: ref.id,
            orderId: command.orderId,
            requested: command.quantity ?? 0,
            available: 0,
            shortfall: command.quantity ?? 0,
            reason: 'UNKNOWN_SKU',
            replyTo: command.replyTo,
          }
        : { sku: ref.id, orderId: command.orderId, quantity: 0, replyTo: command.replyTo };
    const type = kind === 'reserve' ? 'inventory.reservation.failed' : 'inventory.released';
    return {
      topic: type,
      key: ref.id,
      // Deterministic id: a redelivered command yields the same stand-in answer, which the saga deduplicates.
      envelope: createEnvelope({
        id: `stand-in:${envelope.id}`,
        type,
        payload,
        correlationId: envelope.correlationId,
        causationId: envelope.id,
      }),
    };
  };
}

const rejectedByCancelledOrder = (error: TrackOpsError): boolean =>
  error.code === 'COMMAND_REJECTED' && error.details['state'] === 'CANCELLED';

export function sagaRoutes(): Route[] {
  return [
    orderCreatedRoute,
    orderCancelledRoute,
    // The customer may cancel an order while its saga confirms or cancels it: the order, already CANCELLED,
    // refuses the saga's command, and the saga learns of the cancellation from order.cancelled (docs/sagas.md).
    { ...commandRoute('order.confirm', 'order', 'orderId'), expectsRejection: rejectedByCancelledOrder },
    { ...commandRoute('order.cancel', 'order', 'orderId'), expectsRejection: rejectedByCancelledOrder },
    {
      ...commandRoute('inventory.reserve', 'inventoryItem', 'sku'),
      standIn: inventoryStandIn('reserve'),
    },
    {
      ...commandRoute('inventory.release', 'inventoryItem', 'sku'),
      standIn: inventoryStandIn('release'),
    },
    commandRoute('inventory.commit', 'inventoryItem', 'sku'),
    commandRoute('payment.charge', 'payment', 'orderId'),
    commandRoute('payment.refund', 'payment', 'orderId'),
    replyRoute('inventory.reserved'),
    replyRoute('inventory.reservation.failed'),
    replyRoute('inventory.released'),
    replyRoute('payment.processed'),
    replyRoute('payment.failed'),
    replyRoute('payment.refunded'),
  ];
}
