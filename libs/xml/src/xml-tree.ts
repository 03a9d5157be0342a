import { InvalidInputError } from '@app/common';
import { SaxesParser, type SaxesTagNS } from 'saxes';

/**
 * A minimal namespace-aware element tree built with saxes. saxes has no DTD support at all: it
 * never loads external resources and knows only the predefined entities (the hostile-input
 * gate has already refused DTDs, PIs and other entity references before this runs).
 */

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  readonly uri: string;
  readonly prefix: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  readonly uri: string;
  readonly prefix: string;
  readonly local: string;
  /** Attributes, without namespace declarations. */
  readonly attrs: XmlAttribute[];
  /** Element children and text (whitespace-only text included, comments dropped). */
  readonly children: (XmlElement | string)[];
  /** 1-based line of the start tag. */
  readonly line: number;
}

/** Parse a (gated) XML document into a tree. Well-formedness errors name line:column. */
export function parseXmlTree(text: string, what = 'XML document'): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let startLine = 1;
  parser.on('doctype', () => parser.fail('DOCTYPE is not allowed'));
  parser.on('processinginstruction', (pi) => parser.fail(`processing instruction <?${pi.target} is not allowed`));
  parser.on('opentagstart', () => {
    startLine = parser.line;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attrs: XmlAttribute[] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === XMLNS_NAMESPACE || a.name === 'xmlns' || a.prefix === 'xmlns') continue;
      attrs.push({ uri: a.uri ?? '', prefix: a.prefix, local: a.local, value: a.value });
    }
    const el: XmlElement = { uri: tag.uri ?? '', prefix: tag.prefix, local: tag.local, attrs, children: [], line: startLine };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(t);
  });
  parser.on('cdata', (t) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(t);
  });
  try {
    parser.write(text).close();
  } catch (err) {
    const line = parser.line;
    const column = parser.column + 1;
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^[^:]*:\d+:\d+: /, '');
    throw new InvalidInputError(`${what} is not well-formed XML: line ${line}:${column}: ${reason}`, [
      { name: `line ${line}`, reason },
    ]);
  }
  if (!root) throw new InvalidInputError(`${what} has no root element`, [{ name: 'line 1', reason: 'no root element' }]);
  return root;
}

// ---------------------------------------------------------------------------------------------
// Canonical serialization of foreign elements (the `$any` fragments of the JSON model).

function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case '\t':
        return '&#x9;';
      case '\n':
        return '&#xA;';
      default:
        return '&#xD;';
    }
  });
}

function qname(prefix: string, local: string): string {
  return prefix ? `${prefix}:${local}` : local;
}

/**
 * Serialize an element deterministically, in the spirit of Exclusive XML Canonicalization:
 * prefixes are kept; a namespace declaration is written where a prefix (or the default
 * namespace) is first visibly used and its binding differs from the output context;
 * declarations come first (default, then by prefix), attributes sorted by namespace URI then
 * local name; whitespace-only text nodes and comments are dropped, other text is kept verbatim;
 * empty elements are written `<a/>`. `context` holds the bindings already in effect around the
 * fragment (e.g. the default namespace of the enclosing document); by default none, so that the
 * fragment is standalone with every namespace it uses declared on it.
 */
export function serializeCanonical(el: XmlElement, context: ReadonlyMap<string, string> = new Map()): string {
  const out = new Map(context);
  const decls: [string, string][] = [];
  const need = (prefix: string, uri: string): void => {
    if (prefix === 'xml') return;
    if ((out.get(prefix) ?? '') !== uri) {
      out.set(prefix, uri);
      decls.push([prefix, uri]);
    }
  };
  need(el.prefix, el.uri);
  for (const a of el.attrs) if (a.prefix) need(a.prefix, a.uri);
  decls.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const attrs = [...el.attrs].sort((a, b) =>
    a.uri !== b.uri ? (a.uri < b.uri ? -1 : 1) : a.local < b.local ? -1 : a.local > b.local ? 1 : 0,
  );
  let s = `<${qname(el.prefix, el.local)}`;
  for (const [p, u] of decls) s += ` ${p ? `xmlns:${p}` : 'xmlns'}="${escapeAttr(u)}"`;
  for (const a of attrs) s += ` ${qname(a.prefix, a.local)}="${escapeAttr(a.value)}"`;
  let inner = '';
  let run = '';
  const flush = (): void => {
    if (/\S/.test(run)) inner += escapeText(run);
    run = '';
  };
  for (const c of el.children) {
    if (typeof c === 'string') run += c;
    else {
      flush();
      inner += serializeCanonical(c, out);
    }
  }
  flush();
  return inner ? `${s}>${inner}</${qname(el.prefix, el.local)}>` : `${s}/>`;
}

/** Concatenated text children of an element (ignores child elements). */
export function textContent(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (typeof c === 'string') s += c;
  return s;
}
