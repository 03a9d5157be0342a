import { decide, targetVisible, type DecisionDirectory, type Service } from '@app/interconnect';
import { parseRecord, type ParsedRecord } from './message-record.js';
import { authorizeRecord, type AuthorizationContext } from './record-authorization.js';

const MEMBERS = ['a.example.com', 'b.example.org', 'c.example.net', 'd.example.info'];
const HUB = 'hub.example';
const now = new Date('2026-12-01T12:00:00Z');

/**
 * A directory over an open federation of MEMBERS where c blocked a (so c is hidden from a), d
 * blocked b, and a's own Peer Network Privacy denies d (a still sees d, but may not interconnect with it).
 */
function directory(): DecisionDirectory {
  const state = (d: string) => (MEMBERS.includes(d) ? { domain: d, status: 'active' as const } : null);
  const privacy = (d: string) => ({
    visibleToAll: true,
    allow: new Set<string>(),
    deny: new Set<string>(d === 'a.example.com' ? ['d.example.info'] : []),
  });
  const decideFor = (requestor: string, target: string, service: Service, at = now) =>
    decide({
      requestor: state(requestor),
      target: state(target),
      service,
      at,
      mode: 'open',
      agreements: [],
      memberBlocks: [
        { blocker: 'c.example.net', blocked: 'a.example.com' },
        { blocker: 'd.example.info', blocked: 'b.example.org' },
      ],
      operatorBlocks: [],
      requestorPrivacy: privacy(requestor),
      targetPrivacy: privacy(target),
    });
  const visible = (viewer: string, target: string) => viewer === target || targetVisible(decideFor(viewer, target, 'presence'));
  return {
    ownerOf: (host, viewer) =>
      MEMBERS.find((m) => (host === m || host.endsWith(`.${m}`)) && (viewer === undefined || visible(viewer, m))) ?? null,
    visible,
    delegatedServices: () => new Set(['logging']),
    isActive: (domain) => MEMBERS.includes(domain),
    decide: decideFor,
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
      { direction: 'inbound', sender: 'sip:bob@b.example.org', recipients: ['sip:dave@d.example.info'] },
      'origin-not-party',
      'recipients',
    ],
    [{ recipients: ['sip:carol@c.example.net'] }, 'participant-not-member', 'recipients[0]'],
    [{ recipients: ['sip:dave@d.example.info'] }, 'not-allowed', undefined],
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
    const refused = authorizeRecord(record({ recipients: [], room: 'xmpp:lobby@conference.d.example.info' }), ctx());
    expect(refused).toMatchObject({ ok: false, rejected: { reason: 'not-allowed' } });
    expect(!refused.ok && refused.rejected.detail).toContain('n-way-chat');
  });

  it('should reject a participant of a member hidden from the origin exactly like one of an unknown domain', () => {
    const hidden = authorizeRecord(record({ recipients: ['sip:carol@c.example.net'] }), ctx());
    const unknown = authorizeRecord(record({ recipients: ['sip:carol@c.example.nope'] }), ctx());
    const inbound = { direction: 'inbound', recipients: ['sip:al@a.example.com'] };
    const hiddenSender = authorizeRecord(record({ ...inbound, sender: 'sip:carol@c.example.net' }), ctx());
    const unknownSender = authorizeRecord(record({ ...inbound, sender: 'sip:carol@c.example.nope' }), ctx());
    const hiddenRoom = authorizeRecord(record({ recipients: [], room: 'xmpp:r@conference.c.example.net' }), ctx());
    const unknownRoom = authorizeRecord(record({ recipients: [], room: 'xmpp:r@conference.c.example.nope' }), ctx());
    const named = (v: unknown) => JSON.stringify(v).replaceAll('c.example.nope', 'c.example.net');
    expect(hidden).toMatchObject({ ok: false, rejected: { reason: 'participant-not-member', field: 'recipients[0]' } });
    expect(JSON.stringify(hidden)).toBe(named(unknown));
    expect(hiddenSender).toMatchObject({ ok: false, rejected: { reason: 'participant-not-member', field: 'sender' } });
    expect(JSON.stringify(hiddenSender)).toBe(named(unknownSender));
    expect(JSON.stringify(hiddenRoom)).toBe(named(unknownRoom));
  });

  it('should not tell the origin why two other members may not interconnect', () => {
    const verdict = authorizeRecord(
      record({
        direction: 'inbound',
        sender: 'sip:bob@b.example.org',
        recipients: ['sip:al@a.example.com', 'sip:dave@d.example.info'],
      }),
      ctx(),
    );
    expect(verdict).toMatchObject({
      ok: false,
      rejected: { reason: 'not-allowed', detail: 'b.example.org may not interconnect with d.example.info for im' },
    });
  });

  it('should give the reason when the origin is one of the pair', () => {
    const verdict = authorizeRecord(record({ recipients: ['sip:dave@d.example.info'] }), ctx());
    expect(!verdict.ok && verdict.rejected.detail).toBe(
      'a.example.com may not interconnect with d.example.info for im: denied-by-privacy',
    );
  });

  it('should log messages the hub relays in its own rooms with the hub as origin', () => {
    const relayed = record({ origin: HUB, recipients: ['sip:bob@b.example.org'], room: `xmpp:lobby@${HUB}` });
    expect(authorizeRecord(relayed, ctx(HUB))).toMatchObject({ ok: true });
  });
});
