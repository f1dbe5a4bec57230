import type { MikroORM } from '@mikro-orm/postgresql';
import type { LiveUpdatesPort, TransportPort } from '../actors/ports.ts';
import type { EventRouter } from '../bridge/kafka/eventRouter.ts';
import type { LeaseDirectory } from '../bridge/nats/leaseDirectory.ts';
import type { DeadLetterStore } from '../db/deadLetterStore.ts';

/** What the routers need from the running system. Tests build it directly (createContextInner). */
export interface ApiDependencies {
  readonly transport: TransportPort;
  readonly live: LiveUpdatesPort;
  readonly orm: MikroORM;
  readonly commandTimeoutMs: number;
  /** Named readiness checks (PostgreSQL, Redis, NATS, Kafka); each throws when its service is not usable. */
  readonly readinessChecks: Readonly<Record<string, () => Promise<void>>>;
  readonly deadLetters: DeadLetterStore;
  /** Redrives dead letters through the same routing as live records. */
  readonly router: Pick<EventRouter, 'redeliver'>;
  /** Which node hosts an actor now. */
  readonly leases: LeaseDirectory;
}

export interface Context {
  readonly deps: ApiDependencies;
}

export const createContextInner = (deps: ApiDependencies): Context => ({ deps });
