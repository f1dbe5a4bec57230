import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { LiveUpdatesPort, TransportPort } from '../actors/ports.ts';
import type { EventRouter } from '../bridge/kafka/eventRouter.ts';
import type { Replay } from '../bridge/kafka/replay.ts';
import type { LeaseDirectory } from '../bridge/nats/leaseDirectory.ts';
import type { DeadLetterStore } from '../db/deadLetterStore.ts';
import type { ApiKeys } from './auth/apiKeys.ts';
import type { Authenticator } from './auth/authenticator.ts';
import { presentedApiKey } from './auth/presentedKey.ts';
import type { Principal } from './auth/roles.ts';
import type { RateLimiter } from './rateLimit/rateLimiter.ts';

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
  /** Resolves the API key a call presents (api/auth/apiKeys.ts). */
  readonly auth: Authenticator;
  /** Creates, lists and revokes API keys (`keys.*`). */
  readonly apiKeys: Pick<ApiKeys, 'create' | 'list' | 'revoke'>;
  /** Per-key rate limits, checked after the permission check; none means unlimited. */
  readonly rateLimiter?: RateLimiter;
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
  /** Who the call's API key belongs to; undefined without a key or with an unknown or revoked one. */
  readonly principal?: Principal;
  /** Why there is no principal: no key, a key that is not valid, or a key store that did not answer. */
  readonly keyProblem?: KeyProblem;
  /** Asks again whether the call's key is still valid (a subscription checks it while it streams). */
  readonly keyStillValid?: () => Promise<boolean>;
  /** Sets a header of the HTTP response (Retry-After, WWW-Authenticate); absent outside HTTP. */
  readonly setHeader?: (name: string, value: string) => void;
}

export type KeyProblem = 'missing' | 'invalid' | 'unavailable';

export interface ContextOptions {
  readonly callerCorrelationId?: string | undefined;
  readonly principal?: Principal | undefined;
  readonly keyProblem?: KeyProblem | undefined;
  readonly keyStillValid?: (() => Promise<boolean>) | undefined;
  readonly setHeader?: (name: string, value: string) => void;
}

export const CORRELATION_HEADER = 'x-correlation-id';
const correlationIdPattern = /^[A-Za-z0-9._:-]{1,200}$/;

/** The caller's correlation id when it is a sane token (never an error: it is advisory). */
export function correlationIdFrom(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && correlationIdPattern.test(value) ? value : undefined;
}

export const createContextInner = (deps: ApiDependencies, options: ContextOptions = {}): Context => {
  const { callerCorrelationId, principal, keyProblem, keyStillValid, setHeader } = options;
  return {
    deps,
    correlationId: callerCorrelationId ?? crypto.randomUUID(),
    ...(callerCorrelationId === undefined ? {} : { callerCorrelationId }),
    ...(principal === undefined ? {} : { principal }),
    ...(keyProblem === undefined ? {} : { keyProblem }),
    ...(keyStillValid === undefined ? {} : { keyStillValid }),
    ...(setHeader === undefined ? {} : { setHeader }),
  };
};

/**
 * The context of one HTTP request: its correlation id (echoed in the response), and the principal of the API key
 * it presents (Authorization: Bearer, x-api-key or the visualizer's cookie), resolved once per request (a batch
 * of calls is one request). A key store that does not answer fails only the calls that need a key.
 */
export async function createRequestContext(
  deps: ApiDependencies,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Context> {
  const callerCorrelationId = correlationIdFrom(req.headers[CORRELATION_HEADER]);
  if (callerCorrelationId !== undefined) res.setHeader(CORRELATION_HEADER, callerCorrelationId);
  return createContextInner(deps, {
    callerCorrelationId,
    ...(await authenticateRequest(deps.auth, req)),
    setHeader: (name, value) => {
      if (!res.headersSent) res.setHeader(name, value);
    },
  });
}

async function authenticateRequest(
  auth: Authenticator,
  req: IncomingMessage,
): Promise<Pick<ContextOptions, 'principal' | 'keyProblem' | 'keyStillValid'>> {
  const key = presentedApiKey(req.headers);
  if (key === undefined) return { keyProblem: 'missing' };
  try {
    const principal = await auth.authenticate(key);
    if (!principal) return { keyProblem: 'invalid' };
    const keyStillValid = async () => (await auth.authenticate(key))?.keyId === principal.keyId;
    return { principal, keyStillValid };
  } catch {
    return { keyProblem: 'unavailable' };
  }
}
