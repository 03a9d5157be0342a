import { create, fragment } from 'xmlbuilder2';
import type { LogRow } from '@app/db';
import { xmlLiteral } from '@app/xml';
import { CHAIN_ENTRY_VERSION } from './record-chain.js';

/** Namespace of the XML export (docs/message-log.md, "Search and export"). */
export const MESSAGE_LOG_XML_NAMESPACE = 'urn:pres-im-clearing-house:message-log:1';

/**
 * One logged record as the API returns it and JSON Lines exports it. `ts` is exactly the string the
 * chain entry hashed (Date.toISOString()), so a reader can recompute chainHash from these fields.
 */
export function toLoggedRecordJson(r: LogRow) {
  return {
    ts: r.ts.toISOString(),
    origin: r.origin,
    seq: r.seq,
    messageId: r.messageId,
    direction: r.direction,
    sender: r.sender,
    recipients: r.recipients,
    room: r.room,
    contentType: r.contentType,
    body: r.body,
    bodySha256: r.bodySha256,
    prevHash: r.prevHash,
    chainHash: r.chainHash,
    batchId: r.batchId,
    loggedAt: r.loggedAt.toISOString(),
  };
}

/** JSON Lines: one record per line, one chunk per page. */
export async function* jsonLinesExport(pages: AsyncIterable<LogRow[]>): AsyncIterable<string> {
  for await (const page of pages) yield page.map((r) => `${JSON.stringify(toLoggedRecordJson(r))}\n`).join('');
}

/** Attributes of the XML root besides the namespace; undefined ones are left out. */
export interface XmlExportHead {
  hub: string;
  /** the member the export was made for (absent for operators) */
  for?: string;
  from: Date;
  to: Date;
  asOf: Date;
  filters: Record<string, string | undefined>;
}

/**
 * The XML export, streamed: the root start tag travels with the first page, so nothing is sent
 * before the first query succeeded; each record is serialised on its own by a fragment builder.
 */
export async function* xmlExport(head: XmlExportHead, pages: AsyncIterable<LogRow[]>): AsyncIterable<string> {
  const [start, end] = rootTags(head);
  let pending = start;
  for await (const page of pages) {
    yield pending + page.map((r) => `\n${recordXml(r)}`).join('');
    pending = '';
  }
  yield `${pending}\n${end}\n`;
}

const PLACEHOLDER = '<records-placeholder/>';

function rootTags(head: XmlExportHead): [string, string] {
  const attributes = compact({
    hub: head.hub,
    for: head.for,
    from: head.from.toISOString(),
    to: head.to.toISOString(),
    'as-of': head.asOf.toISOString(),
    'chain-entry': CHAIN_ENTRY_VERSION,
    ...Object.fromEntries(Object.entries(head.filters).map(([k, v]) => [kebab(k), v])),
  });
  const whole = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(MESSAGE_LOG_XML_NAMESPACE, 'message-log', attributes)
    .ele(MESSAGE_LOG_XML_NAMESPACE, 'records-placeholder')
    .doc()
    .end();
  const at = whole.indexOf(PLACEHOLDER);
  if (at === -1) throw new Error('xmlExport: placeholder not found');
  return [whole.slice(0, at), whole.slice(at + PLACEHOLDER.length)];
}

/**
 * One `<record>`. Attributes carry only values that cannot hold whitespace or markup (validated
 * at ingest); free text goes into elements. The element is built without a namespace and inherits
 * the root's default namespace where it is written.
 */
export function recordXml(r: LogRow): string {
  const record = fragment().ele('record', {
    ts: r.ts.toISOString(),
    origin: r.origin,
    seq: String(r.seq),
    'message-id': xmlLiteral(r.messageId),
    direction: r.direction,
    'prev-hash': r.prevHash,
    'chain-hash': r.chainHash,
    'batch-id': r.batchId,
    'logged-at': r.loggedAt.toISOString(),
  });
  textElement(record, 'sender', r.sender);
  for (const recipient of r.recipients) textElement(record, 'recipient', recipient);
  if (r.room !== null) textElement(record, 'room', r.room);
  textElement(record, 'content-type', r.contentType);
  if (r.body !== null) textElement(record, 'body', r.body);
  record.ele('body-sha256').txt(r.bodySha256);
  return record.end();
}

// Characters an XML 1.0 parser returns unchanged in text content. Anything else (controls, CR —
// parsers turn CR LF into LF —, U+FFFE/U+FFFF) would break well-formedness or the body's digest.
const XML_TEXT_SAFE = /^[\t\n\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

function textElement(parent: ReturnType<typeof fragment>, name: string, value: string): void {
  if (XML_TEXT_SAFE.test(value)) parent.ele(name).txt(xmlLiteral(value));
  else parent.ele(name, { encoding: 'base64' }).txt(Buffer.from(value, 'utf8').toString('base64'));
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function compact(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));
}
