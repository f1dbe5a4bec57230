import { z } from 'zod';
import { createEnvelope, HEADERS } from '../../../actors/envelope.ts';
import { TRACKING_EVENT_TYPES, trackingKindSchema } from '../../../machines/order/orderEvents.ts';
import { MalformedRecordError } from '../errors.ts';
import { type ConsumedRecord, recordMessageId } from '../records.ts';
import type { Route } from './route.ts';

/**
 * Carrier tracking facts (`shipment.events`, keyed by order id) -> the order actor. The value is
 * `{ orderId, type: PICKED_UP | IN_TRANSIT | OUT_FOR_DELIVERY | DELIVERED, occurredAt, location? }`.
 */
export const trackingRecordSchema = z.object({
  orderId: z.uuid(),
  type: trackingKindSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  location: z.string().max(200).optional(),
});

export type TrackingRecord = z.infer<typeof trackingRecordSchema>;

export const shipmentEventsRoute: Route = {
  topic: 'shipment.events',
  toDelivery(record: ConsumedRecord) {
    const tracking = parseTracking(record);
    const id = recordMessageId(record);
    return {
      ref: { type: 'order', id: tracking.orderId },
      envelope: createEnvelope({
        id,
        type: TRACKING_EVENT_TYPES[tracking.type],
        payload: {
          kind: tracking.type,
          occurredAt: tracking.occurredAt,
          ...(tracking.location === undefined ? {} : { location: tracking.location }),
        },
        correlationId: record.headers[HEADERS.correlationId] ?? id,
        occurredAt: tracking.occurredAt,
      }),
    };
  },
};

function parseTracking(record: ConsumedRecord): TrackingRecord {
  if (!record.value) throw new MalformedRecordError('tracking record has no value');
  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    throw new MalformedRecordError(`tracking record is not JSON: ${(error as Error).message}`);
  }
  const parsed = trackingRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new MalformedRecordError(`tracking record is invalid: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}
