import type { ActorRef } from '../../actors/envelope.ts';

/**
 * NATS subjects of actors: `<namespace>.actor.<type>.<id>`. Ids are encoded so that any string is one valid
 * subject token (NATS forbids `.`, `*`, `>` and white space inside a token).
 */
const encodeToken = (value: string): string =>
  encodeURIComponent(value).replace(/\./g, '%2E').replace(/\*/g, '%2A').replace(/>/g, '%3E');

export function actorSubject(namespace: string, ref: ActorRef): string {
  return `${namespace}.actor.${encodeToken(ref.type)}.${encodeToken(ref.id)}`;
}

export const allActorsSubject = (namespace: string): string => `${namespace}.actor.>`;

export function refFromSubject(namespace: string, subject: string): ActorRef | undefined {
  const prefix = `${namespace}.actor.`;
  if (!subject.startsWith(prefix)) return undefined;
  const tokens = subject.slice(prefix.length).split('.');
  if (tokens.length !== 2 || !tokens[0] || !tokens[1]) return undefined;
  try {
    return { type: decodeURIComponent(tokens[0]), id: decodeURIComponent(tokens[1]) };
  } catch {
    return undefined;
  }
}
