import type { MikroORM } from '@mikro-orm/postgresql';
import type { TransportPort } from '../actors/ports.ts';

/** What the routers need from the running system. Tests build it directly (createContextInner). */
export interface ApiDependencies {
  readonly transport: TransportPort;
  readonly orm: MikroORM;
  readonly commandTimeoutMs: number;
  /** Named readiness checks (PostgreSQL, Redis, NATS, Kafka); each throws when its service is not usable. */
  readonly readinessChecks: Readonly<Record<string, () => Promise<void>>>;
}

export interface Context {
  readonly deps: ApiDependencies;
}

export const createContextInner = (deps: ApiDependencies): Context => ({ deps });
