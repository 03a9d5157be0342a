import { recipientsByNetwork } from './event-recipients.js';

const people = [
  { userUri: 'xmpp:alice@a.example', network: 'a.example', state: 'joined' },
  { userUri: 'xmpp:ann@a.example', network: 'a.example', state: 'joined' },
  { userUri: 'sip:bob@b.example', network: 'b.example', state: 'joined' },
  { userUri: 'sip:bea@b.example', network: 'b.example', state: 'left' },
  { userUri: 'matrix:u/carol:c.example', network: 'c.example', state: 'invited' },
];

describe(recipientsByNetwork.name, () => {
  it('should give a message to every joined user but its sender, grouped by network', () => {
    expect(Object.fromEntries(recipientsByNetwork({ actor: 'xmpp:alice@a.example', userUri: null }, people))).toEqual({
      'a.example': ['xmpp:ann@a.example'],
      'b.example': ['sip:bob@b.example'],
    });
  });

  it('should give an invitation to the invitee as well, though it has not joined', () => {
    const invite = recipientsByNetwork({ actor: 'sip:bob@b.example', userUri: 'matrix:u/carol:c.example' }, people);
    expect(invite.get('c.example')).toEqual(['matrix:u/carol:c.example']);
    expect(invite.get('b.example')).toBeUndefined();
  });

  it('should give a removal to the removed user, and nothing after it', () => {
    const removed = [...people.slice(0, 2), { ...people[2], state: 'removed' }];
    expect(recipientsByNetwork({ actor: null, userUri: 'sip:bob@b.example' }, removed).get('b.example')).toEqual([
      'sip:bob@b.example',
    ]);
    expect(recipientsByNetwork({ actor: 'xmpp:alice@a.example', userUri: null }, removed).get('b.example')).toBeUndefined();
  });
});
