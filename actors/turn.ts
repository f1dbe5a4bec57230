import { type AnyMachineSnapshot, getNextTransitions, initialTransition, transition } from 'xstate';
import type { ActorDefinition } from './actorDefinition.ts';
import { type ActorRef, createEnvelope, type Envelope } from './envelope.ts';
import { ActorNotFoundError, CommandRejectedError, InternalError } from './errors.ts';
import type { OutboxMessage, PersistedSnapshot, StoredActor, Turn } from './ports.ts';

/**
 * One actor turn as a pure function: (definition, stored state, message) -> the Turn to commit, or a typed error.
 * It never touches I/O, so the runtime, the tests and a dry run of a migration compute exactly the same thing.
 */
export interface TurnInput {
  readonly definition: ActorDefinition;
  readonly ref: ActorRef;
  /** Already brought to the current machine version (activation does that). */
  readonly stored: StoredActor | undefined;
  readonly message: Envelope;
  /** When the turn happens: the occurredAt of the facts it emits. */
  readonly now: string;
}

interface ActionLike {
  readonly type: string;
  readonly params?: unknown;
}

export function computeTurn(input: TurnInput): Turn {
  const { definition, ref, stored, message } = input;
  const { machine } = definition;
  const [next, actions] = stored ? advance(input, stored) : create(input);
  rejectUndurableTimers(ref, actions);
  return {
    ref,
    machineId: machine.id,
    machineVersion: String(machine.version ?? '0'),
    expectedVersion: stored?.version ?? 0,
    version: (stored?.version ?? 0) + 1,
    snapshot: machine.getPersistedSnapshot(next) as unknown as PersistedSnapshot,
    message,
    outbox: emittedMessages(input, actions),
  };
}

/** The event types a snapshot accepts right now, as named in a CommandRejectedError. */
export function acceptedEvents(snapshot: AnyMachineSnapshot): string[] {
  const types = getNextTransitions(snapshot)
    .map((candidate) => candidate.eventType)
    .filter((type) => !type.startsWith('xstate.'));
  return [...new Set(types)];
}

function create({ definition, ref, message }: TurnInput): [AnyMachineSnapshot, readonly ActionLike[]] {
  if (message.type !== definition.creation.event) throw ActorNotFoundError.of(ref, message.type);
  const machineInput = definition.creation.toInput(ref, message);
  return initialTransition(definition.machine, machineInput) as [AnyMachineSnapshot, ActionLike[]];
}

function advance(
  { definition, ref, message }: TurnInput,
  stored: StoredActor,
): [AnyMachineSnapshot, readonly ActionLike[]] {
  const { machine } = definition;
  const snapshot = machine.resolveState(stored.snapshot as Parameters<typeof machine.resolveState>[0]);
  if (message.type === definition.creation.event) {
    throw CommandRejectedError.notAccepted(ref, snapshot.value, message.type, acceptedEvents(snapshot));
  }
  const event = definition.toEvent(message);
  if (!snapshot.can(event)) {
    throw CommandRejectedError.notAccepted(ref, snapshot.value, event.type, acceptedEvents(snapshot));
  }
  return transition(machine, snapshot, event) as [AnyMachineSnapshot, ActionLike[]];
}

function emittedMessages(
  { definition, ref, message, now }: TurnInput,
  actions: readonly ActionLike[],
): OutboxMessage[] {
  return actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => {
      const { type, ...payload } = (action.params as { event: { type: string } }).event;
      return {
        aggregateType: definition.type,
        aggregateId: ref.id,
        envelope: createEnvelope({
          type,
          payload,
          correlationId: message.correlationId,
          causationId: message.id,
          occurredAt: now,
        }),
      };
    });
}

/** XState does not persist `after` delays; until the runtime owns durable timers, a delay must fail loudly. */
function rejectUndurableTimers(ref: ActorRef, actions: readonly ActionLike[]): void {
  const delayed = actions.find(
    (action) =>
      action.type === 'xstate.raise' && typeof (action.params as { delay?: unknown })?.delay === 'number',
  );
  if (delayed) {
    throw new InternalError(`${ref.type} uses a delayed event, which this runtime cannot yet persist`, {
      ref,
      action: delayed.params,
    });
  }
}
