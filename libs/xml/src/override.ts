import { InvalidInputError, type InvalidParam } from '@app/common';
import type { JsonValue, ProvisioningDocument } from './model.js';
import { validateProvisioningDocument } from './provisioning.js';
import { pointerToken } from './xml-to-json.js';

/**
 * Per-requestor overrides: a member stores, for a named peer
 * domain, a patch that the hub applies to the member's current document before serving it to
 * that peer.
 *
 * Format: a JSON Merge Patch (RFC 7386) over the JSON model of docs/provisioning.md:
 * - an object member replaces or adds the key, recursively merging objects;
 * - `null` removes the key;
 * - arrays (repeated elements such as `dnsName`, `$any`) are replaced wholesale;
 * - the root keys `version`, `role`, `domain`, `for`, `ver`, `published`, `generated` and
 *   `clearingHouseMembership` cannot be patched: identity and hub-set attributes stay the hub's,
 *   and who may see the member is decided by the base document's privacy, never by an override.
 *
 * Example: `{ "connectivity": { "dnsNames": { "dnsName": [ { "service": "any", "protocol": "sip",
 * "value": "edge2.example.com" } ] } }, "chatFeatures": { "fileTransfer": null } }`.
 */
export type ProvisioningOverridePatch = { [key: string]: JsonValue };

export const OVERRIDE_FORBIDDEN_ROOT_KEYS: readonly string[] = [
  'version',
  'role',
  'domain',
  'for',
  'ver',
  'published',
  'generated',
  'clearingHouseMembership',
];

const MAX_DEPTH = 32;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural check of a patch (no schema validation): throws InvalidInputError with JSON pointers. */
export function assertOverridePatch(patch: unknown): asserts patch is ProvisioningOverridePatch {
  const errors: InvalidParam[] = [];
  if (!isObject(patch)) {
    throw new InvalidInputError('override patch must be a JSON object (RFC 7386 merge patch)', [
      { name: '/', reason: 'must be a JSON object' },
    ]);
  }
  for (const key of OVERRIDE_FORBIDDEN_ROOT_KEYS) {
    if (Object.hasOwn(patch, key)) errors.push({ name: `/${key}`, reason: 'cannot be overridden per requestor' });
  }
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) {
      errors.push({ name: path, reason: 'nested too deeply' });
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}/${i}`, depth + 1));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') {
          errors.push({ name: `${path}/${pointerToken(k)}`, reason: 'is not an allowed key' });
        } else walk(x, `${path}/${pointerToken(k)}`, depth + 1);
      }
    } else if (typeof v === 'number' && !Number.isFinite(v)) {
      errors.push({ name: path, reason: 'must be a finite number' });
    } else if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
      errors.push({ name: path, reason: `is not a JSON value (${typeof v})` });
    }
  };
  walk(patch, '', 0);
  if (errors.length) {
    throw new InvalidInputError(
      `override patch is not acceptable: ${errors
        .slice(0, 5)
        .map((e) => `${e.name || '/'}: ${e.reason}`)
        .join('; ')}`,
      errors,
    );
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else Object.defineProperty(out, k, { value: mergePatch(out[k], v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** RFC 7386 merge of `patch` into `base` (new objects; `base` is not modified). No validation. */
export function mergeOverride(base: ProvisioningDocument, patch: ProvisioningOverridePatch): ProvisioningDocument {
  return mergePatch(base, patch) as ProvisioningDocument;
}

/**
 * Apply a per-requestor override: check the patch, merge it into `base` (RFC 7386) and validate
 * the result with the XSD (through the XML form, like any JSON input). Resolves with the
 * normalized document; a result that is no longer valid throws InvalidInputError quoting the
 * validator, with JSON pointers into the merged document.
 */
export async function applyOverride(base: ProvisioningDocument, patch: ProvisioningOverridePatch): Promise<ProvisioningDocument> {
  assertOverridePatch(patch);
  return validateProvisioningDocument(mergeOverride(base, patch));
}
