import { parseXmlTree } from '@app/xml';
import type { LogRow } from '@app/db';
import { recordXml } from './message-log-export-format.js';

const row = (over: Partial<LogRow>): LogRow => ({
  position: { ts: new Date('2026-12-01T10:00:00Z'), origin: 'a.example.com', seq: 1 } as unknown as LogRow['position'],
  ts: new Date('2026-12-01T10:00:00Z'),
  origin: 'a.example.com',
  seq: 1,
  messageId: 'm-1',
  direction: 'outbound',
  sender: 'sip:alice@a.example.com',
  recipients: ['sip:bob@b.example.org'],
  room: null,
  contentType: 'text/plain',
  body: 'hello',
  bodySha256: '0'.repeat(64),
  prevHash: '0'.repeat(64),
  chainHash: '1'.repeat(64),
  batchId: '00000000-0000-4000-8000-000000000000',
  loggedAt: new Date('2026-12-01T10:00:01Z'),
  ...over,
});

const text = (xml: string, name: string) =>
  parseXmlTree(xml, 'record')
    .children.filter((c) => typeof c !== 'string' && c.local === name)
    .map((c) => (typeof c === 'string' ? c : c.children.join('')));

describe(recordXml.name, () => {
  it.each(['Tom &amp; Jerry', 'an &x; reference', '&#38; & < > " \''])(
    'should export the body %j so that it reads back unchanged',
    (body) => {
      const xml = recordXml(row({ body, room: `room &amp; ${body}`, messageId: 'm&amp;1' }));
      expect(text(xml, 'body')).toEqual([body]);
      expect(text(xml, 'room')).toEqual([`room &amp; ${body}`]);
      expect(parseXmlTree(xml, 'record').attrs.find((a) => a.local === 'message-id')?.value).toBe('m&amp;1');
    },
  );
});
