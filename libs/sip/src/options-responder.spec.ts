import { jest } from '@jest/globals';

import {
  buildBadRequestResponse,
  buildSipResponse,
  PRES_IM_PROVISIONING_CONTENT_TYPE,
  respondToSipRequest,
  udpResponseTarget,
  type SipProvisioningResolver,
  type SipRemoteInfo,
  type SipRequestorHint,
} from './options-responder.js';
import { getHeader, getHeaderValues, parseSipMessage, SipParseError, type SipRequest, type SipResponse } from './sip-message.js';

const DOCUMENT = '<?xml version="1.0"?><pres-im-provisioning xmlns="urn:ietf:params:xml:ns:pres-im-provisioning"/>';
const REMOTE: SipRemoteInfo = { remoteAddress: '203.0.113.5', remotePort: 40000, transport: 'udp' };

interface RequestParts {
  method?: string;
  uri?: string;
  version?: string;
  headers?: Record<string, string | null>;
  extra?: string[];
}

function requestText(parts: RequestParts = {}): string {
  const method = parts.method ?? 'OPTIONS';
  const headers: Record<string, string | null> = {
    Via: 'SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK74bf9;rport',
    'Max-Forwards': '70',
    From: '"Alice" <sip:alice@a.example.org>;tag=9fxced76sl',
    To: '<sip:hub.example.net>',
    'Call-ID': '3848276298220188511@a.example.org',
    CSeq: `1 ${method}`,
    'Content-Length': '0',
    ...parts.headers,
  };
  const lines = [`${method} ${parts.uri ?? 'sip:hub.example.net'} ${parts.version ?? 'SIP/2.0'}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value !== null) {
      lines.push(`${name}: ${value}`);
    }
  }
  lines.push(...(parts.extra ?? []));
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function request(parts: RequestParts = {}): SipRequest {
  const message = parseSipMessage(Buffer.from(requestText(parts)));
  if (message.type !== 'request') {
    throw new Error('not a request');
  }
  return message;
}

const resolver: SipProvisioningResolver = async (domain) =>
  domain === 'hub.example.net' || domain === 'member.example.org'
    ? { body: DOCUMENT, contentType: PRES_IM_PROVISIONING_CONTENT_TYPE }
    : null;

async function respond(parts: RequestParts = {}, remote = REMOTE): Promise<SipResponse> {
  const response = await respondToSipRequest(request(parts), remote, resolver);
  if (!response) {
    throw new Error('no response');
  }
  return response;
}

describe('respondToSipRequest', () => {
  it('should answer an OPTIONS for the hub domain with 200 OK and the document', async () => {
    const response = await respond();

    expect([response.statusCode, response.reasonPhrase, response.body.toString()]).toEqual([200, 'OK', DOCUMENT]);
  });

  it('should set the Content-Type from the resolver and the Content-Length in bytes', async () => {
    const response = await respond();

    expect([getHeader(response, 'Content-Type'), getHeader(response, 'Content-Length')]).toEqual([
      PRES_IM_PROVISIONING_CONTENT_TYPE,
      String(Buffer.byteLength(DOCUMENT)),
    ]);
  });

  it('should stamp the top Via with received and rport', async () => {
    const response = await respond();

    expect(getHeader(response, 'Via')).toBe('SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK74bf9;rport=40000;received=203.0.113.5');
  });

  it('should copy every Via in order and stamp only the topmost', async () => {
    const response = await respond({
      headers: {
        Via: 'SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK1, SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK0',
      },
      extra: ['Via: SIP/2.0/TCP 10.2.2.2;branch=z9hG4bKz'],
    });

    expect(getHeaderValues(response, 'Via')).toEqual([
      'SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK1, SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK0',
      'SIP/2.0/TCP 10.2.2.2;branch=z9hG4bKz',
    ]);
  });

  it('should copy From, Call-ID and CSeq unchanged', async () => {
    const response = await respond({ headers: { CSeq: '4711 OPTIONS' } });

    expect([getHeader(response, 'From'), getHeader(response, 'Call-ID'), getHeader(response, 'CSeq')]).toEqual([
      '"Alice" <sip:alice@a.example.org>;tag=9fxced76sl',
      '3848276298220188511@a.example.org',
      '4711 OPTIONS',
    ]);
  });

  it('should add a tag to To', async () => {
    const response = await respond();

    expect(getHeader(response, 'To')).toMatch(/^<sip:hub\.example\.net>;tag=[0-9a-f]{16}$/);
  });

  it('should give a retransmitted request the same To tag', async () => {
    const [first, second] = await Promise.all([respond(), respond()]);

    expect(getHeader(first, 'To')).toBe(getHeader(second, 'To'));
  });

  it('should give different transactions different To tags', async () => {
    const first = await respond();
    const second = await respond({ headers: { 'Call-ID': 'another-call' } });

    expect(getHeader(first, 'To')).not.toBe(getHeader(second, 'To'));
  });

  it('should keep an existing To tag', async () => {
    const response = await respond({ headers: { To: '<sip:hub.example.net>;tag=abc' } });

    expect(getHeader(response, 'To')).toBe('<sip:hub.example.net>;tag=abc');
  });

  it('should announce Allow, Accept and Server in a 200', async () => {
    const response = await respond();

    expect([getHeader(response, 'Allow'), getHeader(response, 'Accept'), getHeader(response, 'Server')]).toEqual([
      'OPTIONS',
      PRES_IM_PROVISIONING_CONTENT_TYPE,
      'pres-im-clearing-house',
    ]);
  });

  it('should add Supported only when option tags are configured', async () => {
    const plain = await respond();
    const withSupported = await respondToSipRequest(request(), REMOTE, resolver, {
      supported: ['path'],
    });

    expect([getHeader(plain, 'Supported'), getHeader(withSupported!, 'Supported')]).toEqual([undefined, 'path']);
  });

  it('should use the configured Server name', async () => {
    const response = await respondToSipRequest(request(), REMOTE, resolver, {
      serverName: 'hub/1.0',
    });

    expect(getHeader(response!, 'Server')).toBe('hub/1.0');
  });

  it('should pass the Request-URI host and requestor hint to the resolver', async () => {
    const spy = jest.fn<SipProvisioningResolver>(resolver);

    await respondToSipRequest(request({ uri: 'sip:Member.Example.org.:5060;transport=udp' }), REMOTE, spy);

    expect(spy).toHaveBeenCalledWith('member.example.org', {
      ...REMOTE,
      requestUri: 'sip:Member.Example.org.:5060;transport=udp',
      fromUri: 'sip:alice@a.example.org',
      fromDomain: 'a.example.org',
    } satisfies SipRequestorHint);
  });

  it('should answer 404 for a domain the resolver does not know', async () => {
    const response = await respond({ uri: 'sip:unknown.example.com' });

    expect([response.statusCode, response.reasonPhrase, response.body.length]).toEqual([404, 'Not Found', 0]);
  });

  it('should answer 500 and report the error when the resolver rejects', async () => {
    const onResolverError = jest.fn();
    const failing: SipProvisioningResolver = () => Promise.reject(new Error('db down'));

    const response = await respondToSipRequest(request(), REMOTE, failing, { onResolverError });

    expect([response?.statusCode, onResolverError.mock.calls.length]).toEqual([500, 1]);
  });

  it('should answer 405 with Allow to another method', async () => {
    const response = await respond({ method: 'INVITE' });

    expect([response.statusCode, response.reasonPhrase, getHeader(response, 'Allow')]).toEqual([
      405,
      'Method Not Allowed',
      'OPTIONS',
    ]);
  });

  it('should not answer an ACK', async () => {
    expect(await respondToSipRequest(request({ method: 'ACK' }), REMOTE, resolver)).toBeNull();
  });

  it('should not answer a request without Via', async () => {
    expect(await respondToSipRequest(request({ headers: { Via: null } }), REMOTE, resolver)).toBeNull();
  });

  it('should not answer a request whose top Via is malformed', async () => {
    expect(await respondToSipRequest(request({ headers: { Via: 'garbage' } }), REMOTE, resolver)).toBeNull();
  });

  it('should answer 400 with a Warning when Call-ID is missing', async () => {
    const response = await respond({ headers: { 'Call-ID': null } });

    expect([response.statusCode, getHeader(response, 'Warning')]).toEqual([
      400,
      '399 pres-im-clearing-house "Missing Call-ID header"',
    ]);
  });

  it('should answer 400 when From is duplicated', async () => {
    const response = await respond({ extra: ['f: <sip:eve@e.example>;tag=2'] });

    expect(getHeader(response, 'Warning')).toContain('Multiple From headers');
  });

  it('should answer 400 when the CSeq method differs from the request method', async () => {
    const response = await respond({ headers: { CSeq: '1 INVITE' } });

    expect([response.statusCode, getHeader(response, 'Warning')]).toEqual([
      400,
      '399 pres-im-clearing-house "CSeq method does not match the request method"',
    ]);
  });

  it('should answer 400 to a malformed To header', async () => {
    const response = await respond({ headers: { To: '<sip:hub.example.net' } });

    expect([response.statusCode, getHeader(response, 'To')]).toEqual([400, '<sip:hub.example.net']);
  });

  it('should answer 400 to a malformed Max-Forwards', async () => {
    const response = await respond({ headers: { 'Max-Forwards': 'many' } });

    expect(response.statusCode).toBe(400);
  });

  it('should answer 505 to another SIP version', async () => {
    const response = await respond({ version: 'SIP/3.0' });

    expect([response.statusCode, response.reasonPhrase]).toEqual([505, 'Version Not Supported']);
  });

  it('should answer 416 to a non-SIP Request-URI scheme', async () => {
    const response = await respond({ uri: 'tel:+15551234567' });

    expect(response.statusCode).toBe(416);
  });

  it('should answer 400 to a malformed SIP Request-URI', async () => {
    const response = await respond({ uri: 'sip:not_a_host' });

    expect(response.statusCode).toBe(400);
  });

  it('should answer 420 with Unsupported when Require lists an unknown extension', async () => {
    const response = await respond({ extra: ['Require: foo, 100rel'] });

    expect([response.statusCode, getHeader(response, 'Unsupported')]).toEqual([420, 'foo, 100rel']);
  });

  it('should accept a Require listing only supported extensions', async () => {
    const response = await respondToSipRequest(request({ extra: ['Require: path'] }), REMOTE, resolver, {
      supported: ['path'],
    });

    expect(response?.statusCode).toBe(200);
  });

  it('should accept compact header forms', async () => {
    const text = [
      'OPTIONS sip:hub.example.net SIP/2.0',
      'v: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK1',
      'f: <sip:alice@a.example.org>;tag=1',
      't: <sip:hub.example.net>',
      'i: compact-call',
      'CSeq: 2 OPTIONS',
      'l: 0',
      '',
      '',
    ].join('\r\n');
    const message = parseSipMessage(Buffer.from(text)) as SipRequest;

    const response = await respondToSipRequest(message, REMOTE, resolver);

    expect([response?.statusCode, getHeader(response!, 'Call-ID')]).toEqual([200, 'compact-call']);
  });
});

describe('buildSipResponse', () => {
  it('should not add a To tag to a 100 Trying', () => {
    const response = buildSipResponse(request(), REMOTE, 100, 'Trying');

    expect(getHeader(response!, 'To')).toBe('<sip:hub.example.net>');
  });

  it('should put Content-Length last', () => {
    const response = buildSipResponse(request(), REMOTE, 404, 'Not Found');

    expect(response!.headers[response!.headers.length - 1]).toEqual({
      name: 'Content-Length',
      value: '0',
    });
  });
});

describe('buildBadRequestResponse', () => {
  function parseError(text: string): SipParseError {
    try {
      parseSipMessage(Buffer.from(text));
    } catch (error) {
      if (error instanceof SipParseError) {
        return error;
      }
    }
    throw new Error('expected a SipParseError');
  }

  it('should answer 400 to a request with a malformed header line', () => {
    const error = parseError(requestText({ extra: ['no colon here'] }));

    const response = buildBadRequestResponse(error, REMOTE);

    expect([response?.statusCode, getHeader(response!, 'Call-ID')]).toEqual([400, '3848276298220188511@a.example.org']);
  });

  it('should explain the problem in a Warning header', () => {
    const error = parseError(requestText({ headers: { 'Content-Length': '50' } }));

    const response = buildBadRequestResponse(error, REMOTE);

    expect(getHeader(response!, 'Warning')).toMatch(/^399 \S+ "Message body is shorter than Content-Length/);
  });

  it('should return null when the start line is unreadable', () => {
    const error = parseError('\x16\x03\x01 garbage\r\n\r\n');

    expect(buildBadRequestResponse(error, REMOTE)).toBeNull();
  });

  it('should return null for a malformed response', () => {
    const error = parseError('SIP/2.0 200 OK\r\nbroken line\r\n\r\n');

    expect(buildBadRequestResponse(error, REMOTE)).toBeNull();
  });

  it('should return null when the malformed request has no Via', () => {
    const error = parseError(requestText({ headers: { Via: null }, extra: ['broken'] }));

    expect(buildBadRequestResponse(error, REMOTE)).toBeNull();
  });
});

describe('udpResponseTarget', () => {
  it('should send to the source address and port when the request asked for rport', async () => {
    const response = await respond();

    expect(udpResponseTarget(response, REMOTE)).toEqual({ address: '203.0.113.5', port: 40000 });
  });

  it('should send to the sent-by port without rport', async () => {
    const response = await respond({
      headers: { Via: 'SIP/2.0/UDP 10.0.0.7:5070;branch=z9hG4bK1' },
    });

    expect(udpResponseTarget(response, REMOTE)).toEqual({ address: '203.0.113.5', port: 5070 });
  });

  it('should default to port 5060 without rport or sent-by port', async () => {
    const response = await respond({
      headers: { Via: 'SIP/2.0/UDP a.example.org;branch=z9hG4bK1' },
    });

    expect(udpResponseTarget(response, REMOTE)).toEqual({ address: '203.0.113.5', port: 5060 });
  });
});
