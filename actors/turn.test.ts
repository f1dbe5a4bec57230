import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { orderDefinition } from '../machines/registry.ts';
import type { ActorDefinition } from './actorDefinition.ts';
import { createEnvelope } from './envelope.ts';
import { ActorNotFoundError, CommandRejectedError, InvalidCommandError } from './errors.ts';
import type { StoredActor, Turn } from './ports.ts';
import { cancelMessage, confirmMessage, createOrderMessage } from './testing/orderFixtures.ts';
import { computeTurn } from './turn.ts';

const ref = { type: 'order', id: '0b7e6c1e-2f4a-4d3b-9c8d-7e6f5a4b3c2d' };
const now = '2026-03-01T12:00:00.000Z';

function created(): StoredActor {
  const turn = computeTurn({
    definition: orderDefinition,
    ref,
    stored: undefined,
    message: createOrderMessage(),
    now,
  });
  return {
    machineId: turn.machineId,
    machineVersion: turn.machineVersion,
    version: turn.version,
    snapshot: turn.snapshot,
  };
}

function rejection(run: () => unknown): CommandRejectedError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CommandRejectedError);
    return error as CommandRejectedError;
  }
  throw new Error('expected a CommandRejectedError');
}

describe('computeTurn: creating an actor', () => {
  it('the creation message starts the machine at version 1 and emits its creation fact into the outbox', () => {
    const message = createOrderMessage({ correlationId: 'corr-1' });
    const turn = computeTurn({ definition: orderDefinition, ref, stored: undefined, message, now });
    expect(turn).toMatchObject({
      ref,
      machineId: 'order',
      machineVersion: '1',
      expectedVersion: 0,
      version: 1,
      message,
    });
    expect(turn.snapshot.value).toBe('PENDING');
    expect(turn.outbox).toHaveLength(1);
    const [event] = turn.outbox;
    expect(event?.aggregateType).toBe('order');
    expect(event?.aggregateId).toBe(ref.id);
    expect(event?.envelope).toMatchObject({
      type: 'order.created',
      correlationId: 'corr-1',
      causationId: message.id,
      occurredAt: now,
    });
    expect(event?.envelope.payload).toMatchObject({ order: { totalCents: 2500 } });
  });

  it('any other message to an actor that does not exist is ActorNotFoundError', () => {
    expect(() =>
      computeTurn({ definition: orderDefinition, ref, stored: undefined, message: confirmMessage(), now }),
    ).toThrow(ActorNotFoundError);
  });

  it('an invalid creation payload is InvalidCommandError', () => {
    const message = createOrderMessage({ payload: { customerId: 'nope', items: [] } });
    expect(() => computeTurn({ definition: orderDefinition, ref, stored: undefined, message, now })).toThrow(
      InvalidCommandError,
    );
  });
});

describe('computeTurn: advancing an actor', () => {
  it('applies an accepted command with the next version and the facts it emits', () => {
    const stored = created();
    const turn = computeTurn({ definition: orderDefinition, ref, stored, message: confirmMessage(), now });
    expect(turn.expectedVersion).toBe(1);
    expect(turn.version).toBe(2);
    expect(turn.snapshot.value).toBe('CONFIRMED');
    expect(turn.outbox.map((event) => event.envelope.type)).toEqual(['order.status.updated']);
    expect(turn.outbox[0]?.envelope.payload).toMatchObject({ from: 'PENDING', to: 'CONFIRMED' });
  });

  it('a command the state does not accept is rejected, naming the state and the accepted commands', () => {
    const stored = created();
    const error = rejection(() =>
      computeTurn({
        definition: orderDefinition,
        ref,
        stored,
        message: createEnvelope({ type: 'order.deliver', payload: {} }),
        now,
      }),
    );
    expect(error.code).toBe('COMMAND_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({
      state: 'PENDING',
      event: 'order.deliver',
      accepted: ['order.confirm', 'order.cancel'],
    });
    expect(error.message).toContain('PENDING');
    expect(error.message).toContain('order.confirm, order.cancel');
  });

  it('a final state accepts nothing and says so', () => {
    const cancelled = computeTurn({
      definition: orderDefinition,
      ref,
      stored: created(),
      message: cancelMessage('fraud'),
      now,
    });
    const stored = { ...created(), version: 2, snapshot: cancelled.snapshot };
    const error = rejection(() =>
      computeTurn({ definition: orderDefinition, ref, stored, message: confirmMessage(), now }),
    );
    expect(error.details).toMatchObject({ state: 'CANCELLED', accepted: [] });
    expect(error.message).toContain('nothing (final state)');
  });

  it('creating an actor that already exists is rejected, not applied twice', () => {
    const error = rejection(() =>
      computeTurn({
        definition: orderDefinition,
        ref,
        stored: created(),
        message: createOrderMessage(),
        now,
      }),
    );
    expect(error.details).toMatchObject({ event: 'order.create', state: 'PENDING' });
  });
});

