import { InvalidInputError, PayloadTooLargeError } from '@app/common';
import { isUtf8 } from 'node:buffer';
import { toProvisioningXml } from './json-to-xml.js';
import type { ProvisioningDocument } from './model.js';
import { assertSafeXml, DEFAULT_MAX_XML_BYTES } from './safe-xml.js';
import { type LinePointers, linePointers, treeToDocument } from './xml-to-json.js';
import { parseXmlTree } from './xml-tree.js';
import { schemaErrors, schemaValidationError, validateProvisioningXml } from './xsd-validator.js';

export const PROVISIONING_XML_MEDIA_TYPE = 'application/pres-im-provisioning+xml';
export const PROVISIONING_JSON_MEDIA_TYPE = 'application/pres-im-provisioning+json';

export interface ParseOptions {
  /** Largest accepted input in bytes. Default 256 KiB. */
  maxBytes?: number;
}

/**
 * Untrusted XML → JSON model: hostile-input gate, well-formedness (saxes: no DTD, no entity
 * expansion), XSD validation with libxml2, then the mapping of docs/provisioning.md.
 * Errors: PayloadTooLargeError (413), UnsupportedMediaTypeError (415, non-UTF-8 encoding),
 * InvalidInputError (400) with `line N` invalid params quoting the validator.
 */
export async function parseProvisioningXml(
  input: Buffer | Uint8Array | string,
  options: ParseOptions = {},
): Promise<ProvisioningDocument> {
  const text = assertSafeXml(input, { maxBytes: options.maxBytes, what: 'provisioning document' });
  const tree = parseXmlTree(text, 'provisioning document');
  await validateProvisioningXml(text);
  return treeToDocument(tree);
}

/**
 * Trusted XML (e.g. a version the hub stored after validating it) → JSON model, synchronously:
 * gate + parse + mapping, without the (slow) XSD validation.
 */
export function provisioningXmlToJson(input: Buffer | Uint8Array | string, options: ParseOptions = {}): ProvisioningDocument {
  const text = assertSafeXml(input, { maxBytes: options.maxBytes, what: 'provisioning document' });
  return treeToDocument(parseXmlTree(text, 'provisioning document'));
}

function nearestPointer(lines: LinePointers, line: number | null): string {
  if (line === null) return '/';
  for (let l = line; l > 0; l--) {
    const p = lines.get(l);
    if (p !== undefined) return p;
  }
  return '/';
}

/**
 * Validate a JSON model by converting it to XML and running the same XSD validation as XML
 * input (one validator for both forms). Resolves with the normalized model (the XML mapped back:
 * strings whitespace-collapsed, keys in schema order, extension fragments canonical).
 * Structural problems (wrong JSON type, unknown key) and schema errors throw InvalidInputError;
 * schema errors are reported with the JSON pointer of the offending element as `name`.
 */
export async function validateProvisioningDocument(doc: unknown): Promise<ProvisioningDocument> {
  const xml = toProvisioningXml(doc, { prettyPrint: true });
  const errors = await schemaErrors(xml);
  if (errors.length) {
    const lines = linePointers(parseXmlTree(xml));
    throw schemaValidationError(errors, (e) => nearestPointer(lines, e.line), 'provisioning document (JSON)');
  }
  return treeToDocument(parseXmlTree(xml));
}

/**
 * Untrusted JSON (text, bytes, or an already parsed value) → validated, normalized JSON model.
 * Text/bytes larger than `maxBytes` → PayloadTooLargeError; not UTF-8 or not JSON →
 * InvalidInputError.
 */
export async function parseProvisioningJson(
  input: Buffer | Uint8Array | string | unknown,
  options: ParseOptions = {},
): Promise<ProvisioningDocument> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let text: string;
    if (typeof input === 'string') {
      if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) {
        throw new PayloadTooLargeError(`provisioning document is larger than ${maxBytes} bytes`, { maxBytes });
      }
      text = input;
    } else {
      if (input.byteLength > maxBytes) {
        throw new PayloadTooLargeError(`provisioning document is larger than ${maxBytes} bytes`, { maxBytes });
      }
      if (!isUtf8(input)) throw new InvalidInputError('provisioning document (JSON) is not well-formed UTF-8');
      text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    }
    try {
      value = JSON.parse(text);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new InvalidInputError(`provisioning document is not valid JSON: ${reason}`, [{ name: '/', reason }]);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('provisioning document (JSON) must be a JSON object', [
      { name: '/', reason: 'must be a JSON object' },
    ]);
  }
  return validateProvisioningDocument(value);
}
