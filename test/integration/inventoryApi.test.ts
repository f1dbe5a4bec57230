import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '../../actors/envelope.ts';
import type { AppRouter } from '../../api/client.ts';
import type { CreateItemInput } from '../../api/inventoryInputs.ts';
import { query } from '../support/sql.ts';
import { startTestSystem, type TestSystem } from '../support/testSystem.ts';

/** The inventory API end to end: commands to the item actor over NATS, reads from the committed read model. */
let sut: TestSystem;

beforeAll(async () => {
  sut = await startTestSystem({ router: false });
});

afterAll(async () => {
  await sut?.stop();
});

const uniqueSku = (label = 'SKU') => `${label}-${crypto.randomUUID()}`;

function itemInput(overrides: Partial<CreateItemInput> = {}): CreateItemInput {
  return { sku: uniqueSku(), name: 'Blue mug', quantity: 10, lowStockThreshold: 2, ...overrides };
}

/** A cursor that starts a listing just before `prefix`, so a test sees its own items in a shared table. */
const cursorBefore = (prefix: string) => Buffer.from(JSON.stringify({ sku: prefix })).toString('base64url');

async function trpcError(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    return error as TRPCClientError<AppRouter>;
  }
  throw new Error('expected the call to fail');
}

/** What a saga would send: a reservation of `quantity` units of `sku` for a new order. */
async function reserve(sku: string, quantity: number) {
  const orderId = crypto.randomUUID();
  await sut.trackops.system.deliver(
    { type: 'inventoryItem', id: sku },
    createEnvelope({
      type: 'inventory.reserve',
      payload: { orderId, sku, quantity, replyTo: { type: 'orderSaga', id: orderId } },
    }),
  );
  return orderId;
}

describe('when an inventory item is created', () => {
  it('then the item comes back with its stock, and reading it gives the same view', async () => {
    const input = itemInput({ quantity: 12, lowStockThreshold: 3 });

    const created = await sut.client.inventory.items.create.mutate(input);

    expect(created).toEqual({
      sku: input.sku,
      name: 'Blue mug',
      available: 12,
      reserved: 0,
      lowStockThreshold: 3,
      status: 'active',
      version: 1,
      createdAt: expect.any(String),
      updatedAt: created.createdAt,
    });
    expect(await sut.client.inventory.items.get.query({ sku: input.sku })).toEqual(created);
  });

  it('then the threshold defaults to 0', async () => {
    const { lowStockThreshold: _omitted, ...input } = itemInput();

    const created = await sut.client.inventory.items.create.mutate(input);

    expect(created.lowStockThreshold).toBe(0);
  });

  it('then the same create again is a duplicate that returns the item, and a different one is CONFLICT', async () => {
    const input = itemInput();
    const first = await sut.client.inventory.items.create.mutate(input);

    const retry = await sut.client.inventory.items.create.mutate(input);
    expect(retry).toEqual(first);
    const processed = await query(
      sut.trackops.orm,
      'select message_id from processed_messages where actor_type = ? and actor_id = ?',
      ['inventoryItem', input.sku],
    );
    expect(processed).toHaveLength(1);

    const error = await trpcError(sut.client.inventory.items.create.mutate({ ...input, quantity: 99 }));
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.trackops?.code).toBe('COMMAND_REJECTED');
    expect((await sut.client.inventory.items.get.query({ sku: input.sku })).available).toBe(10);
  });
});