describe('computeTurn: durable timers', () => {
  const machine = setup({ delays: { soon: 1000 } }).createMachine({
    id: 'timed',
    initial: 'waiting',
    states: {
      waiting: { after: { soon: 'expired' }, on: { 'timed.stop': 'stopped' } },
      expired: { on: { 'timed.restart': 'waiting' } },
      stopped: {},
    },
  });
  const definition: ActorDefinition = {
    type: 'timed',
    machine,
    creation: { events: ['timed.start'], toInput: () => ({}) },
    toEvent: (envelope) => ({ type: envelope.type }),
    migrations: {},
  };
  const ref = { type: 'timed', id: 't1' };
  const afterType = 'xstate.after.soon.timed.waiting';
  const stored = (turn: Turn): StoredActor => ({
    machineId: turn.machineId,
    machineVersion: turn.machineVersion,
    version: turn.version,
    snapshot: turn.snapshot,
  });

  it('a delayed event becomes a timer to store, due after the delay, with a message id unique to this scheduling', () => {
    const turn = computeTurn({
      definition,
      ref,
      stored: undefined,
      message: createEnvelope({ type: 'timed.start', payload: {} }),
      now,
    });
    expect(turn.timers.cancel).toEqual([]);
    expect(turn.timers.set).toEqual([
      {
        timerId: afterType,
        eventType: afterType,
        dueAt: '2026-03-01T12:00:01.000Z',
        messageId: `timer:timed:t1:${afterType}:1`,
      },
    ]);
  });

  it('leaving the state cancels the timer', () => {
    const started = computeTurn({
      definition,
      ref,
      stored: undefined,
      message: createEnvelope({ type: 'timed.start', payload: {} }),
      now,
    });
    const stopped = computeTurn({
      definition,
      ref,
      stored: stored(started),
      message: createEnvelope({ type: 'timed.stop', payload: {} }),
      now,
    });
    expect(stopped.snapshot.value).toBe('stopped');
    expect(stopped.timers).toEqual({ set: [], cancel: [afterType] });
  });

  it('the due event, delivered as a message, takes the delayed transition; a stale one is rejected', () => {
    const started = computeTurn({
      definition,
      ref,
      stored: undefined,
      message: createEnvelope({ type: 'timed.start', payload: {} }),
      now,
    });
    const fired = computeTurn({
      definition,
      ref,
      stored: stored(started),
      message: createEnvelope({ type: afterType, payload: {} }),
      now,
    });
    expect(fired.snapshot.value).toBe('expired');
    const stopped = computeTurn({
      definition,
      ref,
      stored: stored(started),
      message: createEnvelope({ type: 'timed.stop', payload: {} }),
      now,
    });
    expect(() =>
      computeTurn({
        definition,
        ref,
        stored: stored(stopped),
        message: createEnvelope({ type: afterType, payload: {} }),
        now,
      }),
    ).toThrow(CommandRejectedError);
  });

  it('re-entering the state schedules a new timer under a new message id', () => {
    const started = computeTurn({
      definition,
      ref,
      stored: undefined,
      message: createEnvelope({ type: 'timed.start', payload: {} }),
      now,
    });
    const fired = computeTurn({
      definition,
      ref,
      stored: stored(started),
      message: createEnvelope({ type: afterType, payload: {} }),
      now,
    });
    const again = computeTurn({
      definition,
      ref,
      stored: stored(fired),
      message: createEnvelope({ type: 'timed.restart', payload: {} }),
      now,
    });
    expect(again.timers.set.map((timer) => timer.messageId)).toEqual([`timer:timed:t1:${afterType}:3`]);
  });
});
