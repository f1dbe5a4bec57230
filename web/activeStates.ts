/**
 * XState's `stateValue` as the state ids the diagram highlights: every active state, parents of nested states
 * and each region of a parallel state included, in the `<machine>.<path>` form `machineGraph` gives state ids.
 * Pure (no DOM), so the page and the unit tests share it.
 *
 *   'PENDING'                          -> order.PENDING
 *   { closed: 'locked' }               -> door.closed, door.closed.locked
 *   { opened: { light: 'on', alarm: 'quiet' } }
 *                                      -> door.opened, door.opened.light, door.opened.light.on, door.opened.alarm, …
 */
export function activeStateIds(machineId: string, stateValue: unknown): string[] {
  return idsUnder(machineId, stateValue);
}

function idsUnder(parentId: string, value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [`${parentId}.${value}`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const id = `${parentId}.${key}`;
    return [id, ...idsUnder(id, child)];
  });
}
