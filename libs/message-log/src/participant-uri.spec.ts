import fc from 'fast-check';
import { parseParticipantUri, ParticipantUriError } from './participant-uri.js';

describe('parseParticipantUri', () => {
  it.each([
    ['sip:alice@A.Example.COM', 'sip:alice@a.example.com', 'a.example.com'],
    ['sips:alice@sip.a.example.com:5061;transport=tls', 'sips:alice@sip.a.example.com', 'sip.a.example.com'],
    ['xmpp:bob@chat.b.example.org/phone', 'xmpp:bob@chat.b.example.org', 'chat.b.example.org'],
    ['xmpp:room@conference.b.example.org', 'xmpp:room@conference.b.example.org', 'conference.b.example.org'],
    ['im:carol@c.example.net', 'im:carol@c.example.net', 'c.example.net'],
    ['pres:carol@c.example.net', 'pres:carol@c.example.net', 'c.example.net'],
    ['@dave:matrix.d.example', 'matrix:u/dave:matrix.d.example', 'matrix.d.example'],
    ['!abc123:d.example:8448', 'matrix:roomid/abc123:d.example', 'd.example'],
    ['#lobby:D.Example', 'matrix:r/lobby:d.example', 'd.example'],
    ['matrix:u/dave:d.example', 'matrix:u/dave:d.example', 'd.example'],
    ['sip:alice@bücher.example', 'sip:alice@xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ])('should normalise %s', (input, uri, host) => {
    expect(parseParticipantUri(input)).toEqual({ uri, host });
    // again, now that its host is known in normal form (the shortcut for URIs already normal)
    expect(parseParticipantUri(input)).toEqual({ uri, host });
  });

  it.each([
    ['sip:alice@a.example.com:5060', 'sip:alice@a.example.com'],
    ['sip:alice@a.example.com;transport=tcp', 'sip:alice@a.example.com'],
    ['xmpp:bob@a.example.com/phone', 'xmpp:bob@a.example.com'],
    ['SIP:alice@a.example.com', 'sip:alice@a.example.com'],
    ['sip:alice@A.EXAMPLE.com', 'sip:alice@a.example.com'],
    ['sips:alice@a.example.com?subject=x', 'sips:alice@a.example.com'],
  ])('should still normalise %s once its host is known', (input, uri) => {
    parseParticipantUri('sip:known@a.example.com');
    expect(parseParticipantUri(input)).toEqual({ uri, host: 'a.example.com' });
  });

  it.each([
    ['mailto:alice@a.example.com', 'supported scheme'],
    ['tel:+15551234', 'supported scheme'],
    ['sip:a.example.com', 'no user part'],
    ['sip:alice@localhost', 'valid domain'],
    ['sip:alice @a.example.com', 'without spaces'],
    ['sip:alice@a.example.com\u001f', 'control characters'],
    ['xmpp:😀@a.example.com', 'control characters'],
    ['xmpp:\udc00x@a.example.com', 'control characters'],
    ['@dave', 'Matrix identifier'],
    ['matrix:x/dave:d.example', 'matrix: URI'],
  ])('should refuse %s', (input, message) => {
    expect(() => parseParticipantUri(input)).toThrow(ParticipantUriError);
    expect(() => parseParticipantUri(input)).toThrow(message);
  });

  it.each([
    ['matrix:r/lobby:D.Example', 'matrix:r/lobby:d.example', 'd.example'],
    ['matrix:roomid/abc123:d.example:8448', 'matrix:roomid/abc123:d.example', 'd.example'],
    ['MATRIX:u/dave:d.example', 'matrix:u/dave:d.example', 'd.example'],
    ['@dave:d.example.', 'matrix:u/dave:d.example', 'd.example'],
    ['xmpp:conference.b.example.org', 'xmpp:conference.b.example.org', 'conference.b.example.org'],
    ['xmpp:Conference.B.example.org/lobby', 'xmpp:conference.b.example.org', 'conference.b.example.org'],
    ['xmpp:@b.example.org', 'xmpp:b.example.org', 'b.example.org'],
    ['sip:alice@a.example.com:99999', 'sip:alice@a.example.com', 'a.example.com'],
    ['sip:a@b@a.example.com', 'sip:a@b@a.example.com', 'a.example.com'],
    ['Sip:alice@a.example.com', 'sip:alice@a.example.com', 'a.example.com'],
    ['SIP:alice@a.example.sip', 'sip:alice@a.example.sip', 'a.example.sip'],
  ])('should also normalise %s', (input, uri, host) => {
    expect(parseParticipantUri(input)).toEqual({ uri, host });
    expect(parseParticipantUri(input)).toEqual({ uri, host });
  });

  it('should accept a URI of 512 characters and refuse one of 513', () => {
    const ofLength = (n: number) => `sip:${'u'.repeat(n - 'sip:@a.example.com'.length)}@a.example.com`;
    expect(parseParticipantUri(ofLength(512)).uri).toBe(ofLength(512));
    expect(() => parseParticipantUri(ofLength(513))).toThrow('is longer than 512 characters');
  });

  it.each([
    ['@:d.example', 'Matrix identifier'],
    ['!:d.example', 'Matrix identifier'],
    ['#lobby', 'Matrix identifier'],
    ['matrix:u/:d.example', 'Matrix identifier'],
    ['@dave:', 'valid domain'],
    ['@dave:d.example:1234567', 'valid domain'],
    ['matrix:u', 'matrix: URI'],
    ['matrix:ux', 'matrix: URI'],
    ['sip:alice@a.example.com:5060x', 'valid domain'],
    ['matrix:/dave:d.example', 'matrix: URI'],
    ['matrix:users/dave:d.example', 'matrix: URI'],
    ['sipx:alice@a.example.com', 'supported scheme'],
    ['abc:alice@a.example.sip', 'supported scheme'],
    ['si:alice@a.example.com', 'supported scheme'],
    ['alice@a.example.com', 'supported scheme'],
    [':alice@a.example.com', 'supported scheme'],
    ['sip:@a.example.com', 'no user part'],
    ['sip:alice;x@a.example.com', 'valid domain'],
    ['sip:alice/x@a.example.com', 'valid domain'],
    ['sip:alice?x@a.example.com', 'valid domain'],
    ['im:@a.example.com', 'no user part'],
    ['sip:alice@a.example.com:123456', 'valid domain'],
    ['sip:alice@', 'valid domain'],
    ['x'.repeat(513), 'longer than 512'],
    ['', 'without spaces'],
  ])('should refuse %s even when its host is known', (input, message) => {
    parseParticipantUri('sip:known@a.example.com');
    parseParticipantUri('sip:known@d.example');
    parseParticipantUri('sip:known@a.example.sip');
    expect(() => parseParticipantUri(input)).toThrow(ParticipantUriError);
    expect(() => parseParticipantUri(input)).toThrow(message);
  });

  it('should answer every input alike whether or not its host was seen before', () => {
    const outcome = (input: string) => {
      try {
        return parseParticipantUri(input);
      } catch (err) {
        if (err instanceof ParticipantUriError) return `refused: ${err.message}`;
        throw err;
      }
    };
    // a host never seen before in each run, so the first answer comes from the full parse
    let runs = 0;
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/);
    const host = fc
      .tuple(label, fc.constantFrom('example', 'example.com', 'b.example.org'), fc.boolean())
      .map(([l, parent, upper]) => ({ l, parent, upper }));
    const scheme = fc.constantFrom(
      'sip',
      'sips',
      'xmpp',
      'im',
      'pres',
      'SIP',
      'Xmpp',
      'sipx',
      'si',
      'imx',
      'presence',
      'matrix',
      '',
    );
    const user = fc.oneof(
      fc.constant(''),
      fc.constantFrom('alice', '', 'a;b', 'a/b', 'a?b', 'a:b', 'a@b').map((u) => `${u}@`),
      fc.stringMatching(/^[a-zA-Z0-9.:;/?@_+-]{0,5}$/).map((u) => `${u}@`),
    );
    const port = fc.constantFrom('', ':5060', ':', ':abc', ':123456');
    const tail = fc.constantFrom('', ';transport=tcp', '/phone', '?subject=x', '/a@b', ':x', '@');
    fc.assert(
      fc.property(fc.tuple(scheme, user, host, port, tail), ([s, u, { l, parent, upper }, p, t]) => {
        const fresh = `${l}${++runs}.${parent}`;
        const input = `${s}:${u}${upper ? fresh.toUpperCase() : fresh}${p}${t}`;
        const unseen = outcome(input);
        outcome(`sip:prime@${fresh}`);
        expect(outcome(input)).toEqual(unseen);
        expect(outcome(input)).toEqual(unseen);
      }),
      { numRuns: 400 },
    );
  });
});
