import type { EntityManager } from '@mikro-orm/postgresql';
import { SagaInstance } from './entities/SagaInstance.ts';
import { isUuid } from './isUuid.ts';

/** Saga progress of one order, from the saga_instances read model. */
export interface SagaView {
  sagaType: string;
  state: string;
  failureReason: string | null;
  steps: unknown[];
  version: number;
  startedAt: string;
  updatedAt: string;
}

export async function findSagasOfOrder(em: EntityManager, orderId: string): Promise<SagaView[]> {
  if (!isUuid(orderId)) return [];
  const rows = await em.find(SagaInstance, { orderId }, { orderBy: { startedAt: 'asc' } });
  return rows.map((row) => ({
    sagaType: row.sagaType,
    state: row.state,
    failureReason: row.failureReason ?? null,
    steps: row.steps,
    version: row.version,
    startedAt: new Date(row.startedAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  }));
}
