import {
  type AnyMachineSnapshot,
  type EventObject,
  getNextTransitions,
  initialTransition,
  transition,
} from 'xstate';
import type { ActorDefinition } from './actorDefinition.ts';
import { type ActorRef, createEnvelope, type Envelope } from './envelope.ts';
import { ActorNotFoundError, CommandRejectedError, InvalidCommandError } from './errors.ts';
import type { OutboxMessage, PersistedSnapshot, StoredActor, Turn } from './ports.ts';
import { isTimerEvent, timerChanges } from './timers.ts';

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
  const version = (stored?.version ?? 0) + 1;
  return {
    ref,
    machineId: machine.id,
    machineVersion: String(machine.version ?? '0'),
    expectedVersion: stored?.version ?? 0,
    version,
    snapshot: machine.getPersistedSnapshot(next) as unknown as PersistedSnapshot,
    stateBefore: stored?.snapshot.value,
    message,
    outbox: emittedMessages(input, actions),
    timers: timerChanges(actions, { ref, version, now: input.now }),
  };
}

/** The event types a snapshot accepts right now, as named in a CommandRejectedError. */
export function acceptedEvents(snapshot: AnyMachineSnapshot): string[] {
  const types = getNextTransitions(snapshot)
    .map((candidate) => candidate.eventType)
    .filter((type) => type !== '' && !type.startsWith('xstate.'));
  return [...new Set(types)];
}

function create({ definition, ref, message }: TurnInput): [AnyMachineSnapshot, readonly ActionLike[]] {
  if (!definition.creation.events.includes(message.type)) throw ActorNotFoundError.of(ref, message.type);
  const machineInput = definition.creation.toInput(ref, message);
  return initialTransition(definition.machine, machineInput) as [AnyMachineSnapshot, ActionLike[]];
}

function advance(
  { definition, ref, message }: TurnInput,
  stored: StoredActor,
): [AnyMachineSnapshot, readonly ActionLike[]] {
  const { machine } = definition;
  const snapshot = machine.resolveState(stored.snapshot as Parameters<typeof machine.resolveState>[0]);
  // A due timer carries only its type (and when it fired); it is the machine's own event, not a command to parse.
  const event = isTimerEvent(message.type)
    ? { type: message.type, at: message.occurredAt }
    : parseEvent(definition, ref, message, snapshot);
  if (!snapshot.can(event)) {
    throw CommandRejectedError.notAccepted(ref, snapshot.value, event.type, acceptedEvents(snapshot));
  }
  return transition(machine, snapshot, event) as [AnyMachineSnapshot, ActionLike[]];
}

/** A creation message the machine does not know as an event means "create it again": the actor already exists. */
function parseEvent(
  definition: ActorDefinition,
  ref: ActorRef,
  message: Envelope,
  snapshot: AnyMachineSnapshot,
): EventObject {
  try {
    return definition.toEvent(message);
  } catch (error) {
    if (error instanceof InvalidCommandError && definition.creation.events.includes(message.type)) {
      throw CommandRejectedError.notAccepted(ref, snapshot.value, message.type, acceptedEvents(snapshot));
    }
    throw error;
  }
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
