import { InvalidInputError } from '@app/common';
import { normalizeMemberInput, normalizeMemberPatch } from './member-input.js';

const HUB = 'hub.example.net';
const valid = { domain: 'a.example.com', displayName: 'A', protocols: ['sip'] };

function invalidParams(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).invalidParams;
  }
  throw new Error('expected a rejection');
}

describe('normalizeMemberInput', () => {
  it('should normalise domain, protocols and contacts', () => {
    expect(
      normalizeMemberInput(
        {
          domain: 'A.Example.com',
          displayName: '  Example A ',
          protocols: ['SIP', 'sip', 'xmpp'],
          contacts: { noc: ['tel:+15551234567'], admin: ['mailto:ops@a.example.com'] },
        },
        HUB,
      ),
    ).toEqual({
      domain: 'a.example.com',
      displayName: 'Example A',
      protocols: ['sip', 'xmpp'],
      contacts: { noc: ['tel:+15551234567'], admin: ['mailto:ops@a.example.com'] },
    });
  });

  it('should report every invalid field at once', () => {
    try {
      normalizeMemberInput(
        {
          domain: 'nodots',
          displayName: ' ',
          protocols: ['irc'],
          contacts: { admin: ['not a uri'], boss: [] },
        },
        HUB,
      );
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).invalidParams.map((p) => p.name)).toEqual([
        'domain',
        'displayName',
        'protocols',
        'contacts.admin[0]',
        'contacts.boss',
      ]);
    }
  });

  it.each(['hub.example.net', 'HUB.example.net.', 'rooms.hub.example.net', 'a.b.hub.example.net'])(
    "should refuse the hub's own name %p",
    (domain) => {
      expect(invalidParams(() => normalizeMemberInput({ ...valid, domain }, HUB))).toEqual([
        { name: 'domain', reason: expect.stringContaining('reserved for the clearing house') },
      ]);
    },
  );

  it('should accept a domain that only ends like the hub name', () => {
    expect(normalizeMemberInput({ ...valid, domain: 'myhub.example.net' }, HUB).domain).toBe('myhub.example.net');
  });

  it('should refuse a display name with an unpaired surrogate instead of storing U+FFFD', () => {
    expect(invalidParams(() => normalizeMemberInput({ ...valid, displayName: 'Bad \uD83D name' }, HUB))).toEqual([
      { name: 'displayName', reason: expect.stringContaining('unpaired UTF-16 surrogate') },
    ]);
    expect(normalizeMemberInput({ ...valid, displayName: 'Good 😀 name' }, HUB).displayName).toBe('Good 😀 name');
  });
});

describe('normalizeMemberPatch', () => {
  it('should only return the fields that were given', () => {
    expect(normalizeMemberPatch({ displayName: 'New' })).toEqual({ displayName: 'New' });
  });

  it('should reject an empty protocol list', () => {
    expect(() => normalizeMemberPatch({ protocols: [] })).toThrow(InvalidInputError);
  });
});
