import type { Agreement, DecisionDirectory, Service } from '@app/interconnect';
// the pure decision function alone: the library's index also loads NestJS and TypeORM, which
// mutation testing (docs/testing.md) would otherwise load again for each of its hundreds of runs
import { decide, targetVisible } from '../../interconnect/src/decision.js';
import { parseRecord, type ParsedRecord } from './message-record.js';
import { authorizeRecord, type AuthorizationContext } from './record-authorization.js';

const MEMBERS = ['a.example.com', 'b.example.org', 'c.example.net', 'd.example.info', 'e.example.dev'];
const HUB = 'hub.example';
const now = new Date('2026-12-01T12:00:00Z');

/** Every pair of members has an accepted agreement; a and e agreed on chat rooms only. */
const AGREEMENTS: Agreement[] = MEMBERS.flatMap((offerer, i) =>
  MEMBERS.slice(i + 1).map((offeree) => ({
    offerer,
    offeree,
    services:
      offerer === 'a.example.com' && offeree === 'e.example.dev'
        ? ['n-way-chat' as const]
        : ['im' as const, 'n-way-chat' as const],
    state: 'accepted' as const,
    expiresAt: null,
  })),
);

/**
 * A directory over an agreement-mode federation of MEMBERS (see AGREEMENTS) where c blocked a (so
 * c is hidden from a), d blocked b, and a's own Peer Network Privacy denies d (a still sees d, but
 * may not interconnect with it).
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
      mode: 'agreement',
      agreements: AGREEMENTS,
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
    chatDeliveryUri: () => undefined,
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

  it('should name the origin a record must have', () => {
    expect(authorizeRecord(record({ origin: 'b.example.org' }), ctx())).toEqual({
      ok: false,
      rejected: {
        index: 0,
        messageId: 'm',
        reason: 'origin-not-caller',
        field: 'origin',
        detail: 'origin must be a.example.com',
      },
    });
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

  it('should check a one-to-one message for im and a room message for n-way chat', () => {
    const oneToOne = authorizeRecord(record({ recipients: ['sip:eve@e.example.dev'] }), ctx());
    expect(oneToOne).toMatchObject({
      ok: false,
      rejected: {
        reason: 'not-allowed',
        detail: 'a.example.com may not interconnect with e.example.dev for im: service-not-in-agreement',
      },
    });
    const inRoom = authorizeRecord(record({ recipients: [], room: 'xmpp:lobby@conference.e.example.dev' }), ctx());
    expect(inRoom).toEqual({
      ok: true,
      tags: ['n:a.example.com', 'n:e.example.dev', 'u:sip:alice@sip.a.example.com', 'r:xmpp:lobby@conference.e.example.dev'],
    });
  });

  it('should allow a message between two users of the same member network', () => {
    const verdict = authorizeRecord(record({ recipients: ['sip:al@a.example.com'] }), ctx());
    expect(verdict).toEqual({ ok: true, tags: ['n:a.example.com', 'u:sip:alice@sip.a.example.com', 'u:sip:al@a.example.com'] });
  });

  it.each([
    [{ sender: 'sip:mallory@evil.example' }, 'sender', 'evil.example is not a member network'],
    [{ recipients: ['sip:bob@b.example.org', 'sip:eve@evil.example'] }, 'recipients[1]', 'evil.example is not a member network'],
    [
      { recipients: [], room: 'xmpp:lobby@conference.evil.example' },
      'room',
      'conference.evil.example is neither a member network nor the hub',
    ],
  ])('should reject a participant outside every member network: %o', (change, field, detail) => {
    const verdict = authorizeRecord(record(change), ctx());
    expect(verdict).toEqual({
      ok: false,
      rejected: { index: 0, messageId: 'm', reason: 'participant-not-member', field, detail },
    });
  });

  it('should accept timestamps at both ends of the window and refuse one millisecond beyond either', () => {
    const { window } = ctx();
    const at = (ms: number) => record({ timestamp: new Date(ms).toISOString() });
    expect(authorizeRecord(at(window.notBefore.getTime()), ctx()).ok).toBe(true);
    expect(authorizeRecord(at(window.notAfter.getTime()), ctx()).ok).toBe(true);
    for (const outside of [window.notBefore.getTime() - 1, window.notAfter.getTime() + 1]) {
      expect(authorizeRecord(at(outside), ctx())).toEqual({
        ok: false,
        rejected: {
          index: 0,
          messageId: 'm',
          reason: 'timestamp-out-of-window',
          field: 'timestamp',
          detail: `timestamp must be between ${window.notBefore.toISOString()} and ${window.notAfter.toISOString()}`,
        },
      });
    }
  });

  it('should tag each network and participant once, in order of first appearance', () => {
    const outbound = record({
      recipients: [
        'sip:bob@b.example.org',
        'xmpp:bo@chat.b.example.org',
        'sip:bob@b.example.org',
        'sip:alice@sip.a.example.com',
        'sip:al@a.example.com',
      ],
    });
    expect(authorizeRecord(outbound, ctx())).toEqual({
      ok: true,
      tags: [
        'n:a.example.com',
        'n:b.example.org',
        'u:sip:alice@sip.a.example.com',
        'u:sip:bob@b.example.org',
        'u:xmpp:bo@chat.b.example.org',
        'u:sip:al@a.example.com',
      ],
    });
    const inbound = record({
      direction: 'inbound',
      sender: 'sip:bob@b.example.org',
      recipients: [
        'sip:al@a.example.com',
        'sip:bob2@b.example.org',
        'sip:eve@e.example.dev',
        'sip:al@a.example.com',
        'sip:eve@e.example.dev',
        'sip:bob@b.example.org',
      ],
      room: 'xmpp:lobby@conference.b.example.org',
    });
    expect(authorizeRecord(inbound, ctx())).toEqual({
      ok: true,
      tags: [
        'n:a.example.com',
        'n:b.example.org',
        'n:e.example.dev',
        'u:sip:bob@b.example.org',
        'u:sip:al@a.example.com',
        'u:sip:bob2@b.example.org',
        'u:sip:eve@e.example.dev',
        'r:xmpp:lobby@conference.b.example.org',
      ],
    });
  });

  it('should allow an inbound message whose only part in the origin is the room', () => {
    const verdict = authorizeRecord(
      record({ direction: 'inbound', sender: 'sip:bob@b.example.org', recipients: [], room: 'xmpp:r@conference.a.example.com' }),
      ctx(),
    );
    expect(verdict).toEqual({
      ok: true,
      tags: ['n:a.example.com', 'n:b.example.org', 'u:sip:bob@b.example.org', 'r:xmpp:r@conference.a.example.com'],
    });
  });

  it('should say why the origin is not a party', () => {
    const outbound = authorizeRecord(record({ sender: 'sip:mallory@b.example.org' }), ctx());
    expect(!outbound.ok && outbound.rejected.detail).toBe(
      'an outbound message is sent from a.example.com, not from b.example.org',
    );
    const inbound = authorizeRecord(
      record({ direction: 'inbound', sender: 'sip:bob@b.example.org', recipients: ['sip:eve@e.example.dev'] }),
      ctx(),
    );
    expect(!inbound.ok && inbound.rejected.detail).toBe(
      'an inbound message is received by a.example.com: no recipient or room belongs to it',
    );
  });

  it('should give the reason when the origin is the receiving end of the pair', () => {
    const verdict = authorizeRecord(
      record({ direction: 'inbound', sender: 'sip:dave@d.example.info', recipients: ['sip:al@a.example.com'] }),
      ctx(),
    );
    expect(!verdict.ok && verdict.rejected.detail).toBe(
      'd.example.info may not interconnect with a.example.com for im: denied-by-privacy',
    );
  });

  it('should let a member log its users in a room the hub hosts', () => {
    const verdict = authorizeRecord(record({ recipients: [], room: `xmpp:lobby@${HUB}` }), ctx());
    expect(verdict).toEqual({
      ok: true,
      tags: ['n:a.example.com', `n:${HUB}`, 'u:sip:alice@sip.a.example.com', `r:xmpp:lobby@${HUB}`],
    });
  });

  it('should see, as the hub, every member, and give it the reason of a refusal', () => {
    const hidden = record({ origin: HUB, sender: 'sip:carol@c.example.net', recipients: [], room: `xmpp:lobby@${HUB}` });
    expect(authorizeRecord(hidden, ctx(HUB))).toEqual({
      ok: true,
      tags: [`n:${HUB}`, 'n:c.example.net', 'u:sip:carol@c.example.net', `r:xmpp:lobby@${HUB}`],
    });
    const refused = record({
      origin: HUB,
      sender: 'sip:carol@c.example.net',
      recipients: ['sip:al@a.example.com'],
      room: `xmpp:lobby@${HUB}`,
    });
    expect(authorizeRecord(refused, ctx(HUB))).toMatchObject({
      ok: false,
      rejected: {
        reason: 'not-allowed',
        detail: 'c.example.net may not interconnect with a.example.com for n-way-chat: blocked-by-requestor',
      },
    });
  });

  it('should not hold messages the hub itself sends to any member interconnection rule', () => {
    const fromHub = record({ origin: HUB, sender: `xmpp:notices@${HUB}`, recipients: ['sip:bob@b.example.org'] });
    expect(authorizeRecord(fromHub, ctx(HUB))).toEqual({
      ok: true,
      tags: [`n:${HUB}`, 'n:b.example.org', `u:xmpp:notices@${HUB}`, 'u:sip:bob@b.example.org'],
    });
  });
});
