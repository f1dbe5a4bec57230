import { describe, expect, it } from 'vitest';
import { createEnvelope } from './envelope.ts';
import { CommandRejectedError, InternalError, NotOwnerError, TransportTimeoutError } from './errors.ts';
import { preferLocalDelivery } from './localDelivery.ts';
import type { DeliveryHandler, DeliveryResult, TransportPort } from './ports.ts';
import { shardOf } from './shards.ts';

const SHARDS = 8;
const persisted = (version: number): DeliveryResult => ({
  status: 'persisted',
  duplicate: false,
  version,
  state: 'PENDING',
  context: {},
});

/** A network transport that records what went over it and answers every request with version 99. */
function fakeNetwork() {
  const requests: string[] = [];
  const network: TransportPort = {
    serve: async () => ({ stop: async () => {} }),
    serveShard: async () => ({ stop: async () => {} }),
    request: async (ref) => {
      requests.push(ref.id);
      return persisted(99);
    },
  };
  return { network, requests };
}

/** An actor id in the given shard. */
function idInShard(shard: number): string {
  for (;;) {
    const id = crypto.randomUUID();
    if (shardOf({ type: 'order', id }, SHARDS) === shard) return id;
  }
}

const message = () => createEnvelope({ type: 'order.confirm', payload: {} });

describe('when this node serves the actor’s shard', () => {
  it('then the message is handed to the local actor and nothing goes over the network', async () => {
    const { network, requests } = fakeNetwork();
    const transport = preferLocalDelivery(network, { shards: SHARDS, defaultTimeoutMs: 1000 });
    const handled: string[] = [];
    await transport.serveShard(3, async (ref) => {
      handled.push(ref.id);
      return persisted(1);
    });
    const local = idInShard(3);

    await expect(transport.request({ type: 'order', id: local }, message())).resolves.toEqual(persisted(1));
    await expect(transport.request({ type: 'order', id: idInShard(4) }, message())).resolves.toEqual(
      persisted(99),
    );
    expect(handled).toEqual([local]);
    expect(requests).toHaveLength(1);
  });

  it('then a rejection reaches the caller as the same error class, and any other failure as a TrackOps error', async () => {
    const { network } = fakeNetwork();
    const transport = preferLocalDelivery(network, { shards: SHARDS, defaultTimeoutMs: 1000 });
    let failure: Error = new CommandRejectedError('no', {});
    await transport.serve(async () => {
      throw failure;
    });
    const ref = { type: 'order', id: crypto.randomUUID() };

    await expect(transport.request(ref, message())).rejects.toBeInstanceOf(CommandRejectedError);
    failure = new TypeError('a bug');
    await expect(transport.request(ref, message())).rejects.toBeInstanceOf(InternalError);
  });

  it('then the caller stops waiting after the timeout, as over the network', async () => {
    const { network } = fakeNetwork();
    const transport = preferLocalDelivery(network, { shards: SHARDS, defaultTimeoutMs: 1000 });
    await transport.serve(() => new Promise<DeliveryResult>(() => {}));

    await expect(
      transport.request({ type: 'order', id: crypto.randomUUID() }, message(), { timeoutMs: 20 }),
    ).rejects.toBeInstanceOf(TransportTimeoutError);
  });
});

describe('when the local actor says this node no longer hosts it', () => {
  it('then the message goes over the network, which finds the new holder', async () => {
    const { network, requests } = fakeNetwork();
    const transport = preferLocalDelivery(network, { shards: SHARDS, defaultTimeoutMs: 1000 });
    await transport.serveShard(2, async (ref) => {
      throw new NotOwnerError('moved', { ref });
    });
    const id = idInShard(2);

    await expect(transport.request({ type: 'order', id }, message())).resolves.toEqual(persisted(99));
    expect(requests).toEqual([id]);
  });
});

describe('when this node stops serving a shard', () => {
  it('then its messages go over the network again', async () => {
    const { network, requests } = fakeNetwork();
    const transport = preferLocalDelivery(network, { shards: SHARDS, defaultTimeoutMs: 1000 });
    const handler: DeliveryHandler = async () => persisted(1);
    const served = await transport.serveShard(5, handler);
    const id = idInShard(5);
    await transport.request({ type: 'order', id }, message());
    expect(requests).toEqual([]);

    await served.stop();
    await expect(transport.request({ type: 'order', id }, message())).resolves.toEqual(persisted(99));
    expect(requests).toEqual([id]);
  });
});
