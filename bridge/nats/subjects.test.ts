import { describe, expect, it } from 'vitest';
import { actorSubject, refFromSubject, shardSubject } from './subjects.ts';

describe('actor subjects', () => {
  it('address an actor as <namespace>.actor.<shard>.<type>.<id>', () => {
    expect(actorSubject('trackops', { type: 'order', id: 'f3c1' }, 7)).toBe('trackops.actor.7.order.f3c1');
    expect(shardSubject('trackops', 7)).toBe('trackops.actor.7.>');
  });

  it.each(['SKU.with.dots', 'a b', 'wild*card', 'tail>', 'ünïcødé/%'])(
    'round-trip an id that NATS could not carry raw: %s',
    (id) => {
      const subject = actorSubject('ns', { type: 'inventoryItem', id }, 3);
      expect(subject.split('.')).toHaveLength(5);
      expect(subject).not.toMatch(/[\s*>]/);
      expect(refFromSubject('ns', subject)).toEqual({ type: 'inventoryItem', id });
    },
  );

  it('refuse subjects that are not actor subjects of this namespace', () => {
    expect(refFromSubject('ns', 'other.actor.1.order.1')).toBeUndefined();
    expect(refFromSubject('ns', 'ns.actor.1.order')).toBeUndefined();
    expect(refFromSubject('ns', 'ns.actor.x.order.1')).toBeUndefined();
    expect(refFromSubject('ns', 'ns.actor.1.order.1.extra')).toBeUndefined();
    expect(refFromSubject('ns', 'ns.actor.1.order.%E0%A4%A')).toBeUndefined();
  });
});
