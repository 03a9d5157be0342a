import { hash } from 'node:crypto';
import { MalformedLine, parseJsonLines, parseRecord } from './message-record.js';

const valid = {
  messageId: 'm-1',
  origin: 'A.example.com.',
  sender: 'sip:alice@a.example.com',
  recipients: ['sip:bob@b.example.org'],
  timestamp: '2026-12-01T06:00:00.123+01:00',
  direction: 'outbound',
  contentType: 'text/plain; charset=utf-8',
  body: 'hello',
};

describe('parseRecord', () => {
  it('should normalise the origin and participants and digest the body', () => {
    const parsed = parseRecord(valid, 3);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.record).toMatchObject({
      index: 3,
      origin: 'a.example.com',
      sender: { uri: 'sip:alice@a.example.com', host: 'a.example.com' },
      ts: new Date('2026-12-01T05:00:00.123Z'),
      body: 'hello',
      bodySha256: hash('sha256', 'hello', 'hex'),
    });
  });

  it('should keep a given digest in lower case when there is no body', () => {
    const parsed = parseRecord({ ...valid, body: undefined, bodySha256: 'AB'.repeat(32) }, 0);
    expect(parsed.ok && parsed.record).toMatchObject({ body: null, bodySha256: 'ab'.repeat(32) });
  });

  it.each([
    [{ body: undefined }, 'body', 'exactly one'],
    [{ bodySha256: 'ab'.repeat(32) }, 'body', 'exactly one'],
    [{ bodySha256: 'xyz', body: undefined }, 'bodySha256', 'hexadecimal'],
    [{ recipients: [], room: undefined }, 'recipients', 'recipient or a room'],
    [{ recipients: ['sip:bob@b.example.org', 'nonsense'] }, 'recipients[1]', 'supported scheme'],
    [{ direction: 'sideways' }, 'direction', ''],
    [{ timestamp: '2026-12-01 06:00' }, 'timestamp', ''],
    [{ messageId: 'has space' }, 'messageId', 'visible ASCII'],
    [{ contentType: 'plain' }, 'contentType', 'media type'],
    [{ extra: 1 }, '', ''],
    [{ body: 'x'.repeat(64 * 1024 + 1) }, 'body', 'bodySha256'],
  ])('should reject %o naming the field', (change, field, detail) => {
    const parsed = parseRecord({ ...valid, ...change }, 1);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.rejected).toMatchObject({
      index: 1,
      messageId: (change as { messageId?: string }).messageId ?? 'm-1',
      reason: 'invalid',
    });
    if (field) expect(parsed.rejected.field).toBe(field);
    expect(parsed.rejected.detail).toContain(detail);
  });

  it('should reject a value that is not an object without a message id', () => {
    expect(parseRecord('nope', 0)).toMatchObject({ ok: false, rejected: { messageId: null, reason: 'invalid' } });
  });
});

describe('parseJsonLines', () => {
  it('should parse one record per line, skip blank lines and keep malformed lines in place', () => {
    const records = parseJsonLines('{"a":1}\n\n{oops\r\n{"b":2}\n');
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({ a: 1 });
    expect(records[1]).toBeInstanceOf(MalformedLine);
    expect((records[1] as MalformedLine).detail).toContain('line 3');
    expect(parseRecord(records[1], 1)).toMatchObject({ ok: false, rejected: { reason: 'invalid' } });
  });
});
