import type { CreateOrderInput } from '../../api/orderInputs.ts';

/** One valid order for the API; override what a test is about. */
export function validOrderInput(overrides: Partial<CreateOrderInput> = {}): CreateOrderInput {
  return {
    customerId: crypto.randomUUID(),
    items: [
      { sku: 'SKU-KEYBOARD', quantity: 1, unitPrice: '49.90' },
      { sku: 'SKU-CABLE', quantity: 3, unitPrice: 2.5 },
    ],
    shippingAddress: {
      street: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
    },
    deliveryInstructions: 'Ring twice',
    ...overrides,
  };
}
