import { decide, type DecisionDirectory, type Service } from '@app/interconnect';
import { parseRecord, type ParsedRecord } from './message-record.js';
import { authorizeRecord, type AuthorizationContext } from './record-authorization.js';

const MEMBERS = ['a.example.com', 'b.example.org', 'c.example.net'];
const HUB = 'hub.example';
const now = new Date('2026-12-01T12:00:00Z');

/** A directory over an open federation of MEMBERS where c blocked a. */
function directory(): DecisionDirectory {
  const state = (d: string) => (MEMBERS.includes(d) ? { domain: d, status: 'active' as const } : null);
  const privacy = { visibleToAll: true, allow: new Set<string>(), deny: new Set<string>() };
  return {
    ownerOf: (host) => MEMBERS.find((m) => host === m || host.endsWith(`.${m}`)) ?? null,
    delegatedServices: () => new Set(['logging']),
    decide: (requestor: string, target: string, service: Service, at = now) =>
      decide({
        requestor: state(requestor),
        target: state(target),
        service,
        at,
        mode: 'open',
        agreements: [],
        memberBlocks: [{ blocker: 'c.example.net', blocked: 'a.example.com' }],
        operatorBlocks: [],
        requestorPrivacy: privacy,
        targetPrivacy: privacy,
      }),
  };
}

const ctx = (origin = 'a.example.com'): AuthorizationContext => ({
  origin,
  hubDomain: HUB,
  directory: directory(),
  window: { notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 300_000) },
  now,
});

function record(change: Record<string, unknown> = {}): ParsedRecord {
  const parsed = parseRecord(
    {
      messageId: 'm',
      origin: 'a.example.com',
      sender: 'sip:alice@sip.a.example.com',
      recipients: ['sip:bob@b.example.org'],
      timestamp: now.toISOString(),
      direction: 'outbound',
      contentType: 'text/plain',
      body: 'hi',
      ...change,
    },
    0,
  );
  if (!parsed.ok) throw new Error(parsed.rejected.detail);
  return parsed.record;
}

describe('authorizeRecord', () => {
  it('should allow an outbound message to a peer and tag every network and participant', () => {
    const verdict = authorizeRecord(record(), ctx());
    expect(verdict).toEqual({
      ok: true,
      tags: ['n:a.example.com', 'n:b.example.org', 'u:sip:alice@sip.a.example.com', 'u:sip:bob@b.example.org'],
    });
  });

  it.each([
    [{ origin: 'b.example.org' }, 'origin-not-caller', 'origin'],
    [{ timestamp: '2026-11-01T00:00:00Z' }, 'timestamp-out-of-window', 'timestamp'],
    [{ timestamp: '2026-12-01T12:06:00Z' }, 'timestamp-out-of-window', 'timestamp'],
    [{ recipients: ['sip:bob@b.example.org', 'sip:eve@evil.example'] }, 'participant-not-member', 'recipients[1]'],
    [{ sender: 'sip:mallory@b.example.org' }, 'origin-not-party', 'sender'],
    [
      { direction: 'inbound', sender: 'sip:bob@b.example.org', recipients: ['sip:carol@c.example.net'] },
      'origin-not-party',
      'recipients',
    ],
    [{ recipients: ['sip:carol@c.example.net'] }, 'not-allowed', undefined],
  ])('should reject %o as %s', (change, reason, field) => {
    const verdict = authorizeRecord(record(change), ctx());
    expect(verdict).toMatchObject({ ok: false, rejected: { reason, field } });
  });

  it('should allow an inbound message received by the origin', () => {
    const verdict = authorizeRecord(
      record({ direction: 'inbound', sender: 'xmpp:bob@b.example.org', recipients: ['xmpp:al@a.example.com'] }),
      ctx(),
    );
    expect(verdict.ok).toBe(true);
  });

  it('should check a room message as n-way chat with the room host network, and tag the room', () => {
    const verdict = authorizeRecord(record({ recipients: [], room: 'xmpp:lobby@conference.b.example.org' }), ctx());
    expect(verdict).toMatchObject({ ok: true, tags: expect.arrayContaining(['r:xmpp:lobby@conference.b.example.org']) });
    const blocked = authorizeRecord(record({ recipients: [], room: 'xmpp:lobby@conference.c.example.net' }), ctx());
    expect(blocked).toMatchObject({ ok: false, rejected: { reason: 'not-allowed' } });
    expect(!blocked.ok && blocked.rejected.detail).toContain('n-way-chat');
  });

  it('should log messages the hub relays in its own rooms with the hub as origin', () => {
    const relayed = record({ origin: HUB, recipients: ['sip:bob@b.example.org'], room: `xmpp:lobby@${HUB}` });
    expect(authorizeRecord(relayed, ctx(HUB))).toMatchObject({ ok: true });
  });
});
