import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { orderMachine } from '../../machines/order/orderMachine.ts';
import { createTopicNames, EVENT_TOPICS } from './topics.ts';

describe('topics', () => {
  it('every fact the order machine emits has a topic (the broker does not auto-create them)', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const [created, createdActions] = initialTransition(orderMachine, {
      orderId: '8d2b0d8e-2f0c-4b8e-9a57-3c1d2e3f4a5b',
      customerId: '8d2b0d8e-2f0c-4b8e-9a57-3c1d2e3f4a5c',
      items: [{ sku: 'A', quantity: 1, unitPriceCents: 1 }],
      shippingAddress: { street: 's', city: 'c', state: 's', zipCode: 'z', country: 'c' },
      at,
    });
    const [, cancelActions] = transition(orderMachine, created, { type: 'order.cancel', reason: 'r', at });
    let shipped = created;
    for (const type of ['order.confirm', 'order.process', 'order.ship'] as const)
      [shipped] = transition(orderMachine, shipped, { type, at });
    const [, deliverActions] = transition(orderMachine, shipped, { type: 'order.deliver', at });
    const actions: { type: string; params?: unknown }[] = [
      ...createdActions,
      ...cancelActions,
      ...deliverActions,
    ];
    const emitted = actions
      .filter((action) => action.type === 'xstate.emit')
      .map((action) => (action.params as { event: { type: string } }).event.type);
    expect(new Set(emitted)).toEqual(
      new Set(['order.created', 'order.status.updated', 'order.cancelled', 'order.delivered']),
    );
    for (const type of emitted) expect(EVENT_TOPICS).toContain(type);
  });

  it('prefixes names for a deployment and strips the prefix back', () => {
    const names = createTopicNames('test.');
    expect(names.full('order.created')).toBe('test.order.created');
    expect(names.base('test.order.created')).toBe('order.created');
    expect(names.base('other.order.created')).toBeUndefined();
  });
});
