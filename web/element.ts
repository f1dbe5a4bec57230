/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

/**
 * Builds a DOM element in one expression: text goes through `textContent`, never `innerHTML`, so nothing an actor's
 * id or context holds can become markup.
 */
export interface ElementProps {
  readonly className?: string;
  readonly testId?: string;
  readonly text?: string;
  readonly title?: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly attributes?: Readonly<Record<string, string>>;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.testId) node.dataset['testid'] = props.testId;
  if (props.title) node.title = props.title;
  for (const [key, value] of Object.entries(props.data ?? {})) node.dataset[key] = value;
  for (const [key, value] of Object.entries(props.attributes ?? {})) node.setAttribute(key, value);
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

/** The element with this id, or a loud failure: the page's shell (index.html) and its code must agree. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found as T;
}
