import { z } from 'zod';
import { envelopeSchema } from '../../actors/envelope.ts';
import { eventSchemaOf } from '../../machines/eventSchemas.ts';
import { InvalidEventError } from './errors.ts';
import type { ConsumedRecord } from './records.ts';
import { schemaVersionOf } from './routes/recordEnvelope.ts';
import type { Delivery } from './routes/route.ts';

/**
 * Checks what a route made of a record against the versioned schema of its message type before the router
 * delivers it, so nothing malformed enters an actor (the actor's own parse is a second line, not the first).
 * Throws InvalidEventError, which parks the record on its DLQ with the validation error.
 */
export function checkDelivery(record: ConsumedRecord, delivery: Delivery): void {
  const { envelope } = delivery;
  const headers = envelopeSchema.safeParse(envelope);
  if (!headers.success) {
    throw new InvalidEventError(
      `${record.topic} record has invalid metadata (headers): ${z.prettifyError(headers.error)}`,
      { issues: headers.error.issues },
    );
  }
  const version = schemaVersionOf(record);
  const schema = eventSchemaOf(envelope.type, version);
  if (!schema) {
    throw new InvalidEventError(`${envelope.type} has no schema version ${version}`, {
      type: envelope.type,
      version,
    });
  }
  const parsed = schema.safeParse(envelope.payload);
  if (!parsed.success) {
    throw new InvalidEventError(
      `${envelope.type} (schema version ${version}) is invalid: ${z.prettifyError(parsed.error)}`,
      { type: envelope.type, version, issues: parsed.error.issues },
    );
  }
}