describe('when inventory items are listed', () => {
  it('then they come by SKU, a page at a time, filtered by status', async () => {
    const prefix = `LIST-${crypto.randomUUID()}-`;
    const skus = ['a', 'b', 'c'].map((suffix) => `${prefix}${suffix}`);
    for (const sku of skus) await sut.client.inventory.items.create.mutate(itemInput({ sku }));
    await sut.client.inventory.items.delete.mutate({ sku: `${prefix}b` });

    const first = await sut.client.inventory.items.list.query({ limit: 2, cursor: cursorBefore(prefix) });
    expect(first.items.map((item) => item.sku)).toEqual([`${prefix}a`, `${prefix}b`]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await sut.client.inventory.items.list.query({ limit: 2, cursor: first.nextCursor });
    expect(second.items[0]?.sku).toBe(`${prefix}c`);

    const active = await sut.client.inventory.items.list.query({
      limit: 2,
      cursor: cursorBefore(prefix),
      status: 'active',
    });
    expect(active.items.map((item) => item.sku)).toEqual([`${prefix}a`, `${prefix}c`]);
    const deleted = await sut.client.inventory.items.list.query({
      limit: 1,
      cursor: cursorBefore(prefix),
      status: 'deleted',
    });
    expect(deleted.items.map((item) => [item.sku, item.status])).toEqual([[`${prefix}b`, 'deleted']]);
  });

  it('then a cursor this server did not issue is BAD_REQUEST (INVALID_CURSOR)', async () => {
    const error = await trpcError(sut.client.inventory.items.list.query({ cursor: 'not-a-cursor' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.trackops?.code).toBe('INVALID_CURSOR');
  });
});

describe('when an inventory item is updated', () => {
  it('then name and threshold change in one turn, and a restock adds to available', async () => {
    const { sku } = await sut.client.inventory.items.create.mutate(itemInput({ quantity: 4 }));

    const renamed = await sut.client.inventory.items.update.mutate({
      sku,
      name: 'Red mug',
      lowStockThreshold: 1,
    });
    expect(renamed).toMatchObject({ sku, name: 'Red mug', lowStockThreshold: 1, available: 4, version: 2 });

    const restocked = await sut.client.inventory.items.update.mutate({ sku, restock: 6 });
    expect(restocked).toMatchObject({ name: 'Red mug', available: 10, version: 3 });

    const both = await sut.client.inventory.items.update.mutate({ sku, lowStockThreshold: 5, restock: 1 });
    expect(both).toMatchObject({ lowStockThreshold: 5, available: 11, version: 5 });
    expect(await sut.client.inventory.items.get.query({ sku })).toEqual(both);
  });

  it('then its threshold raised above the stock puts it on the low-stock list, and a restock takes it off', async () => {
    const { sku } = await sut.client.inventory.items.create.mutate(
      itemInput({ quantity: 5, lowStockThreshold: 0 }),
    );
    const lowStockSkus = async () =>
      (await sut.client.inventory.lowStock.query()).map((item) => item.sku).filter((low) => low === sku);
    expect(await lowStockSkus()).toEqual([]);

    await sut.client.inventory.items.update.mutate({ sku, lowStockThreshold: 8 });
    const low = (await sut.client.inventory.lowStock.query()).find((item) => item.sku === sku);
    expect(low).toMatchObject({ sku, available: 5, lowStockThreshold: 8, status: 'active' });

    await sut.client.inventory.items.update.mutate({ sku, restock: 3 });
    expect(await lowStockSkus()).toEqual([]);
  });

  it('then the low-stock list is ordered by SKU and leaves deleted items out', async () => {
    const prefix = `LOW-${crypto.randomUUID()}-`;
    for (const suffix of ['b', 'a', 'c']) {
      await sut.client.inventory.items.create.mutate(
        itemInput({ sku: `${prefix}${suffix}`, quantity: 1, lowStockThreshold: 5 }),
      );
    }
    await sut.client.inventory.items.delete.mutate({ sku: `${prefix}c` });

    const low = (await sut.client.inventory.lowStock.query()).filter((item) => item.sku.startsWith(prefix));
    expect(low.map((item) => item.sku)).toEqual([`${prefix}a`, `${prefix}b`]);
  });
});

describe('when an inventory item is deleted', () => {
  it('then it reads as deleted and accepts nothing more (CONFLICT)', async () => {
    const { sku } = await sut.client.inventory.items.create.mutate(itemInput());

    const deleted = await sut.client.inventory.items.delete.mutate({ sku });
    expect(deleted).toMatchObject({ sku, status: 'deleted', version: 2 });
    expect(await sut.client.inventory.items.get.query({ sku })).toEqual(deleted);

    const error = await trpcError(sut.client.inventory.items.update.mutate({ sku, restock: 1 }));
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.trackops?.code).toBe('COMMAND_REJECTED');
  });

  it('then while units are reserved it is CONFLICT, and the reservation is listed by SKU and by order', async () => {
    const { sku } = await sut.client.inventory.items.create.mutate(itemInput({ quantity: 10 }));
    const orderId = await reserve(sku, 3);
    expect(await sut.client.inventory.items.get.query({ sku })).toMatchObject({ available: 7, reserved: 3 });

    const error = await trpcError(sut.client.inventory.items.delete.mutate({ sku }));
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.trackops?.code).toBe('COMMAND_REJECTED');
    expect((await sut.client.inventory.items.get.query({ sku })).status).toBe('active');

    const reservation = {
      sku,
      orderId,
      quantity: 3,
      status: 'held',
      reason: null,
      updatedAt: expect.any(String),
    };
    expect(await sut.client.inventory.reservations.list.query({ sku })).toEqual([reservation]);
    expect(await sut.client.inventory.reservations.list.query({ orderId })).toEqual([reservation]);
    expect(await sut.client.inventory.reservations.list.query({ orderId, sku })).toEqual([reservation]);
    expect(await sut.client.inventory.reservations.list.query({ orderId: crypto.randomUUID() })).toEqual([]);
  });
});

describe('when the inventory API gets bad input', () => {
  it('then a create with a bad SKU, a negative quantity and no name is BAD_REQUEST naming each field', async () => {
    const error = await trpcError(
      sut.client.inventory.items.create.mutate({
        sku: 'has spaces!',
        name: '',
        quantity: -1,
      } as CreateItemInput),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.httpStatus).toBe(400);
    expect(Object.keys(error.data?.fieldErrors ?? {})).toEqual(
      expect.arrayContaining(['sku', 'name', 'quantity']),
    );
  });

  it.each([
    ['a SKU over 64 characters', { sku: 'x'.repeat(65) }, 'sku'],
    ['a fractional quantity', { quantity: 1.5 }, 'quantity'],
    ['a negative threshold', { lowStockThreshold: -1 }, 'lowStockThreshold'],
  ])('then %s is BAD_REQUEST naming the field', async (_name, override, field) => {
    const error = await trpcError(sut.client.inventory.items.create.mutate(itemInput(override)));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(Object.keys(error.data?.fieldErrors ?? {})).toContain(field);
  });

  it('then an update with nothing to change, or a restock of 0, is BAD_REQUEST', async () => {
    const { sku } = await sut.client.inventory.items.create.mutate(itemInput());

    const nothing = await trpcError(sut.client.inventory.items.update.mutate({ sku }));
    expect(nothing.data?.code).toBe('BAD_REQUEST');
    const zero = await trpcError(sut.client.inventory.items.update.mutate({ sku, restock: 0 }));
    expect(zero.data?.code).toBe('BAD_REQUEST');
    expect(Object.keys(zero.data?.fieldErrors ?? {})).toContain('restock');
  });

  it('then listing reservations with neither orderId nor sku is BAD_REQUEST', async () => {
    const error = await trpcError(sut.client.inventory.reservations.list.query({}));
    expect(error.data?.code).toBe('BAD_REQUEST');
  });
});

describe('when the SKU does not exist', () => {
  it('then get, update and delete are NOT_FOUND', async () => {
    const sku = uniqueSku('MISSING');

    const get = await trpcError(sut.client.inventory.items.get.query({ sku }));
    expect(get.data?.code).toBe('NOT_FOUND');
    const update = await trpcError(sut.client.inventory.items.update.mutate({ sku, name: 'x' }));
    expect(update.data?.code).toBe('NOT_FOUND');
    expect(update.data?.trackops?.code).toBe('ACTOR_NOT_FOUND');
    const remove = await trpcError(sut.client.inventory.items.delete.mutate({ sku }));
    expect(remove.data?.code).toBe('NOT_FOUND');
  });
});
