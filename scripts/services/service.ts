export type ServiceName = 'postgres' | 'redis' | 'nats';

export interface ServiceStatus {
  name: ServiceName;
  address: string;
  startedHere: boolean;
}

export interface ServiceProbe {
  name: ServiceName;
  address: string;
  reachable: boolean;
  detail: string | undefined;
}

/** One server the runtime needs, with how to check it and, when installed here, how to start it. */
export interface Service {
  name: ServiceName;
  host: string;
  port: number;
  /** Resolves when the service answers a real request; rejects with the reason otherwise. */
  probe(): Promise<void>;
  /** A capability the runtime needs beyond answering (JetStream); rejects with what to change. */
  verify?(): Promise<void>;
  /** undefined when the server is not installed on this machine. */
  findStarter(): (() => Promise<() => Promise<void>>) | undefined;
  install: string;
}

/** Short, so that `infra status` and a start-up stay quick when a service is down. */
export const PROBE_TIMEOUT_MS = 2000;

/** Accepts URLs and bare host:port (NATS server lists), bracketed IPv6 included. */
export function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url.includes('://') ? url : `tcp://${url}`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || defaultPort) };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
