import {
  canonicalHeaderName,
  findHeaderEnd,
  getHeader,
  getHeaderValues,
  parseSipMessage,
  readContentLength,
  serializeSipRequest,
  serializeSipResponse,
  SipParseError,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';

const OPTIONS = [
  'OPTIONS sip:hub.example.net SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: <sip:hub.example.net>',
  'From: <sip:alice@a.example.org>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.a.example.org',
  'CSeq: 63104 OPTIONS',
  'Accept: application/pres-im-provisioning+xml',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function parse(text: string | Buffer): SipMessage {
  return parseSipMessage(typeof text === 'string' ? Buffer.from(text) : text);
}

function parseError(text: string | Buffer): SipParseError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof SipParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a SipParseError');
}

describe('parseSipMessage', () => {
  it('should parse the request line of an OPTIONS request', () => {
    const message = parse(OPTIONS) as SipRequest;

    expect(message).toMatchObject({
      type: 'request',
      method: 'OPTIONS',
      requestUri: 'sip:hub.example.net',
      version: 'SIP/2.0',
    });
  });

  it('should keep every header line in order', () => {
    const message = parse(OPTIONS);

    expect(message.headers.map((h) => h.name)).toEqual([
      'Via',
      'Max-Forwards',
      'To',
      'From',
      'Call-ID',
      'CSeq',
      'Accept',
      'Content-Length',
    ]);
  });

  it('should expand compact header names to their long form', () => {
    const text = [
      'OPTIONS sip:hub.example.net SIP/2.0',
      'v: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bK1',
      'f: <sip:a@a.example>;tag=1',
      't: <sip:hub.example.net>',
      'i: abc',
      'k: path',
      'm: <sip:a@192.0.2.10>',
      'c: text/plain',
      'l: 2',
      '',
      'hi',
    ].join('\r\n');

    const message = parse(text);

    expect(message.headers.map((h) => h.name)).toEqual([
      'Via',
      'From',
      'To',
      'Call-ID',
      'Supported',
      'Contact',
      'Content-Type',
      'Content-Length',
    ]);
  });

  it('should find headers case-insensitively by long or compact name', () => {
    const message = parse(OPTIONS.replace('Call-ID:', 'call-id:'));

    expect(getHeader(message, 'CALL-ID')).toBe('a84b4c76e66710@pc33.a.example.org');
    expect(getHeader(message, 'i')).toBe('a84b4c76e66710@pc33.a.example.org');
  });

  it('should return every value of a repeated header', () => {
    const message = parse(OPTIONS.replace('Max-Forwards: 70', 'Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK2'));

    expect(getHeaderValues(message, 'v')).toEqual([
      'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds',
      'SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK2',
    ]);
  });

  it('should unfold header values continued on the next line', () => {
    const message = parse(
      OPTIONS.replace('Accept: application/pres-im-provisioning+xml', 'Accept: text/plain,\r\n  application/sdp'),
    );

    expect(getHeader(message, 'Accept')).toBe('text/plain, application/sdp');
  });

  it('should accept whitespace before the header colon', () => {
    const message = parse(OPTIONS.replace('Max-Forwards: 70', 'Max-Forwards  :   70'));

    expect(getHeader(message, 'Max-Forwards')).toBe('70');
  });

  it('should ignore CRLFs before the start line', () => {
    const message = parse(`\r\n\r\n${OPTIONS}`);

    expect(message.type).toBe('request');
  });

  it('should accept bare LF line endings', () => {
    const message = parse(OPTIONS.replace(/\r\n/g, '\n'));

    expect(getHeader(message, 'CSeq')).toBe('63104 OPTIONS');
  });

  it('should read the body according to Content-Length and discard extra bytes', () => {
    const message = parse(OPTIONS.replace('Content-Length: 0', 'Content-Length: 5') + 'hello world');

    expect(message.body.toString()).toBe('hello');
  });

  it('should take the rest of the buffer as body when Content-Length is absent', () => {
    const message = parse(OPTIONS.replace('Content-Length: 0\r\n', '') + 'abc');

    expect(message.body.toString()).toBe('abc');
  });

  it('should count Content-Length in bytes, not characters', () => {
    const message = parse(OPTIONS.replace('Content-Length: 0', 'Content-Length: 4') + 'é€');

    expect(message.body).toEqual(Buffer.from('é€').subarray(0, 4));
  });

  it('should parse a response status line', () => {
    const message = parse('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n') as SipResponse;

    expect(message).toMatchObject({
      type: 'response',
      statusCode: 200,
      reasonPhrase: 'OK',
      version: 'SIP/2.0',
    });
  });

  it('should accept a response with an empty reason phrase', () => {
    const message = parse('SIP/2.0 404\r\nContent-Length: 0\r\n\r\n') as SipResponse;

    expect(message.reasonPhrase).toBe('');
  });

  it('should reject a malformed start line without a partial message', () => {
    const error = parseError('HELLO THERE\r\n\r\n');

    expect(error.partial).toBeNull();
  });

  it('should reject a method that is not a token', () => {
    const error = parseError(OPTIONS.replace('OPTIONS sip:', 'OPT<IONS sip:'));

    expect(error.message).toMatch(/start line/);
  });

  it('should reject an out-of-range status code', () => {
    expect(() => parse('SIP/2.0 700 Odd\r\n\r\n')).toThrow(SipParseError);
  });

  it('should reject an empty message', () => {
    expect(() => parse('\r\n\r\n')).toThrow(SipParseError);
  });

  it('should reject a header section without its terminating empty line', () => {
    expect(() => parse(OPTIONS.trimEnd())).toThrow(/not terminated/);
  });

  it('should reject a malformed header line and keep the valid headers as partial', () => {
    const error = parseError(OPTIONS.replace('Max-Forwards: 70', 'this is not a header'));

    expect(error.partial?.type).toBe('request');
    expect(getHeader(error.partial!, 'Call-ID')).toBe('a84b4c76e66710@pc33.a.example.org');
  });

  it('should reject a body shorter than Content-Length', () => {
    const error = parseError(OPTIONS.replace('Content-Length: 0', 'Content-Length: 10') + 'short');

    expect(error.message).toMatch(/shorter than Content-Length/);
    expect(error.partial?.type).toBe('request');
  });

  it('should reject a non-numeric Content-Length', () => {
    expect(() => parse(OPTIONS.replace('Content-Length: 0', 'Content-Length: ten'))).toThrow(/Invalid Content-Length/);
  });

  it('should reject conflicting Content-Length headers', () => {
    expect(() => parse(OPTIONS.replace('Content-Length: 0', 'Content-Length: 0\r\nl: 3') + 'abc')).toThrow(/Conflicting/);
  });

  it('should reject more header lines than allowed', () => {
    const many = Array.from({ length: 10 }, (_, i) => `X-H${i}: ${i}`).join('\r\n');

    expect(() => parseSipMessage(Buffer.from(OPTIONS.replace('Max-Forwards: 70', many)), { maxHeaders: 5 })).toThrow(
      /Too many header lines/,
    );
  });

  it('should parse only the header section when headersOnly is set', () => {
    const head = OPTIONS.replace('Content-Length: 0', 'Content-Length: 99999').trimEnd();

    const message = parseSipMessage(Buffer.from(head), { headersOnly: true });

    expect(getHeader(message, 'Content-Length')).toBe('99999');
  });

  it('should only ever throw SipParseError on random or mutated input', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const base = Buffer.from(OPTIONS);
    for (let i = 0; i < 3000; i++) {
      const buf = Buffer.from(base);
      for (let j = 0; j < 1 + Math.floor(random() * 8); j++) {
        buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
      }
      const cut = i % 3 === 0 ? buf.subarray(0, Math.floor(random() * buf.length)) : buf;
      try {
        parseSipMessage(cut);
      } catch (error) {
        expect(error).toBeInstanceOf(SipParseError);
      }
    }
  });
});

