import type { MikroORM } from '@mikro-orm/postgresql';
import type { LiveUpdatesPort, TransportPort } from '../actors/ports.ts';
import type { EventRouter } from '../bridge/kafka/eventRouter.ts';
import type { Replay } from '../bridge/kafka/replay.ts';
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
  /** Re-drives a range of Kafka records through the router (`replay.run`). */
  readonly replay: Replay;
  /** Told about every procedure call, for the request-duration metric. */
  readonly observeProcedure?: (call: {
    procedure: string;
    type: string;
    code: string;
    seconds: number;
  }) => void;
}

export interface Context {
  readonly deps: ApiDependencies;
  /**
   * Starts at the API call (the caller's `x-correlation-id`, or a new one per call, even within a batch) and
   * travels with every message the call causes: NATS, the outbox, Kafka headers, the journal and log lines.
   */
  readonly correlationId: string;
  /** The caller's `x-correlation-id`, when it sent a usable one (the response echoes it). */
  readonly callerCorrelationId?: string;
}

export const CORRELATION_HEADER = 'x-correlation-id';
const correlationIdPattern = /^[A-Za-z0-9._:-]{1,200}$/;

/** The caller's correlation id when it is a sane token (never an error: it is advisory). */
export function correlationIdFrom(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && correlationIdPattern.test(value) ? value : undefined;
}

export const createContextInner = (deps: ApiDependencies, callerCorrelationId?: string): Context => ({
  deps,
  correlationId: callerCorrelationId ?? crypto.randomUUID(),
  ...(callerCorrelationId === undefined ? {} : { callerCorrelationId }),
});
