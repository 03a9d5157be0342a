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
});
