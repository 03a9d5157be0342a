import {
  findSipParam,
  formatVia,
  normalizeIpAddress,
  parseCSeq,
  parseNameAddr,
  parseSipParams,
  parseSipUri,
  parseVia,
  splitHeaderList,
  stampReceivedVia,
  uriScheme,
  type SipVia,
} from './sip-headers.js';

function via(value: string): SipVia {
  const parsed = parseVia(value);
  if (!parsed) {
    throw new Error(`unparseable Via ${value}`);
  }
  return parsed;
}

describe('parseVia', () => {
  it('should parse protocol, transport, sent-by and parameters', () => {
    expect(parseVia('SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776;rport')).toEqual({
      protocol: 'SIP',
      version: '2.0',
      transport: 'UDP',
      host: 'pc33.atlanta.com',
      port: 5066,
      params: [
        { name: 'branch', value: 'z9hG4bK776' },
        { name: 'rport', value: null },
      ],
    });
  });

  it('should accept whitespace around the slashes and before parameters', () => {
    expect(parseVia('SIP / 2.0 / TCP 192.0.2.1 ;branch=z9hG4bK1')).toMatchObject({
      transport: 'TCP',
      host: '192.0.2.1',
      port: null,
    });
  });

  it('should keep the brackets of an IPv6 sent-by', () => {
    expect(parseVia('SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1')).toMatchObject({
      host: '[2001:db8::1]',
      port: 5070,
    });
  });

  it('should reject a Via without sent-by', () => {
    expect(parseVia('SIP/2.0/UDP')).toBeNull();
  });

  it('should reject a port out of range', () => {
    expect(parseVia('SIP/2.0/UDP host:70000;branch=z9hG4bK1')).toBeNull();
  });
});

describe('formatVia', () => {
  it('should serialize a parsed Via back to its canonical form', () => {
    expect(formatVia(via('SIP / 2.0 / UDP h.example:5060 ; branch=z9hG4bK1 ; rport'))).toBe(
      'SIP/2.0/UDP h.example:5060;branch=z9hG4bK1;rport',
    );
  });
});

describe('stampReceivedVia', () => {
  it('should not add received when sent-by is the source IP address', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1'), '192.0.2.1', 5060);

    expect(formatVia(stamped)).toBe('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1');
  });

  it('should add received when sent-by is another IP address', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1'), '203.0.113.9', 4000);

    expect(formatVia(stamped)).toBe('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;received=203.0.113.9');
  });

  it('should add received when sent-by is a host name', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1'), '192.0.2.1', 5060);

    expect(findSipParam(stamped.params, 'received')?.value).toBe('192.0.2.1');
  });

  it('should fill an empty rport and add received even when the address matches', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1'), '192.0.2.1', 9988);

    expect(formatVia(stamped)).toBe('SIP/2.0/UDP 192.0.2.1:5060;rport=9988;branch=z9hG4bK1;received=192.0.2.1');
  });

  it('should leave an rport that already has a value', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP 192.0.2.1;rport=1234;branch=z9hG4bK1'), '192.0.2.1', 9988);

    expect(findSipParam(stamped.params, 'rport')?.value).toBe('1234');
  });

  it('should overwrite a received parameter already present', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP 10.0.0.1;received=1.1.1.1;branch=z9hG4bK1'), '203.0.113.9', 5060);

    expect(formatVia(stamped)).toBe('SIP/2.0/UDP 10.0.0.1;received=203.0.113.9;branch=z9hG4bK1');
  });

  it('should write an IPv4-mapped source address as plain IPv4', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP 192.0.2.1;rport;branch=z9hG4bK1'), '::ffff:192.0.2.1', 5070);

    expect(findSipParam(stamped.params, 'received')?.value).toBe('192.0.2.1');
  });

  it('should compare an IPv6 sent-by without its brackets', () => {
    const stamped = stampReceivedVia(via('SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1'), '2001:db8::1', 5060);

    expect(findSipParam(stamped.params, 'received')).toBeUndefined();
  });
});

describe('parseSipUri', () => {
  it('should parse user, host, port and parameters', () => {
    expect(parseSipUri('sip:alice@Atlanta.Example.com:5061;transport=tcp?subject=x')).toEqual({
      scheme: 'sip',
      user: 'alice',
      host: 'atlanta.example.com',
      port: 5061,
      params: [{ name: 'transport', value: 'tcp' }],
    });
  });

  it('should parse a URI without user part', () => {
    expect(parseSipUri('sips:hub.example.net')).toMatchObject({
      scheme: 'sips',
      user: null,
      host: 'hub.example.net',
    });
  });

  it('should parse an IPv6 host without its brackets', () => {
    expect(parseSipUri('sip:[2001:db8::1]:5060')).toMatchObject({
      host: '2001:db8::1',
      port: 5060,
    });
  });

  it('should accept a user part with a password and parameters', () => {
    expect(parseSipUri('sip:+1234;phone-context=x:secret@gw.example')).toMatchObject({
      host: 'gw.example',
    });
  });

  it('should reject another scheme', () => {
    expect(parseSipUri('tel:+15551234')).toBeNull();
  });

  it('should reject an invalid host', () => {
    expect(parseSipUri('sip:bad_host!')).toBeNull();
  });
});

describe('uriScheme', () => {
  it('should return the lower-cased scheme', () => {
    expect(uriScheme('TEL:+1555')).toBe('tel');
  });

  it('should return null without a scheme', () => {
    expect(uriScheme('hub.example.net')).toBeNull();
  });
});

describe('parseNameAddr', () => {
  it('should parse a quoted display name, URI and tag', () => {
    expect(parseNameAddr('"Bob \\"B\\"" <sip:bob@biloxi.com;transport=tcp>;tag=a6c85cf')).toEqual({
      displayName: 'Bob "B"',
      uri: 'sip:bob@biloxi.com;transport=tcp',
      params: [{ name: 'tag', value: 'a6c85cf' }],
    });
  });

  it('should treat parameters of an addr-spec as header parameters', () => {
    expect(parseNameAddr('sip:bob@biloxi.com;tag=1')).toEqual({
      displayName: null,
      uri: 'sip:bob@biloxi.com',
      params: [{ name: 'tag', value: '1' }],
    });
  });

  it('should reject an unclosed angle bracket', () => {
    expect(parseNameAddr('<sip:bob@biloxi.com')).toBeNull();
  });

  it('should reject a value without URI scheme', () => {
    expect(parseNameAddr('bob')).toBeNull();
  });
});

describe('splitHeaderList', () => {
  it('should split on commas outside quotes and angle brackets', () => {
    expect(splitHeaderList('a, "x,y" <sip:a@b;p=1,2>, ,c')).toEqual(['a', '"x,y" <sip:a@b;p=1,2>', 'c']);
  });
});

describe('parseSipParams', () => {
  it('should reject a parameter name that is not a token', () => {
    expect(parseSipParams(';a b=1')).toBeNull();
  });
});

describe('parseCSeq', () => {
  it('should parse the sequence number and method', () => {
    expect(parseCSeq('  4711 OPTIONS ')).toEqual({ seq: 4711, method: 'OPTIONS' });
  });

  it('should reject a sequence number above 2^31 - 1', () => {
    expect(parseCSeq('2147483648 OPTIONS')).toBeNull();
  });

  it('should reject a missing method', () => {
    expect(parseCSeq('1')).toBeNull();
  });
});

describe('normalizeIpAddress', () => {
  it('should unwrap an IPv4-mapped IPv6 address', () => {
    expect(normalizeIpAddress('::FFFF:198.51.100.7')).toBe('198.51.100.7');
  });
});
