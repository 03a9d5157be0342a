import { hash } from 'node:crypto';
import { MalformedLine, messageRecordSchema, parseJsonLines, parseRecord, passesRecordShape } from './message-record.js';

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

  it('should give the timestamp as toISOString() writes it, keeping text already in that form', () => {
    const offset = parseRecord(valid, 0);
    expect(offset.ok && offset.record.tsText).toBe('2026-12-01T05:00:00.123Z');
    const utc = parseRecord({ ...valid, timestamp: '2026-12-01T05:00:00.123Z' }, 0);
    expect(utc.ok && utc.record.tsText).toBe('2026-12-01T05:00:00.123Z');
    const noMillis = parseRecord({ ...valid, timestamp: '2026-12-01T05:00:00Z' }, 0);
    expect(noMillis.ok && noMillis.record.tsText).toBe('2026-12-01T05:00:00.000Z');
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
    [{ contentType: 'text/plain; x=\ud800' }, 'contentType', 'media type'],
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

  it.each([
    [{ body: 'a\u0000b' }, 'body'],
    [{ origin: 'a.example.com\u0000' }, 'origin'],
    [{ contentType: 'text/plain; x=\u0000' }, 'contentType'],
    [{ sender: 'sip:alice\u0000@a.example.com' }, 'sender'],
    [{ room: 'xmpp:r\u0000@conference.b.example.org' }, 'room'],
  ])('should reject a NUL character in %o naming the field', (change, field) => {
    const parsed = parseRecord({ ...valid, ...change }, 0);
    expect(parsed).toMatchObject({ ok: false, rejected: { reason: 'invalid', field } });
  });

  it('should list every invalid field in plain words, not only the first', () => {
    const parsed = parseRecord(
      { ...valid, body: 'a\u0000', timestamp: 'yesterday', direction: 'up', recipients: [7], contentType: undefined, extra: 1 },
      0,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const names = (parsed.rejected.invalidParams ?? []).map((p) => p.name).sort();
    expect(names).toEqual(['body', 'contentType', 'direction', 'extra', 'recipients[0]', 'timestamp']);
    const reasons = (parsed.rejected.invalidParams ?? []).map((p) => p.reason).join(' | ');
    expect(reasons).not.toMatch(/Invalid|received|expected/);
    expect(parsed.rejected.invalidParams).toContainEqual({ name: 'contentType', reason: 'is required' });
    expect(parsed.rejected.invalidParams).toContainEqual({ name: 'recipients[0]', reason: 'must be text' });
  });

  it('should list every invalid participant', () => {
    const parsed = parseRecord({ ...valid, sender: 'nonsense', recipients: ['sip:bob@b.example.org', 'x y'], room: 'zzz' }, 0);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.rejected.invalidParams?.map((p) => p.name)).toEqual(['sender', 'recipients[1]', 'room']);
  });

  it('should name the fields between which a record is inconsistent even when another field failed', () => {
    const parsed = parseRecord({ ...valid, body: undefined, direction: 'up' }, 0);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.rejected.invalidParams?.map((p) => p.name).sort()).toEqual(['body', 'direction']);
  });

  it('should reject a value that is not an object without a message id', () => {
    expect(parseRecord('nope', 0)).toMatchObject({ ok: false, rejected: { messageId: null, reason: 'invalid' } });
  });
});

