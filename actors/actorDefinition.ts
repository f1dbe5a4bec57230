import type { AnyStateMachine, EventObject } from 'xstate';
import type { ActorRef, Envelope } from './envelope.ts';
import type { PersistedSnapshot } from './ports.ts';

/**
 * What the runtime needs to know about one actor type: its machine, how a message becomes a machine event, which
 * message creates an actor, and how to bring older snapshots to the current machine version.
 */
export interface ActorDefinition {
  readonly type: string;
  readonly machine: AnyStateMachine;
  /**
   * The message types that create an actor, and the machine input they carry (throws InvalidCommandError). A
   * creation type the machine does not also accept as an event is rejected for an actor that already exists.
   */
  readonly creation: {
    readonly events: readonly string[];
    toInput(ref: ActorRef, envelope: Envelope): unknown;
  };
  /** Validates a message against the machine's event schema. Throws InvalidCommandError. */
  toEvent(envelope: Envelope): EventObject;
  /** machine version the snapshot was written by -> function returning it at the next version. */
  readonly migrations: Readonly<Record<string, SnapshotMigration>>;
}

export interface SnapshotMigration {
  readonly to: string;
  migrate(snapshot: PersistedSnapshot): PersistedSnapshot;
}

export type ActorRegistry = ReadonlyMap<string, ActorDefinition>;
