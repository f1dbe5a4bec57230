import { setTimeout as delay } from 'node:timers/promises';
import type { TrackOpsClient } from '../api/client.ts';
import { AWAIT_STATUS_MAX_MS } from '../api/orderInputs.ts';

/**
 * How a client learns that its order's saga is over (the order CONFIRMED or CANCELLED):
 * - `track`: the `orders.track` subscription (SSE); the server pushes each status change, starting from the
 *   current one, so nothing is missed between the create and the subscribe;
 * - `await`: `orders.awaitStatus`, a long poll: one request that the server answers when the order is final;
 * - `poll`: `orders.get` every `pollMs`; costs a query per poll and adds up to `pollMs` to each latency.
 */
export type WaitMethod = 'track' | 'await' | 'poll';

/** How the tables name each method. */
export const WAIT_METHOD_LABELS: Readonly<Record<WaitMethod, string>> = {
  track: 'orders.track (SSE)',
  await: 'orders.awaitStatus (long poll)',
  poll: 'polling orders.get',
};
export type FinalStatus = 'CONFIRMED' | 'CANCELLED';

export interface WaitOptions {
  readonly method: WaitMethod;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

export class OrderWaitTimeoutError extends Error {
  override readonly name = 'OrderWaitTimeoutError';
}

const isFinal = (status: string): status is FinalStatus => status === 'CONFIRMED' || status === 'CANCELLED';

export function waitForFinalStatus(
  client: TrackOpsClient,
  orderId: string,
  options: WaitOptions,
): Promise<FinalStatus> {
  switch (options.method) {
    case 'track':
      return trackUntilFinal(client, orderId, options.timeoutMs);
    case 'await':
      return awaitFinal(client, orderId, options.timeoutMs);
    case 'poll':
      return pollUntilFinal(client, orderId, options);
  }
}

/** Long polls again while the server's own limit runs out before the client's. */
async function awaitFinal(client: TrackOpsClient, orderId: string, timeoutMs: number): Promise<FinalStatus> {
  const deadline = performance.now() + timeoutMs;
  for (let left = timeoutMs; left > 0; left = deadline - performance.now()) {
    const { reached, order } = await client.orders.awaitStatus.query({
      id: orderId,
      statuses: ['CONFIRMED', 'CANCELLED'],
      timeoutMs: Math.ceil(Math.min(left, AWAIT_STATUS_MAX_MS)),
    });
    if (reached && isFinal(order.status)) return order.status;
  }
  throw new OrderWaitTimeoutError(`order ${orderId} not final after ${timeoutMs} ms`);
}

function trackUntilFinal(client: TrackOpsClient, orderId: string, timeoutMs: number): Promise<FinalStatus> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      subscription.unsubscribe();
      settle();
    };
    const timer = setTimeout(
      () =>
        finish(() => reject(new OrderWaitTimeoutError(`order ${orderId} not final after ${timeoutMs} ms`))),
      timeoutMs,
    );
    const subscription = client.orders.track.subscribe(
      { id: orderId },
      {
        onData: (update) => {
          if (update.kind === 'order' && isFinal(update.status))
            finish(() => resolve(update.status as FinalStatus));
        },
        onError: (error) => finish(() => reject(error)),
      },
    );
  });
}

async function pollUntilFinal(
  client: TrackOpsClient,
  orderId: string,
  options: WaitOptions,
): Promise<FinalStatus> {
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    const order = await client.orders.get.query({ id: orderId });
    if (isFinal(order.status)) return order.status;
    await delay(options.pollMs);
  }
  throw new OrderWaitTimeoutError(`order ${orderId} not final after ${options.timeoutMs} ms`);
}
