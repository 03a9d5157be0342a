import type { LiRoomEventRow } from '@app/db';
import { loggedMessage, participantsOf, roomEvent } from './li-sources.js';

const messageIdOf = (roomId: string, seq: string) => `chat-${roomId}-${seq}`;

const event = (over: Partial<LiRoomEventRow> = {}): LiRoomEventRow => ({
  roomId: 'r1',
  roomUri: 'xmpp:r1@chat.hub.example',
  seq: '4',
  kind: 'message',
  actor: 'sip:alice@a.example',
  userUri: null,
  network: 'a.example',
  content: { body: 'hello', mediaType: 'text/markdown' },
  createdAt: new Date('2026-06-01T12:00:00Z'),
  recipients: ['xmpp:bob@b.example'],
  ...over,
});

describe('loggedMessage', () => {
  it('should take who, whom, when and the content as logged', () => {
    const c = loggedMessage({
      ts: new Date('2026-06-01T12:00:00Z'),
      origin: 'a.example',
      messageId: 'm-1',
      direction: 'inbound',
      sender: 'sip:alice@a.example',
      recipients: ['xmpp:bob@b.example'],
      room: null,
      contentType: 'text/plain',
      body: null,
      bodySha256: Buffer.alloc(32, 0xab),
    });
    expect(c).toMatchObject({ source: 'message-log', key: 'a.example\nm-1', from: 'sip:alice@a.example', direction: 'inbound' });
    expect(c.content).toEqual({ contentType: 'text/plain', body: null, bodySha256: 'ab'.repeat(32) });
    expect(participantsOf(c)).toEqual(['sip:alice@a.example', 'xmpp:bob@b.example']);
  });
});

describe('roomEvent', () => {
  it('should give a message its id in the log, its room and its content', () => {
    const c = roomEvent(event(), messageIdOf);
    expect(c).toMatchObject({ source: 'chat', messageId: 'chat-r1-4', room: 'xmpp:r1@chat.hub.example', event: 'message' });
    expect(c.content).toMatchObject({ contentType: 'text/markdown', body: 'hello' });
  });

  it('should add the user a membership event is about to whom, without content or message id', () => {
    const c = roomEvent(event({ kind: 'invite', userUri: 'sip:carol@c.example', content: {} }), messageIdOf);
    expect(c.to).toEqual(['xmpp:bob@b.example', 'sip:carol@c.example']);
    expect(c.messageId).toBeNull();
    expect(c.content).toBeNull();
  });

  it('should not repeat a user already among the recipients or the actor', () => {
    expect(roomEvent(event({ kind: 'kick', userUri: 'xmpp:bob@b.example' }), messageIdOf).to).toEqual(['xmpp:bob@b.example']);
    expect(roomEvent(event({ kind: 'join', userUri: 'sip:alice@a.example' }), messageIdOf).to).toEqual(['xmpp:bob@b.example']);
  });

  it('should read plain text when the message names no media type, and leave out a hub action’s actor', () => {
    const c = roomEvent(event({ actor: null, content: { body: 'x' } }), messageIdOf);
    expect(c.content?.contentType).toBe('text/plain');
    expect(participantsOf(c)).toEqual(['xmpp:bob@b.example']);
  });
});
