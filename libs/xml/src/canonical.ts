import { createHash } from 'node:crypto';
import { canonicalJson as rfc8785 } from '@app/common';
import { camel, type ComplexType, HUB_SET_ROOT_ATTRIBUTES, ROOT_TYPE, scalarKind } from './content-model.js';
import { toProvisioningXml } from './json-to-xml.js';
import type { ProvisioningDocument } from './model.js';
import { parseXmlTree, serializeCanonical } from './xml-tree.js';
import { collapse } from './xml-to-json.js';
import { assertSafeXml } from './safe-xml.js';

/**
 * Canonical forms of a provisioning document and its content hash `ver`.
 *
 * Both canonical forms start from the JSON model (which already normalizes booleans, numbers,
 * whitespace, attribute order, prefixes and comments), drop the root attributes that describe
 * the copy rather than the content (`for`, `ver`, `published`, `generated`), collapse the
 * whitespace of every string, re-canonicalize each `$any` extension fragment, and keep the
 * order of repeated elements (document order is significant).
 *
 * `ver` follows docs/provisioning.md ("Canonical form and ver"): base64url (no padding) of the
 * SHA-256 of the RFC 8785 (JCS) serialization of the canonical JSON model — 43 characters.
 */

const HUB_SET = new Set(HUB_SET_ROOT_ATTRIBUTES.map(camel));

function canonicalFragment(f: string): string {
  return serializeCanonical(parseXmlTree(assertSafeXml(f, { what: 'extension fragment' }), 'extension fragment'));
}

/** Normalize a JSON model against the content model (no validation beyond what is needed). */
function normalize(t: ComplexType, value: Record<string, unknown>, root: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (root && HUB_SET.has(key)) continue;
    if (key === '$any') {
      if (Array.isArray(v) && v.length) out.$any = v.map((f) => canonicalFragment(String(f)));
      continue;
    }
    if (key.startsWith('{')) {
      out[key] = String(v);
      continue;
    }
    if (key === 'value' && t.text) {
      out.value = collapse(String(v));
      continue;
    }
    const child = t.children.find((c) => camel(c.name) === key);
    if (child) {
      const norm = (item: unknown): unknown =>
        child.type === 'simple' ? scalar(child.name, item) : normalize(child.type, item as Record<string, unknown>, false);
      if (child.repeat) {
        if (Array.isArray(v) && v.length) out[key] = v.map(norm);
      } else out[key] = norm(v);
      continue;
    }
    const attr = t.attrs.find((a) => camel(a) === key);
    out[key] = attr ? scalar(attr, v) : v;
  }
  return out;
}

function scalar(xmlName: string, v: unknown): unknown {
  return typeof v === 'string' && scalarKind(xmlName) === 'string' ? collapse(v) : v;
}

/** The canonical JSON model: hub-set root attributes removed, strings collapsed, fragments canonical. */
export function canonicalModel(doc: ProvisioningDocument): ProvisioningDocument {
  return normalize(ROOT_TYPE, doc as unknown as Record<string, unknown>, true) as unknown as ProvisioningDocument;
}

/**
 * Canonical JSON text (RFC 8785 of {@link canonicalModel}): the input of {@link computeVer}. The
 * parsers refuse what RFC 8785 cannot encode (lone surrogates, non-finite numbers) before this.
 */
export function canonicalJson(doc: ProvisioningDocument): string {
  return rfc8785(canonicalModel(doc));
}

/** `ver`: base64url (no padding) SHA-256 of {@link canonicalJson}; 43 characters, a valid ContentHash. */
export function computeVer(doc: ProvisioningDocument): string {
  return createHash('sha256').update(canonicalJson(doc), 'utf8').digest('base64url');
}

/**
 * A deterministic XML serialization of the same canonical model: the document written in schema
 * order without XML declaration or insignificant whitespace, then canonicalized (namespace
 * declarations where first used, attributes sorted by namespace URI and name, `<a/>` for empty
 * elements, C14N escaping). Same content, same bytes — whatever the whitespace, attribute order,
 * prefixes or form (XML/JSON) of the input.
 */
export function canonicalXml(doc: ProvisioningDocument): string {
  const xml = toProvisioningXml(canonicalModel(doc), { xmlDeclaration: false });
  return serializeCanonical(parseXmlTree(xml));
}
