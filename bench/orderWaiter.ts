import { setTimeout as delay } from 'node:timers/promises';
import type { TrackOpsClient } from '../api/client.ts';

/**
 * How a client learns that its order's saga is over (the order CONFIRMED or CANCELLED):
 * - `track`: the `orders.track` subscription (SSE); the server pushes each status change, starting from the
 *   current one, so nothing is missed between the create and the subscribe;
 * - `poll`: `orders.get` every `pollMs`; costs a query per poll and adds up to `pollMs` to each latency.
 */
export type WaitMethod = 'track' | 'poll';
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
  return options.method === 'track'
    ? trackUntilFinal(client, orderId, options.timeoutMs)
    : pollUntilFinal(client, orderId, options);
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
