import { bodySha256Of, correlationIdOf, type LiObservedCommunication, recordsFor } from './li-record.js';

const message: LiObservedCommunication = {
  source: 'message-log',
  key: 'a.example\nm-1',
  event: 'message',
  messageId: 'm-1',
  network: 'a.example',
  from: 'sip:alice@a.example',
  to: ['xmpp:bob@b.example'],
  room: null,
  at: new Date('2026-06-01T12:00:00Z'),
  direction: 'outbound',
  content: { contentType: 'text/plain', body: 'hi', bodySha256: bodySha256Of('hi') },
};

describe('recordsFor', () => {
  it('should give only the IRI for an IRI-only task', () => {
    const records = recordsFor({ xid: 'x1', deliveryType: 'iri' }, message);
    expect(records).toEqual([
      {
        type: 'iri',
        xid: 'x1',
        correlationId: correlationIdOf('message-log', 'a.example\nm-1'),
        source: 'message-log',
        event: 'message',
        messageId: 'm-1',
        network: 'a.example',
        from: 'sip:alice@a.example',
        to: ['xmpp:bob@b.example'],
        room: null,
        at: '2026-06-01T12:00:00.000Z',
        direction: 'outbound',
      },
    ]);
  });

  it('should add the CC with the body for an IRI+CC task, under the same correlation id', () => {
    const [iri, cc] = recordsFor({ xid: 'x1', deliveryType: 'iri-and-cc' }, message);
    expect(cc).toEqual({
      type: 'cc',
      xid: 'x1',
      correlationId: iri.correlationId,
      messageId: 'm-1',
      contentType: 'text/plain',
      body: 'hi',
      bodySha256: '8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4',
    });
  });

  it('should give the digest alone when only the digest was logged', () => {
    const digestOnly = { ...message, content: { contentType: 'text/plain', body: null, bodySha256: 'ab'.repeat(32) } };
    const [, cc] = recordsFor({ xid: 'x1', deliveryType: 'iri-and-cc' }, digestOnly);
    expect(cc).toMatchObject({ type: 'cc', body: null, bodySha256: 'ab'.repeat(32) });
  });

  it('should give no CC for an event without content even when the task asks for it', () => {
    const join = { ...message, source: 'chat' as const, event: 'join', messageId: null, content: null };
    expect(recordsFor({ xid: 'x1', deliveryType: 'iri-and-cc' }, join).map((r) => r.type)).toEqual(['iri']);
  });

  it('should give no CC for content without a message id', () => {
    expect(recordsFor({ xid: 'x1', deliveryType: 'iri-and-cc' }, { ...message, messageId: null }).map((r) => r.type)).toEqual([
      'iri',
    ]);
  });
});

describe('correlationIdOf', () => {
  it('should be a stable UUID per communication', () => {
    const id = correlationIdOf('chat', 'room\n7');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(correlationIdOf('chat', 'room\n7')).toBe(id);
    expect(correlationIdOf('chat', 'room\n8')).not.toBe(id);
    expect(correlationIdOf('message-log', 'room\n7')).not.toBe(id);
  });
});
