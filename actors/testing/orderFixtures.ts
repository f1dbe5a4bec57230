import { createEnvelope, type Envelope } from '../envelope.ts';

/** Valid order messages for runtime tests; override any field. */
export function createOrderMessage(overrides: Partial<Envelope> = {}): Envelope {
  return createEnvelope({
    type: 'order.create',
    payload: {
      customerId: '6a3c1f8e-5a4b-4c1d-9e2f-1b2c3d4e5f60',
      items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 1250 }],
      shippingAddress: {
        street: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        zipCode: '62701',
        country: 'US',
      },
    },
    ...overrides,
  });
}

export const confirmMessage = (overrides: Partial<Envelope> = {}): Envelope =>
  createEnvelope({ type: 'order.confirm', payload: {}, ...overrides });

export const cancelMessage = (reason: string, overrides: Partial<Envelope> = {}): Envelope =>
  createEnvelope({ type: 'order.cancel', payload: { reason }, ...overrides });
