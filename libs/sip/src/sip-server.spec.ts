import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

import { jest } from '@jest/globals';

import { PRES_IM_PROVISIONING_CONTENT_TYPE, type SipProvisioningResolver } from './options-responder.js';
import { SipStreamFramer } from './sip-framer.js';
import { getHeader, parseSipMessage, type SipResponse } from './sip-message.js';
import { SipServer, type SipLogger } from './sip-server.js';

const DOCUMENT =
  '<?xml version="1.0" encoding="UTF-8"?>\n<pres-im-provisioning xmlns="urn:ietf:params:xml:ns:pres-im-provisioning" domain="hub.example.net"/>\n';

const resolver: SipProvisioningResolver = async (domain) => {
  if (domain === 'broken.example.net') {
    throw new Error('backend unavailable');
  }
  if (domain === 'huge.example.net') {
    return { body: `<x>${'a'.repeat(70_000)}</x>`, contentType: PRES_IM_PROVISIONING_CONTENT_TYPE };
  }
  return domain === 'hub.example.net' ? { body: DOCUMENT, contentType: PRES_IM_PROVISIONING_CONTENT_TYPE } : null;
};

let callCounter = 0;

function options(
  transport: 'UDP' | 'TCP',
  port: number,
  overrides: {
    method?: string;
    uri?: string;
    body?: string;
    callId?: string;
    extra?: string[];
  } = {},
): string {
  const method = overrides.method ?? 'OPTIONS';
  const body = overrides.body ?? '';
  const n = ++callCounter;
  return [
    `${method} ${overrides.uri ?? 'sip:hub.example.net'} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:${port};branch=z9hG4bK-test-${n};rport`,
    'Max-Forwards: 70',
    'From: <sip:probe@member.example.org>;tag=probe-1',
    'To: <sip:hub.example.net>',
    `Call-ID: ${overrides.callId ?? `call-${n}@member.example.org`}`,
    `CSeq: ${n} ${method}`,
    ...(overrides.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

class UdpClient {
  private readonly queue: Buffer[] = [];
  private waiter: (() => void) | null = null;

  private constructor(readonly socket: UdpSocket) {
    socket.on('message', (data) => {
      this.queue.push(data);
      this.waiter?.();
    });
  }

  static async open(): Promise<UdpClient> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new UdpClient(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string | Buffer, port: number): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, '127.0.0.1');
  }

  /** Next datagram received, or null after `timeoutMs`. */
  async receive(timeoutMs = 2000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        return null;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.queue.shift() ?? null;
  }

  async response(timeoutMs = 2000): Promise<SipResponse> {
    const data = await this.receive(timeoutMs);
    if (!data) {
      throw new Error('no UDP response');
    }
    const message = parseSipMessage(data);
    if (message.type !== 'response') {
      throw new Error('received a request');
    }
    return message;
  }

  close(): void {
    this.socket.close();
  }
}

class TcpClient {
  private readonly framer = new SipStreamFramer({ maxMessageBytes: 1024 * 1024 });
  private readonly responses: SipResponse[] = [];
  private waiter: (() => void) | null = null;
  raw = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.raw = Buffer.concat([this.raw, chunk]);
      for (const frame of this.framer.push(chunk)) {
        if (frame.type === 'message') {
          this.responses.push(parseSipMessage(frame.data) as SipResponse);
        }
      }
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(port: number): Promise<TcpClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new TcpClient(socket);
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error('timed out waiting for TCP data');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  async response(): Promise<SipResponse> {
    await this.waitFor(() => this.responses.length > 0);
    return this.responses.shift()!;
  }

  close(): void {
    this.socket.destroy();
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(SipServer.name, () => {
  let server: SipServer;
  let logger: { warn: jest.Mock<SipLogger['warn']> };
  let udp: UdpClient;
  const tcpClients: TcpClient[] = [];

  async function tcp(): Promise<TcpClient> {
    const client = await TcpClient.open(server.tcpPort!);
    tcpClients.push(client);
    return client;
  }

  beforeEach(async () => {
    logger = { warn: jest.fn<SipLogger['warn']>() };
    server = new SipServer({
      resolver,
      logger,
      tcpIdleTimeoutMs: 5000,
      maxMessageBytes: 16 * 1024,
    });
    await server.start({ host: '127.0.0.1', port: 0, udp: true, tcp: true });
    udp = await UdpClient.open();
  });

  afterEach(async () => {
    udp.close();
    tcpClients.splice(0).forEach((c) => c.close());
    await server.stop();
  });

  it('should expose the ports bound for port 0', () => {
    expect([server.udpPort, server.tcpPort].every((p) => typeof p === 'number' && p > 0)).toBe(true);
  });

  it('should report the bound addresses', () => {
    expect(server.addresses).toEqual({
      udp: { address: '127.0.0.1', port: server.udpPort, family: 'IPv4' },
      tcp: { address: '127.0.0.1', port: server.tcpPort, family: 'IPv4' },
    });
  });

  it('should answer a UDP OPTIONS with 200 OK and the document', async () => {
    udp.send(options('UDP', udp.port), server.udpPort!);

    const response = await udp.response();

    expect([response.statusCode, response.body.toString()]).toEqual([200, DOCUMENT]);
  });

  it('should send the SIP response headers over UDP', async () => {
    udp.send(options('UDP', udp.port, { callId: 'udp-headers@member.example.org' }), server.udpPort!);

    const response = await udp.response();

    expect({
      via: getHeader(response, 'Via'),
      from: getHeader(response, 'From'),
      to: getHeader(response, 'To'),
      callId: getHeader(response, 'Call-ID'),
      cseq: getHeader(response, 'CSeq'),
      contentType: getHeader(response, 'Content-Type'),
      contentLength: getHeader(response, 'Content-Length'),
      allow: getHeader(response, 'Allow'),
      accept: getHeader(response, 'Accept'),
      server: getHeader(response, 'Server'),
    }).toEqual({
      via: expect.stringMatching(
        new RegExp(`^SIP/2.0/UDP 127.0.0.1:${udp.port};branch=\\S+;rport=${udp.port};received=127.0.0.1$`),
      ),
      from: '<sip:probe@member.example.org>;tag=probe-1',
      to: expect.stringMatching(/^<sip:hub\.example\.net>;tag=[0-9a-f]+$/),
      callId: 'udp-headers@member.example.org',
      cseq: expect.stringMatching(/^\d+ OPTIONS$/),
      contentType: 'application/pres-im-provisioning+xml',
      contentLength: String(Buffer.byteLength(DOCUMENT)),
      allow: 'OPTIONS',
      accept: 'application/pres-im-provisioning+xml',
      server: 'pres-im-clearing-house',
    });
  });

  it('should answer a UDP request written with compact headers', async () => {
    const compact = options('UDP', udp.port)
      .replace('Via:', 'v:')
      .replace('From:', 'f:')
      .replace('To:', 't:')
      .replace('Call-ID:', 'i:')
      .replace('Content-Length:', 'l:');
    udp.send(compact, server.udpPort!);

    const response = await udp.response();

    expect(response.statusCode).toBe(200);
  });

  it('should answer 404 over UDP for an unknown domain', async () => {
    udp.send(options('UDP', udp.port, { uri: 'sip:nobody.example.com' }), server.udpPort!);

    expect((await udp.response()).statusCode).toBe(404);
  });

  it('should answer 405 with Allow to a non-OPTIONS request', async () => {
    udp.send(options('UDP', udp.port, { method: 'MESSAGE', body: 'hello' }), server.udpPort!);

    const response = await udp.response();

    expect([response.statusCode, getHeader(response, 'Allow')]).toEqual([405, 'OPTIONS']);
  });

  it('should answer 500 and log when the resolver fails', async () => {
    udp.send(options('UDP', udp.port, { uri: 'sip:broken.example.net' }), server.udpPort!);

    const response = await udp.response();

    expect([response.statusCode, logger.warn.mock.calls[0]?.[0]]).toEqual([500, 'SIP provisioning resolver failed']);
  });

  it('should answer 500 over UDP when the document does not fit in a datagram', async () => {
    udp.send(options('UDP', udp.port, { uri: 'sip:huge.example.net' }), server.udpPort!);

    const response = await udp.response();

    expect([response.statusCode, getHeader(response, 'Warning')]).toEqual([
      500,
      '399 pres-im-clearing-house "Response too large for UDP, retry over TCP"',
    ]);
  });

  it('should send a document larger than a datagram over TCP', async () => {
    const client = await tcp();
    client.write(options('TCP', client.localPort, { uri: 'sip:huge.example.net' }));

    const response = await client.response();

    expect([response.statusCode, response.body.length]).toEqual([200, 70_007]);
  });

  it('should answer a malformed but readable UDP request with 400 and stay alive', async () => {
    udp.send(options('UDP', udp.port).replace('Max-Forwards: 70', 'this line is broken'), server.udpPort!);
    const bad = await udp.response();
    udp.send(options('UDP', udp.port), server.udpPort!);
    const good = await udp.response();

    expect([bad.statusCode, good.statusCode]).toEqual([400, 200]);
  });

  it('should log a warning for a malformed message', async () => {
    udp.send(options('UDP', udp.port).replace('Max-Forwards: 70', 'this line is broken'), server.udpPort!);
    await udp.response();

    expect(logger.warn).toHaveBeenCalledWith(
      'Malformed SIP message, answering 400',
      expect.objectContaining({
        transport: 'udp',
        reason: expect.stringContaining('Malformed header line'),
      }),
    );
  });

  it('should drop unreadable UDP garbage and keep answering', async () => {
    udp.send(Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 0xff, 0xfe]), server.udpPort!);
    udp.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n', server.udpPort!);
    const dropped = await udp.receive(300);
    udp.send(options('UDP', udp.port), server.udpPort!);

    expect([dropped, (await udp.response()).statusCode]).toEqual([null, 200]);
  });

  it('should ignore SIP responses it receives', async () => {
    udp.send('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n', server.udpPort!);

    expect(await udp.receive(300)).toBeNull();
  });

  it('should not answer an ACK', async () => {
    udp.send(options('UDP', udp.port, { method: 'ACK' }), server.udpPort!);

    expect(await udp.receive(300)).toBeNull();
  });

  it('should answer a TCP OPTIONS with 200 OK and the document', async () => {
    const client = await tcp();
    client.write(options('TCP', client.localPort));

    const response = await client.response();

    expect([response.statusCode, getHeader(response, 'Content-Type'), response.body.toString()]).toEqual([
      200,
      'application/pres-im-provisioning+xml',
      DOCUMENT,
    ]);
  });

  it('should reassemble a TCP message split over several segments', async () => {
    const client = await tcp();
    const text = options('TCP', client.localPort, { body: 'abc' });
    for (const part of [text.slice(0, 7), text.slice(7, 60), text.slice(60, text.length - 1), text.slice(-1)]) {
      client.write(part);
      await delay(20);
    }

    expect((await client.response()).statusCode).toBe(200);
  });

  it('should answer each of several TCP messages sent in one segment, in order', async () => {
    const client = await tcp();
    client.write(
      options('TCP', client.localPort, { callId: 'first' }) +
        options('TCP', client.localPort, { callId: 'second', uri: 'sip:nobody.example.com' }) +
        options('TCP', client.localPort, { callId: 'third', method: 'INFO' }),
    );

    const responses = [await client.response(), await client.response(), await client.response()];

    expect(responses.map((r) => [getHeader(r, 'Call-ID'), r.statusCode])).toEqual([
      ['first', 200],
      ['second', 404],
      ['third', 405],
    ]);
  });

  it('should answer a malformed TCP request with 400 and keep the connection', async () => {
    const client = await tcp();
    client.write(options('TCP', client.localPort).replace('Max-Forwards: 70', 'broken'));
    const bad = await client.response();
    client.write(options('TCP', client.localPort));
    const good = await client.response();

    expect([bad.statusCode, good.statusCode]).toEqual([400, 200]);
  });

  it('should answer 513 and close the connection when a TCP message exceeds the size limit', async () => {
    const client = await tcp();
    client.write(options('TCP', client.localPort).replace('Content-Length: 0', 'Content-Length: 100000'));

    const response = await client.response();
    await client.closed;

    expect([response.statusCode, response.reasonPhrase]).toEqual([513, 'Message Too Large']);
  });

  it('should close a TCP connection that cannot be framed', async () => {
    const client = await tcp();
    client.write(`GARBAGE ${'x'.repeat(20 * 1024)}`);

    await expect(client.closed).resolves.toBeUndefined();
  });

  it('should answer a CRLFCRLF keep-alive ping with a CRLF pong', async () => {
    const client = await tcp();
    client.write('\r\n\r\n');

    await client.waitFor(() => client.raw.length >= 2);

    expect(client.raw.toString()).toBe('\r\n');
  });

  it('should answer a request whose sender then half-closes the connection', async () => {
    const client = await tcp();
    client.socket.end(options('TCP', client.localPort));

    expect((await client.response()).statusCode).toBe(200);
  });

  it('should close idle TCP connections', async () => {
    await server.stop();
    server = new SipServer({ resolver, tcpIdleTimeoutMs: 150 });
    await server.start({ host: '127.0.0.1', port: 0, udp: false, tcp: true });
    const client = await tcp();
    const started = Date.now();

    await client.closed;

    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('should listen on TCP only when asked to', async () => {
    await server.stop();
    await server.start({ host: '127.0.0.1', port: 0, udp: false, tcp: true });

    expect([server.udpPort, typeof server.tcpPort]).toEqual([null, 'number']);
  });

  it('should refuse to start twice', async () => {
    await expect(server.start({ host: '127.0.0.1', port: 0 })).rejects.toThrow(/already started/);
  });

  it('should reject start when the port is taken and release what it bound', async () => {
    const other = new SipServer({ resolver });

    await expect(other.start({ host: '127.0.0.1', port: server.tcpPort!, udp: true, tcp: true })).rejects.toThrow(/EADDRINUSE/);
    expect(other.listening).toBe(false);
  });

  it('should stop accepting TCP connections after stop', async () => {
    const port = server.tcpPort!;
    await server.stop();

    await expect(TcpClient.open(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
