import { describe, expect, it } from 'vitest';
import { actorSubject, refFromSubject } from './subjects.ts';

describe('actor subjects', () => {
  it('address an actor as <namespace>.actor.<type>.<id>', () => {
    expect(actorSubject('trackops', { type: 'order', id: 'f3c1' })).toBe('trackops.actor.order.f3c1');
  });

  it.each(['SKU.with.dots', 'a b', 'wild*card', 'tail>', 'ünïcødé/%'])(
    'round-trip an id that NATS could not carry raw: %s',
    (id) => {
      const subject = actorSubject('ns', { type: 'inventoryItem', id });
      expect(subject.split('.')).toHaveLength(4);
      expect(subject).not.toMatch(/[\s*>]/);
      expect(refFromSubject('ns', subject)).toEqual({ type: 'inventoryItem', id });
    },
  );

  it('refuse subjects that are not actor subjects of this namespace', () => {
    expect(refFromSubject('ns', 'other.actor.order.1')).toBeUndefined();
    expect(refFromSubject('ns', 'ns.actor.order')).toBeUndefined();
    expect(refFromSubject('ns', 'ns.actor.order.1.extra')).toBeUndefined();
    expect(refFromSubject('ns', 'ns.actor.order.%E0%A4%A')).toBeUndefined();
  });
});