describe('findHeaderEnd', () => {
  it('should locate a CRLF CRLF terminator', () => {
    expect(findHeaderEnd(Buffer.from('A: b\r\n\r\nbody'))).toEqual({ headEnd: 5, bodyStart: 8 });
  });

  it('should locate a LF LF terminator', () => {
    expect(findHeaderEnd(Buffer.from('A: b\n\nbody'))).toEqual({ headEnd: 4, bodyStart: 6 });
  });

  it('should return null when the header section is incomplete', () => {
    expect(findHeaderEnd(Buffer.from('A: b\r\nC: d\r\n'))).toBeNull();
  });
});

describe('readContentLength', () => {
  it('should read a compact Content-Length', () => {
    expect(readContentLength(Buffer.from('OPTIONS sip:x SIP/2.0\r\nl: 12'))).toBe(12);
  });

  it('should return null when there is no Content-Length', () => {
    expect(readContentLength(Buffer.from('OPTIONS sip:x SIP/2.0\r\nCall-ID: 1'))).toBeNull();
  });

  it('should throw a SipParseError for an invalid value', () => {
    expect(() => readContentLength(Buffer.from('OPTIONS sip:x SIP/2.0\r\nContent-Length: -1'))).toThrow(SipParseError);
  });
});

describe('canonicalHeaderName', () => {
  it('should expand compact forms', () => {
    expect(['v', 'f', 't', 'i', 'l', 'c', 'k', 'm', 'e', 's'].map(canonicalHeaderName)).toEqual([
      'Via',
      'From',
      'To',
      'Call-ID',
      'Content-Length',
      'Content-Type',
      'Supported',
      'Contact',
      'Content-Encoding',
      'Subject',
    ]);
  });

  it('should fix the case of well-known names', () => {
    expect(['cseq', 'CALL-ID', 'www-authenticate'].map(canonicalHeaderName)).toEqual(['CSeq', 'Call-ID', 'WWW-Authenticate']);
  });

  it('should leave unknown names unchanged', () => {
    expect(canonicalHeaderName('X-Custom-Thing')).toBe('X-Custom-Thing');
  });
});

