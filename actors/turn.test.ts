import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { orderDefinition } from '../machines/registry.ts';
import type { ActorDefinition } from './actorDefinition.ts';
import { createEnvelope } from './envelope.ts';
import { ActorNotFoundError, CommandRejectedError, InternalError, InvalidCommandError } from './errors.ts';
import type { StoredActor } from './ports.ts';
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

describe('computeTurn: delayed events', () => {
  it('fails loudly rather than dropping a delay it cannot persist', () => {
    const machine = setup({ delays: { soon: 1000 } }).createMachine({
      id: 'timed',
      initial: 'waiting',
      states: { waiting: { after: { soon: 'done' } }, done: {} },
    });
    const definition: ActorDefinition = {
      type: 'timed',
      machine,
      creation: { event: 'timed.start', toInput: () => ({}) },
      toEvent: (envelope) => ({ type: envelope.type }),
      migrations: {},
    };
    const message = createEnvelope({ type: 'timed.start', payload: {} });
    expect(() =>
      computeTurn({ definition, ref: { type: 'timed', id: 't1' }, stored: undefined, message, now }),
    ).toThrow(InternalError);
  });
});
