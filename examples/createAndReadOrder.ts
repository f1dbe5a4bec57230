// The README's typed-client example: create an order, then read it back. Run it against a running system with
// `npm run example` (TRACKOPS_URL defaults to http://127.0.0.1:3000; the API key is TRACKOPS_API_KEY, else the
// admin key `npm start` wrote to .trackops/admin.key); test/e2e runs it too, so it never goes stale.
import { createTrackOpsClient } from '../api/client.ts';
import { readAdminKeyFile } from '../cli/adminKeyFile.ts';

export async function createAndReadOrder(baseUrl: string, apiKey?: string) {
  // Every call carries the key as `Authorization: Bearer <key>`; without a valid one the API answers UNAUTHORIZED.
  const trackops = createTrackOpsClient(baseUrl, apiKey ? { apiKey } : {});

  const created = await trackops.orders.create.mutate({
    customerId: '3f0c6f5e-8c4b-4a57-9d0e-2d6f1b7c9a10',
    items: [
      { sku: 'KEYBOARD-01', quantity: 1, unitPrice: '49.90' },
      { sku: 'CABLE-USB-C', quantity: 2, unitPrice: 7.5 },
    ],
    shippingAddress: {
      street: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
    },
    deliveryInstructions: 'Leave at the front desk',
  });
  console.log(`created order ${created.id}: ${created.status}, total ${created.totalAmount}`);

  const order = await trackops.orders.get.query({ id: created.id });
  console.log(`read back: ${order.status}, ${order.items.length} items, ${order.shippingAddress.city}`);
  return { created, order };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await createAndReadOrder(
    process.env['TRACKOPS_URL'] ?? 'http://127.0.0.1:3000',
    process.env['TRACKOPS_API_KEY'] || readAdminKeyFile(),
  );
}
