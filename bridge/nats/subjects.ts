import type { ActorRef } from '../../actors/envelope.ts';

/**
 * NATS subjects of actors: `<namespace>.actor.<shard>.<type>.<id>`. The shard token lets a node subscribe to just
 * the shards it leases (`<namespace>.actor.<shard>.>`). Ids are encoded so that any string is one valid subject
 * token (NATS forbids `.`, `*`, `>` and white space inside a token).
 */
const encodeToken = (value: string): string =>
  encodeURIComponent(value).replace(/\./g, '%2E').replace(/\*/g, '%2A').replace(/>/g, '%3E');

export function actorSubject(namespace: string, ref: ActorRef, shard: number): string {
  return `${namespace}.actor.${shard}.${encodeToken(ref.type)}.${encodeToken(ref.id)}`;
}

export const shardSubject = (namespace: string, shard: number): string => `${namespace}.actor.${shard}.>`;

export const allActorsSubject = (namespace: string): string => `${namespace}.actor.*.>`;

export function refFromSubject(namespace: string, subject: string): ActorRef | undefined {
  const prefix = `${namespace}.actor.`;
  if (!subject.startsWith(prefix)) return undefined;
  const tokens = subject.slice(prefix.length).split('.');
  if (tokens.length !== 3 || !/^\d+$/.test(tokens[0] ?? '') || !tokens[1] || !tokens[2]) return undefined;
  try {
    return { type: decodeURIComponent(tokens[1]), id: decodeURIComponent(tokens[2]) };
  } catch {
    return undefined;
  }
}
