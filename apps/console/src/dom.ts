/**
 * Building the page from data without ever parsing strings as markup: every text goes in as a text
 * node, so nothing the API returns (a display name, a reason, an error detail) can become markup.
 * The console's Content-Security-Policy enforces it (Trusted Types: no innerHTML at all).
 */
export type Child = Node | string | number | null | undefined | false;
type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | undefined>;

function apply(element: Element, attrs: Attrs, children: Child[]): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: `h('button', { class: 'danger', onclick: … }, 'Suspend')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attrs, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, the same way. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  apply(element, attrs, children);
  return element;
}

/** A table with a header row; `cells` gives a row's cells, a number becomes a right-aligned cell (its column too). */
export function table<T>(headers: string[], rows: T[], cells: (row: T) => Array<Child | HTMLTableCellElement>): HTMLTableElement {
  const body = rows.map(cells);
  const numeric = headers.map((_, i) => body.length > 0 && typeof body[0][i] === 'number');
  const cell = (c: Child | HTMLTableCellElement) =>
    c instanceof HTMLTableCellElement ? c : h('td', typeof c === 'number' ? { class: 'num' } : {}, c);
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h('tr', {}, ...headers.map((title, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, title))),
    ),
    h('tbody', {}, ...body.map((row) => h('tr', {}, ...row.map(cell)))),
  );
}

export const badge = (text: string, kind = text) => h('span', { class: `badge ${kind}` }, text);

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** Shows an error where it happened: the problem's title and detail as the API gave them. */
export function errorBox(error: unknown): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}