describe('serializeSipResponse', () => {
  const response: SipResponse = {
    type: 'response',
    version: 'SIP/2.0',
    statusCode: 200,
    reasonPhrase: 'OK',
    headers: [
      { name: 'Via', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' },
      { name: 'Content-Type', value: 'text/plain' },
    ],
    body: Buffer.from('héllo'),
  };

  it('should write the status line, headers, empty line and body', () => {
    expect(serializeSipResponse(response).toString()).toBe(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhéllo',
    );
  });

  it('should overwrite a wrong Content-Length with the body length', () => {
    const bytes = serializeSipResponse({ ...response, headers: [{ name: 'l', value: '999' }] });

    expect(bytes.toString()).toBe('SIP/2.0 200 OK\r\nContent-Length: 6\r\n\r\nhéllo');
  });

  it('should neutralise CR and LF inside header values', () => {
    const bytes = serializeSipResponse({
      ...response,
      headers: [{ name: 'Server', value: 'x\r\nInjected: 1' }],
    });

    expect(bytes.toString()).toContain('Server: x Injected: 1\r\n');
  });

  it('should round-trip through parseSipMessage', () => {
    const parsed = parseSipMessage(serializeSipResponse(response)) as SipResponse;

    expect(parsed.body.toString()).toBe('héllo');
    expect(getHeader(parsed, 'Content-Length')).toBe('6');
  });
});

describe('serializeSipRequest', () => {
  it('should write the request line', () => {
    const request = parse(OPTIONS) as SipRequest;

    expect(serializeSipRequest(request).toString()).toBe(OPTIONS);
  });
});