describe('passesRecordShape (the shape check that spares valid records the zod run)', () => {
  const { body: _body, ...byDigest } = valid;
  it.each([
    ['valid', valid],
    ['by digest', { ...byDigest, bodySha256: 'Ab'.repeat(32) }],
    ['a room, no recipients', { ...valid, recipients: undefined, room: '#lobby:b.example.org' }],
    ['no recipients at all', { ...valid, recipients: undefined }],
    ['empty recipients and a room', { ...valid, recipients: [], room: 'xmpp:r@conference.b.example.org' }],
    ['100 recipients', { ...valid, recipients: Array(100).fill('sip:b@b.example.org') }],
    ['101 recipients', { ...valid, recipients: Array(101).fill('sip:b@b.example.org') }],
    ['a sparse recipient list', { ...valid, recipients: Object.assign(new Array<string>(2), { 1: 'sip:b@b.example.org' }) }],
    ['a recipient that is not a string', { ...valid, recipients: [1] }],
    ['an empty recipient', { ...valid, recipients: [''] }],
    ['a 512-character sender', { ...valid, sender: `sip:${'a'.repeat(508)}` }],
    ['a 513-character sender', { ...valid, sender: `sip:${'a'.repeat(509)}` }],
    ['an empty origin', { ...valid, origin: '' }],
    ['a 254-character origin', { ...valid, origin: 'a'.repeat(254) }],
    ['a 256-character id', { ...valid, messageId: 'm'.repeat(256) }],
    ['a 257-character id', { ...valid, messageId: 'm'.repeat(257) }],
    ['an id with a non-ASCII character', { ...valid, messageId: 'mé' }],
    ['a Z timestamp', { ...valid, timestamp: '2026-12-01T05:00:00Z' }],
    ['a leap day', { ...valid, timestamp: '2028-02-29T05:00:00+00:00' }],
    ['no leap day', { ...valid, timestamp: '2026-02-29T05:00:00+00:00' }],
    ['a timestamp without offset', { ...valid, timestamp: '2026-12-01T05:00:00' }],
    ['a timestamp that is not a string', { ...valid, timestamp: 1 }],
    ['an upper-case direction', { ...valid, direction: 'OUTBOUND' }],
    ['a 256-character media type', { ...valid, contentType: `text/${'x'.repeat(251)}` }],
    ['a media type with parameters', { ...valid, contentType: 'Text/Plain ; charset=utf-8' }],
    ['a media type with a lone surrogate', { ...valid, contentType: 'text/plain; x=\udc00' }],
    ['a media type with a line break', { ...valid, contentType: 'text/plain; x=1\ny' }],
    ['both body and digest', { ...valid, bodySha256: 'ab'.repeat(32) }],
    ['a 63-digit digest', { ...byDigest, bodySha256: 'a'.repeat(63) }],
    ['a body of 64 KiB', { ...valid, body: 'x'.repeat(64 * 1024) }],
    ['a body over 64 KiB in UTF-8', { ...valid, body: 'é'.repeat(32 * 1024 + 1) }],
    ['a body that is not a string', { ...valid, body: 1 }],
    ['an unknown key', { ...valid, extra: undefined }],
    ['an array', [valid]],
    ['null', null],
    ['an object inheriting a field', Object.assign(Object.create({ room: 'x' }), valid)],
  ])('should agree with the schema on %s', (_name, input: unknown) => {
    const zodAccepts = messageRecordSchema.safeParse(input).success;
    expect(passesRecordShape(input)).toBe(zodAccepts);
  });
});

describe('parseJsonLines', () => {
  it('should keep a line nested too deeply as a malformed line, without parsing it', () => {
    const deep = '['.repeat(400_000) + ']'.repeat(400_000);
    const [record, next] = parseJsonLines(`${deep}\n{"a":1}`);
    expect(record).toBeInstanceOf(MalformedLine);
    expect((record as MalformedLine).detail).toMatch(/line 1 nests/);
    expect(next).toEqual({ a: 1 });
  });

  it('should parse one record per line, skip blank lines and keep malformed lines in place', () => {
    const records = parseJsonLines('{"a":1}\n\n{oops\r\n{"b":2}\n');
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({ a: 1 });
    expect(records[1]).toBeInstanceOf(MalformedLine);
    expect((records[1] as MalformedLine).detail).toContain('line 3');
    expect(parseRecord(records[1], 1)).toMatchObject({ ok: false, rejected: { reason: 'invalid' } });
  });
});
