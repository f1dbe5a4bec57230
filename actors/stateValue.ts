/** `snapshot.value` as operators read it: `SHIPPED`, `saga.awaitingPayment`, `a.x, b.y` for parallel states. */
export function describeStateValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
  return Object.entries(value)
    .map(([key, child]) => {
      const inner = describeStateValue(child);
      return inner === '{}' || inner === '' ? key : `${key}.${inner}`;
    })
    .join(', ');
}
