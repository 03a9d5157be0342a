import { InvalidInputError } from '@app/common';
import { normalizeMemberInput, normalizeMemberPatch } from './member-input.js';

describe('normalizeMemberInput', () => {
  it('should normalise domain, protocols and contacts', () => {
    expect(
      normalizeMemberInput({
        domain: 'A.Example.com',
        displayName: '  Example A ',
        protocols: ['SIP', 'sip', 'xmpp'],
        contacts: { noc: ['tel:+15551234567'], admin: ['mailto:ops@a.example.com'] },
      }),
    ).toEqual({
      domain: 'a.example.com',
      displayName: 'Example A',
      protocols: ['sip', 'xmpp'],
      contacts: { noc: ['tel:+15551234567'], admin: ['mailto:ops@a.example.com'] },
    });
  });

  it('should report every invalid field at once', () => {
    try {
      normalizeMemberInput({
        domain: 'nodots',
        displayName: ' ',
        protocols: ['irc'],
        contacts: { admin: ['not a uri'], boss: [] },
      });
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
});

describe('normalizeMemberPatch', () => {
  it('should only return the fields that were given', () => {
    expect(normalizeMemberPatch({ displayName: 'New' })).toEqual({ displayName: 'New' });
  });

  it('should reject an empty protocol list', () => {
    expect(() => normalizeMemberPatch({ protocols: [] })).toThrow(InvalidInputError);
  });
});
