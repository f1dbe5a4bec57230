import { and, not, or, stateIn } from 'xstate';

/**
 * Readable names for what a machine config refers to: guards (with params and `and`/`or`/`not`), actions and
 * delays. The diagram shows names only, since implementations are functions and the model must stay JSON.
 */

/** The `check` xstate attaches to each higher-order guard tells them apart, even with names minified. */
const checkOf = (guard: unknown): unknown => (guard as { check?: unknown }).check;
const AND_CHECK = checkOf(and([]));
const OR_CHECK = checkOf(or([]));
const NOT_CHECK = checkOf(not(() => true));
const STATE_IN_CHECK = checkOf(stateIn('x'));

const INLINE = 'inline';

function formatValue(value: unknown): string {
  if (typeof value === 'function') return '…';
  return JSON.stringify(value) ?? String(value);
}

/** `name(key=value, …)`: `=` rather than `:`, which mermaid's transition labels cannot hold. */
function withParams(name: string, params: unknown): string {
  if (params === undefined) return name;
  if (typeof params !== 'object' || params === null) return `${name}(${formatValue(params)})`;
  const pairs = Object.entries(params).map(([key, value]) => `${key}=${formatValue(value)}`);
  return `${name}(${pairs.join(', ')})`;
}

function isCompound(guard: unknown): boolean {
  const check = checkOf(guard);
  return check === AND_CHECK || check === OR_CHECK;
}

function operand(guard: unknown): string {
  const label = guardLabel(guard);
  return isCompound(guard) ? `(${label})` : label;
}

/** `isHeld`, `isOver(max=3)`, `hasStock && !isLocked`, `in("a.b")`; an anonymous function is `inline`. */
export function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const check = checkOf(guard);
    const operands = (guard as { guards?: unknown[] }).guards ?? [];
    if (check === AND_CHECK) return operands.map(operand).join(' && ');
    if (check === OR_CHECK) return operands.map(operand).join(' || ');
    if (check === NOT_CHECK) return `!${operand(operands[0])}`;
    if (check === STATE_IN_CHECK) return `in(${formatValue((guard as { stateValue?: unknown }).stateValue)})`;
    return INLINE;
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    return withParams(String(type), params);
  }
  return INLINE;
}

/** An action's type: `recordTimeout`; built-in creators lose the `xstate.` prefix (`assign`, `raise`). */
export function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  const type = (action as { type?: unknown } | null)?.type;
  if (typeof type === 'string') return type.replace(/^xstate\./, '');
  return INLINE;
}

/** A named delay keeps its name (`stepTimeout`); a literal one reads as a duration (`500ms`). */
export function delayLabel(delay: unknown): string {
  if (typeof delay === 'number') return `${delay}ms`;
  if (typeof delay === 'string') return delay;
  return INLINE;
}

/** The events xstate raises itself, named for a reader instead of by their internal ids. */
export function eventLabel(eventType: string): string {
  if (eventType === 'xstate.route') return 'route';
  const internal = /^xstate\.(done\.state|done\.actor|error\.actor|snapshot)\.(.+)$/.exec(eventType);
  if (!internal) return eventType;
  const [, kind, subject] = internal;
  if (kind === 'done.state') return 'done';
  if (kind === 'done.actor') return `done ${subject}`;
  if (kind === 'error.actor') return `error ${subject}`;
  return `snapshot ${subject}`;
}
