import type { TurnCommitted } from '../actors/ports.ts';
import { withDeadline } from '../actors/withDeadline.ts';
import type { OrderView } from '../db/orderQueries.ts';
import type { OrderStatus } from '../machines/order/orderEvents.ts';
import type { Context } from './context.ts';
import { subscribeToTurns } from './liveTurns.ts';

/**
 * `orders.awaitStatus`: a long poll. One request that answers as soon as the order is in one of `statuses` (at once
 * if it already is), or with the order as it stands when `timeoutMs` runs out. For a client that only needs to know
 * when an order got somewhere, it costs one HTTP call and one read, where `orders.track` keeps a stream and reads the
 * sagas too. Like `track`, it listens before it reads, so a turn that commits during the read is not missed.
 */
export interface AwaitedStatus {
  /** False when `timeoutMs` ran out first; `order` is then its current state. */
  readonly reached: boolean;
  readonly order: OrderView;
}

const TIMED_OUT = Symbol('timed out');

export async function awaitOrderStatus(
  ctx: Context,
  request: {
    readonly orderId: string;
    readonly statuses: readonly OrderStatus[];
    readonly timeoutMs: number;
  },
  signal: AbortSignal | undefined,
  readOrder: () => Promise<OrderView>,
): Promise<AwaitedStatus> {
  const { orderId, statuses, timeoutMs } = request;
  const deadline = performance.now() + timeoutMs;
  const feed = await subscribeToTurns(ctx.deps.live, [{ type: 'order', id: orderId }], signal);
  try {
    // Also the access check: a missing order, or another customer's, is NOT_FOUND before any waiting.
    const order = await readOrder();
    if (statuses.includes(order.status)) return { reached: true, order };
    const turns = feed.turns[Symbol.asyncIterator]();
    for (;;) {
      const step = await withDeadline<IteratorResult<TurnCommitted>, typeof TIMED_OUT>(
        turns.next(),
        deadline - performance.now(),
        () => TIMED_OUT,
      );
      if (step === TIMED_OUT || step.done) return { reached: false, order: await readOrder() };
      // The read model is written in the turn's own statement, so it already shows this status.
      if (statuses.includes(step.value.state as OrderStatus))
        return { reached: true, order: await readOrder() };
    }
  } finally {
    await feed.stop();
  }
}
