import { describe, expect, it, vi } from 'vitest';
import type { ActorRef, Envelope } from './envelope.ts';
import { CommandRejectedError, TransportUnavailableError } from './errors.ts';
import type { DeliveryResult, TimerStorePort, TransportPort } from './ports.ts';
import { silentLogger } from './ports.ts';
import { createMemoryTimerStore } from './testing/memoryTimerStore.ts';
import { createTimerService, type TimerServiceOptions, wakesEarlier } from './timerService.ts';

const ref: ActorRef = { type: 'orderSaga', id: 'o-1' };
const timer = (timerId: string, dueAt: string) => ({
  ref,
  timerId,
  eventType: `xstate.after.${timerId}`,
  messageId: `timer:orderSaga:o-1:${timerId}:3`,
  dueAt,
});

function transport(
  answer: (envelope: Envelope) => Promise<DeliveryResult>,
): TransportPort & { sent: Envelope[] } {
  const sent: Envelope[] = [];
  return {
    sent,
    serve: async () => ({ stop: async () => undefined }),
    serveShard: async () => ({ stop: async () => undefined }),
    request: (_ref, envelope) => {
      sent.push(envelope);
      return answer(envelope);
    },
  };
}

const persisted: DeliveryResult = {
  status: 'persisted',
  duplicate: false,
  version: 4,
  state: 'x',
  context: {},
};
const noWakeUps = async () => ({ close: async () => undefined });

function serviceFor(
  store: TimerStorePort,
  actors: TransportPort,
  options: Partial<Omit<TimerServiceOptions, 'store' | 'transport'>> = {},
) {
  return createTimerService({
    store,
    transport: actors,
    logger: silentLogger,
    requestTimeoutMs: 1000,
    listen: noWakeUps,
    ...options,
  });
}

describe('timer service', () => {
  it('delivers each due timer to its actor as a message with the timer message id, then deletes it', async () => {
    const store = createMemoryTimerStore();
    store.add(timer('due', '2025-12-31T23:59:59Z'));
    store.add(timer('later', '2026-01-01T00:00:30Z'));
    const actors = transport(async () => persisted);
    const service = serviceFor(store, actors);

    expect(await service.fireDue()).toBe(1);
    expect(actors.sent.map((envelope) => [envelope.id, envelope.type])).toEqual([
      ['timer:orderSaga:o-1:due:3', 'xstate.after.due'],
    ]);
    expect([...store.timers.values()].map((stored) => stored.timerId)).toEqual(['later']);
  });

  it('deletes a stale timer that its actor rejects (the state was left)', async () => {
    const store = createMemoryTimerStore();
    store.add(timer('stale', '2025-12-31T23:00:00Z'));
    const actors = transport(async () => {
      throw CommandRejectedError.notAccepted(ref, 'cancelled', 'xstate.after.stale', []);
    });
    const service = serviceFor(store, actors);
    await service.fireDue();
    expect(store.timers.size).toBe(0);
  });

  it('keeps a timer whose delivery failed, with the reason, and fires it again after the retry delay', async () => {
    const store = createMemoryTimerStore();
    store.add(timer('flaky', '2025-12-31T23:00:00Z'));
    let calls = 0;
    const actors = transport(async () => {
      calls += 1;
      if (calls === 1) throw new TransportUnavailableError('no node hosts it right now');
      return persisted;
    });
    const service = serviceFor(store, actors, { retryMs: 500 });

    await service.fireDue();
    expect([...store.timers.values()][0]?.lastError).toMatch(/TRANSPORT_UNAVAILABLE/);
    expect(await service.fireDue()).toBe(0); // still within its retry delay
    store.now += 501;
    expect(await service.fireDue()).toBe(1);
    expect(store.timers.size).toBe(0);
    expect(actors.sent.map((envelope) => envelope.id)).toEqual([
      timer('flaky', '').messageId,
      timer('flaky', '').messageId,
    ]);
  });
});

describe('a wake-up notification', () => {
  const sleepingUntil = Date.parse('2026-01-01T00:00:05Z');

  it('wakes the service when it names an earlier due time, no time, or something unreadable', () => {
    expect(wakesEarlier(String(sleepingUntil - 1), sleepingUntil)).toBe(true);
    expect(wakesEarlier(undefined, sleepingUntil)).toBe(true);
    expect(wakesEarlier('', sleepingUntil)).toBe(true);
    expect(wakesEarlier('soon', sleepingUntil)).toBe(true);
  });

  it('lets it sleep when the timer is due no earlier than the sleep ends (the next pass sees it)', () => {
    expect(wakesEarlier(String(sleepingUntil), sleepingUntil)).toBe(false);
    expect(wakesEarlier(String(sleepingUntil + 30_000), sleepingUntil)).toBe(false);
  });

  it('always wakes a service that is not asleep (a pass is running and may have read before the timer was set)', () => {
    expect(wakesEarlier(String(sleepingUntil + 30_000), undefined)).toBe(true);
  });

  it('cuts the sleep short for a timer due before it ends, and the service fires it', async () => {
    const store = createMemoryTimerStore();
    let wake: (payload: string | undefined) => void = () => undefined;
    const actors = transport(async () => persisted);
    const service = serviceFor(store, actors, {
      maxSleepMs: 60_000,
      listen: async (handlers) => {
        wake = handlers.onNotify;
        return { close: async () => undefined };
      },
    });
    await service.start();
    try {
      store.add(timer('now', '2025-12-31T23:59:59Z'));
      wake(String(Date.now()));
      await vi.waitFor(() => expect(actors.sent).toHaveLength(1), { timeout: 5000 });
    } finally {
      await service.stop();
    }
  });
});
