import { InvalidInputError, type InvalidParam } from '@app/common';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML, type XMLValidationError } from 'xmllint-wasm';

/**
 * XSD validation with libxml2 (the `xmllint-wasm` build of xmllint). Each call runs xmllint in
 * a fresh worker thread with a fresh WebAssembly instance, which also re-reads the schema: about
 * 100 ms per document on a typical machine. Calls are therefore bounded by a small concurrency
 * limit, so that a burst of publications cannot spawn unbounded threads.
 */

export const SCHEMA_FILE_NAME = 'pres-im-provisioning.xsd';
const DOCUMENT_FILE_NAME = 'document.xml';

let schemaText: string | undefined;

/**
 * Find `libs/xml/schema/pres-im-provisioning.xsd`: from `PRES_IM_PROVISIONING_XSD` if set,
 * else by walking up from this module (works from `libs/xml/src` under jest and from
 * `dist/apps/<app>/libs/xml/src` when built), then from the working directory.
 */
export function findProvisioningSchemaPath(): string {
  const fromEnv = process.env.PRES_IM_PROVISIONING_XSD;
  if (fromEnv) return resolve(fromEnv);
  return findSchemaPath(SCHEMA_FILE_NAME);
}

/** Find `libs/xml/schema/<fileName>` (a schema shipped with this library) the same way. */
export function findSchemaPath(fileName: string): string {
  const relative = join('libs', 'xml', 'schema', fileName);
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, relative);
      if (existsSync(candidate)) return candidate;
      const sibling = join(dir, 'schema', fileName); // libs/xml/schema next to libs/xml/src
      if (existsSync(sibling)) return sibling;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`${relative} not found${fileName === SCHEMA_FILE_NAME ? ' (set PRES_IM_PROVISIONING_XSD)' : ''}`);
}

/** The XSD text, loaded once. */
export function provisioningSchema(): string {
  schemaText ??= readFileSync(findProvisioningSchemaPath(), 'utf8');
  return schemaText;
}

/** Use this schema text instead of the file (tests, or a packaged build). */
export function setProvisioningSchema(xsd: string): void {
  schemaText = xsd;
}

// ---- concurrency limit -------------------------------------------------------------------------

const maxConcurrent = Math.max(2, Math.min(8, availableParallelism()));
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= maxConcurrent) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

// ---- validation --------------------------------------------------------------------------------

export interface SchemaError {
  /** 1-based line in the validated XML, when the validator gave one. */
  line: number | null;
  /** The validator's message, verbatim (without the file name and line prefix). */
  message: string;
}

/** Run libxml2's XSD validation; resolves with the errors (empty when valid). */
export function schemaErrors(xml: string): Promise<SchemaError[]> {
  return schemaErrorsAgainst(xml, SCHEMA_FILE_NAME, provisioningSchema());
}

/** The same validation against another schema shipped in libs/xml/schema (e.g. li-x1.xsd). */
export async function schemaErrorsAgainst(xml: string, schemaFileName: string, schema: string): Promise<SchemaError[]> {
  try {
    const result = await limited(() =>
      validateXML({
        xml: [{ fileName: DOCUMENT_FILE_NAME, contents: xml }],
        schema: [{ fileName: schemaFileName, contents: schema }],
      }),
    );
    if (result.valid) return [];
    const errors = result.errors.filter((e: XMLValidationError) => e.loc !== null && e.loc.fileName === DOCUMENT_FILE_NAME);
    if (errors.length) return errors.map((e) => ({ line: e.loc!.lineNumber, message: e.message }));
    return [{ line: null, message: result.rawOutput.trim() || 'the document does not validate' }];
  } catch (err) {
    // xmllint exits with 1 (not 3/4) when the document is not well-formed: report its output.
    const text = err instanceof Error ? err.message : String(err);
    const lines = [...text.matchAll(new RegExp(`^${DOCUMENT_FILE_NAME}:(\\d+): (.*)$`, 'gm'))];
    if (!lines.length) throw err;
    return lines.map((m) => ({ line: Number(m[1]), message: m[2] }));
  }
}

/** Build the InvalidInputError for validator errors; `name` maps an error to its invalid-param name. */
export function schemaValidationError(
  errors: SchemaError[],
  name: (e: SchemaError) => string = (e) => (e.line === null ? 'document' : `line ${e.line}`),
  what = 'provisioning document',
): InvalidInputError {
  const params: InvalidParam[] = errors.slice(0, 50).map((e) => ({ name: name(e), reason: e.message }));
  const quoted = params
    .slice(0, 3)
    .map((p) => `${p.name}: ${p.reason}`)
    .join('; ');
  const more = errors.length > 3 ? ` (+${errors.length - 3} more)` : '';
  return new InvalidInputError(`${what} is not valid against ${SCHEMA_FILE_NAME}: ${quoted}${more}`, params);
}

/**
 * Validate an XML string against the provisioning XSD; throws {@link InvalidInputError} whose
 * invalidParams are `{ name: 'line N', reason: <validator message> }`. Run the hostile-input
 * gate (`assertSafeXml`) first for untrusted input.
 */
export async function validateProvisioningXml(xml: string): Promise<void> {
  const errors = await schemaErrors(xml);
  if (errors.length) throw schemaValidationError(errors);
}
