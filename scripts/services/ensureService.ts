import { isPortOpen, probeFailure, waitUntilAnswers } from './probeFailure.ts';
import { errorMessage, type Service, type ServiceStatus } from './service.ts';

const START_DEADLINE_MS = 30_000;
const BUSY_DEADLINE_MS = 10_000;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** Reaches or starts one service and checks what it must support; `stop` undoes only a start done here. */
export async function ensureService(
  service: Service,
): Promise<{ status: ServiceStatus; stop(): Promise<void> }> {
  const address = `${service.host}:${service.port}`;
  const result = await ensureAnswering(service, address);
  try {
    await service.verify?.();
  } catch (error) {
    await result.stop();
    throw new Error(`${service.name}: reachable at ${address}, but ${errorMessage(error)}`);
  }
  return result;
}

async function ensureAnswering(service: Service, address: string) {
  const reachable = { status: { name: service.name, address, startedHere: false }, stop: async () => {} };
  const failure = await probeFailure(service);
  if (failure === undefined) return reachable;
  if (await isPortOpen(service.host, service.port)) {
    // Listening but not answering is usually a server still starting up (PostgreSQL recovering), so give it time.
    await waitUntilAnswers(service, BUSY_DEADLINE_MS, `accepts connections at ${address} but did not answer`);
    return reachable;
  }
  if (!LOCAL_HOSTS.has(service.host)) {
    throw new Error(
      `${service.name}: not reachable at ${address} (${failure}); not a local address, so not started here`,
    );
  }
  const start = service.findStarter();
  if (!start) {
    throw new Error(
      `${service.name}: not reachable at ${address} and not installed. Install it with:\n  ${service.install}`,
    );
  }
  const stopStarted = await start();
  try {
    await waitUntilAnswers(service, START_DEADLINE_MS, `did not answer at ${address} after starting it`);
  } catch (error) {
    await stopStarted().catch(() => {});
    throw error;
  }
  return { status: { ...reachable.status, startedHere: true }, stop: stopStarted };
}
