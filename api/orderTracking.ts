import type { ActorRef } from '../actors/envelope.ts';
import type { TurnCommitted } from '../actors/ports.ts';
import type { OrderView } from '../db/orderQueries.ts';
import { findSagasOfOrder } from '../db/sagaQueries.ts';
import type { OrderStatus } from '../machines/order/orderEvents.ts';
import type { SagaStep } from '../machines/orderSaga/orderSagaEvents.ts';
import type { Context } from './context.ts';
import { subscribeToTurns } from './liveTurns.ts';

/**
 * `orders.track`: an order's status changes and its sagas' steps as they happen, starting from the current state.
 * It subscribes before reading the current state and drops anything not newer than what it already sent, so no
 * change falls between the read and the stream, and none is sent twice.
 */
export type TrackUpdate =
  | { kind: 'order'; version: number; status: OrderStatus; reason?: string; at: string }
  | {
      kind: 'saga';
      saga: string;
      version: number;
      state: string;
      failureReason?: string;
      lastStep?: SagaStep;
      at: string;
    };

const SAGAS = ['orderSaga', 'cancellationSaga'] as const;

/**
 * `readOrder` reads the order as the caller may see it and throws (NOT_FOUND) when it may not: it is read once,
 * after subscribing, and is both the access check and the first update.
 */
export async function* trackOrder(
  ctx: Context,
  orderId: string,
  signal: AbortSignal | undefined,
  readOrder: () => Promise<OrderView>,
): AsyncGenerator<TrackUpdate> {
  const refs: ActorRef[] = [{ type: 'order', id: orderId }, ...SAGAS.map((type) => ({ type, id: orderId }))];
  // Subscribed before the current state is read: a turn committed meanwhile is queued, not lost.
  const feed = await subscribeToTurns(ctx.deps.live, refs, signal);
  try {
    const sent = new Map<string, number>();
    for (const update of await currentState(ctx, await readOrder())) {
      sent.set(update.kind === 'order' ? 'order' : update.saga, update.version);
      yield update;
    }
    for await (const turn of feed.turns) {
      if (turn.version <= (sent.get(turn.ref.type) ?? 0)) continue;
      sent.set(turn.ref.type, turn.version);
      yield fromTurn(turn);
    }
  } finally {
    await feed.stop();
  }
}

async function currentState(ctx: Context, order: OrderView): Promise<TrackUpdate[]> {
  const last = order.statusHistory.at(-1);
  const updates: TrackUpdate[] = [
    {
      kind: 'order',
      version: order.version,
      status: order.status,
      ...(last?.reason ? { reason: last.reason } : {}),
      at: order.updatedAt,
    },
  ];
  for (const saga of await findSagasOfOrder(ctx.deps.orm.em.fork(), order.id)) {
    const lastStep = saga.steps.at(-1) as SagaStep | undefined;
    updates.push({
      kind: 'saga',
      saga: saga.sagaType,
      version: saga.version,
      state: saga.state,
      ...(saga.failureReason ? { failureReason: saga.failureReason } : {}),
      ...(lastStep ? { lastStep } : {}),
      at: saga.updatedAt,
    });
  }
  return updates;
}

function fromTurn(turn: TurnCommitted): TrackUpdate {
  const context = (turn.context ?? {}) as {
    statusHistory?: { reason?: string }[];
    steps?: SagaStep[];
    failureReason?: string;
    reason?: string;
  };
  if (turn.ref.type === 'order') {
    const reason = context.statusHistory?.at(-1)?.reason;
    return {
      kind: 'order',
      version: turn.version,
      status: turn.state as OrderStatus,
      ...(reason ? { reason } : {}),
      at: turn.at,
    };
  }
  const lastStep = context.steps?.at(-1);
  const failureReason = context.failureReason;
  return {
    kind: 'saga',
    saga: turn.ref.type,
    version: turn.version,
    state: turn.state,
    ...(failureReason ? { failureReason } : {}),
    ...(lastStep ? { lastStep } : {}),
    at: turn.at,
  };
}
