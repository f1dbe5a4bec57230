import { createEnvelope, formatRef } from './envelope.ts';
import { CommandRejectedError, toTrackOpsError } from './errors.ts';
import type { DueTimer, Logger, TimerStorePort, TransportPort } from './ports.ts';
import { createWakeableSleep } from './wakeableSleep.ts';

/**
 * Fires durable timers: claims the due ones, delivers each to its actor as an ordinary message (so the mailbox,
 * the version check and the processed-message check all apply), and deletes it once the actor persisted the turn.
 * A timer whose state was left meanwhile is rejected by the actor and simply deleted. It sleeps until the next due
 * time, and is woken early when a turn sets a new timer.
 */
export interface TimerServiceOptions {
  readonly store: TimerStorePort;
  readonly transport: TransportPort;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** How long a claim keeps other nodes off a timer while it is being fired. */
  readonly leaseMs?: number;
  readonly retryMs?: number;
  /** Upper bound of a sleep; the wake-up notification makes it rarely matter. */
  readonly maxSleepMs?: number;
  readonly requestTimeoutMs: number;
  /** `onNotify`'s payload, when there is one, is the earliest due time (epoch ms) of the timers just set. */
  readonly listen: (handlers: {
    onNotify: (payload: string | undefined) => void;
    onError: (error: Error) => void;
  }) => Promise<{ close(): Promise<void> }>;
}

export interface TimerService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Fires every timer that is due now; returns how many it handled. */
  fireDue(): Promise<number>;
}

export function createTimerService(options: TimerServiceOptions): TimerService {
  const { store, transport, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const retryMs = options.retryMs ?? 1000;
  const maxSleepMs = options.maxSleepMs ?? 5000;
  let running = false;
  let loop: Promise<void> | undefined;
  let listener: { close(): Promise<void> } | undefined;
  const sleeper = createWakeableSleep();
  /** When the current sleep ends (epoch ms); undefined while a pass runs. */
  let sleepingUntil: number | undefined;
  const notify = (payload?: string): void => {
    if (wakesEarlier(payload, sleepingUntil)) sleeper.wake();
  };

  async function fire(timer: DueTimer): Promise<void> {
    const envelope = createEnvelope({
      id: timer.messageId,
      type: timer.eventType,
      payload: {},
      correlationId: timer.messageId,
    });
    try {
      await transport.request(timer.ref, envelope, { timeoutMs: options.requestTimeoutMs });
      await store.complete(timer);
    } catch (error) {
      const typed = toTrackOpsError(error);
      if (typed instanceof CommandRejectedError) {
        logger.debug(
          { actor: formatRef(timer.ref), timer: timer.timerId },
          'stale timer: its state was left',
        );
        await store.complete(timer);
        return;
      }
      logger.warn(
        { actor: formatRef(timer.ref), timer: timer.timerId, code: typed.code, err: typed },
        'timer firing failed; retrying',
      );
      await store.fail(timer, `${typed.code}: ${typed.message}`, retryMs);
    }
  }

  async function fireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await store.claimDue(batchSize, leaseMs);
      await Promise.all(due.map(fire));
      total += due.length;
      if (due.length < batchSize) return total;
    }
  }

  async function sleepUntilNextDue(): Promise<void> {
    const next = await store.nextDueAt();
    const ms = Math.min(next ? Math.max(0, next.getTime() - Date.now()) : maxSleepMs, maxSleepMs);
    sleepingUntil = Date.now() + ms;
    try {
      await sleeper.sleep(ms);
    } finally {
      sleepingUntil = undefined;
    }
  }

  async function run(): Promise<void> {
    while (running) {
      sleeper.reset();
      try {
        await fireDue();
        await sleepUntilNextDue();
      } catch (error) {
        logger.error({ err: error }, 'timer service failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
  }

  return {
    async start() {
      running = true;
      listener = await options.listen({
        onNotify: notify,
        onError: (error) =>
          logger.warn({ err: error }, 'timer wake-up listener failed; falling back to polling'),
      });
      loop = run();
    },
    async stop() {
      running = false;
      notify();
      await loop;
      await listener?.close();
    },
    fireDue,
  };
}

/**
 * Whether a notification should cut the sleep short: always, unless it names a due time no earlier than the end
 * of the current sleep (the pass that follows it will see that timer anyway). Saga step timers are due in 30 s, so
 * most notifications cost nothing instead of two queries.
 */
export function wakesEarlier(payload: string | undefined, sleepingUntil: number | undefined): boolean {
  if (sleepingUntil === undefined || payload === undefined || payload === '') return true;
  const dueAt = Number(payload);
  return !Number.isFinite(dueAt) || dueAt < sleepingUntil;
}
