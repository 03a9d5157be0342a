import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  findSipParam,
  getHeader,
  parseNameAddr,
  parseSipMessage,
  parseVia,
  PRES_IM_PROVISIONING_CONTENT_TYPE,
  SipStreamFramer,
  type SipResponse,
} from '@app/sip';
import { createActiveMember, memberDocument, requireSipp, runSippOptions, testConfig, type ActiveMember } from '@app/testing';
import { SipListenerService } from '../src/sip/sip-listener.service.js';
import { startTestHub, TestHub } from './test-hub.js';

/**
 * SIP OPTIONS on the running hub: a real SIP client (SIPp, Debian package
 * `sip-tester`) over UDP and TCP, plus raw datagrams and streams for the exact headers, the
 * privacy rules and malformed input. SIPp is required: without it the SIPp tests fail.
 */
const HOST = '127.0.0.1';

interface OptionsRequest {
  readonly target: string;
  readonly transport?: 'UDP' | 'TCP';
  readonly from?: string;
  readonly callId?: string;
  readonly branch?: string;
  readonly cseq?: string;
}

/** An OPTIONS whose Via sent-by is a host name, so the hub must add received (and fill rport). */
function optionsRequest(options: OptionsRequest): Buffer {
  const lines = [
    `OPTIONS sip:${options.target} SIP/2.0`,
    `Via: SIP/2.0/${options.transport ?? 'UDP'} client.invalid:5099;branch=${options.branch ?? `z9hG4bK-${randomBytes(6).toString('hex')}`};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@${options.from ?? 'probe.example.net'}>;tag=from-${randomBytes(4).toString('hex')}`,
    `To: <sip:${options.target}>`,
    `Call-ID: ${options.callId ?? `${randomBytes(8).toString('hex')}@client.invalid`}`,
    `CSeq: ${options.cseq ?? '42 OPTIONS'}`,
    `Accept: ${PRES_IM_PROVISIONING_CONTENT_TYPE}`,
    'Content-Length: 0',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Sends one datagram from a fresh socket; resolves with the answer, or null after `waitMs`. */
function sendUdp(port: number, bytes: Buffer, waitMs = 5000): Promise<{ data: Buffer; localPort: number } | null> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => finish(null), waitMs);
    const finish = (result: { data: Buffer; localPort: number } | null): void => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.once('message', (data) => finish({ data, localPort: socket.address().port }));
    socket.bind(0, HOST, () => socket.send(bytes, port, HOST));
  });
}

/** A TCP connection that collects the SIP messages it receives. */
class TcpClient {
  private readonly framer = new SipStreamFramer();
  private readonly received: SipResponse[] = [];
  private waiters: Array<() => void> = [];
  private closedFlag = false;
  readonly raw: Buffer[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.raw.push(chunk);
      for (const frame of this.framer.push(chunk)) {
        if (frame.type === 'message') {
          const message = parseSipMessage(frame.data);
          if (message.type === 'response') this.received.push(message);
        }
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: HOST, port }, () => {
        socket.off('error', reject);
        resolve(new TcpClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** The next response, or null if the connection closes (or nothing comes within `waitMs`). */
  async next(waitMs = 5000): Promise<SipResponse | null> {
    const deadline = Date.now() + waitMs;
    while (this.received.length === 0 && !this.closedFlag && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received.shift() ?? null;
  }

  /** Resolves once the server has closed the connection (or after `waitMs`). */
  async waitClosed(waitMs = 5000): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    while (!this.closedFlag && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closedFlag;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

function parseResponse(data: Buffer): SipResponse {
  const message = parseSipMessage(data);
  if (message.type !== 'response') throw new Error(`expected a SIP response, got ${data.toString('latin1')}`);
  return message;
}

describe('SIP OPTIONS on the hub (e2e)', () => {
  let hub: TestHub;
  let sip: SipListenerService;
  let udpPort: number;
  let tcpPort: number;
  let workDir: string;
  let listed: ActiveMember;
  let unlisted: ActiveMember;
  let peer: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  /** GET as an anonymous caller, body as the exact bytes sent. */
  const anonymousGet = (path: string) =>
    http()
      .get(path)
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'hub-sipp-'));
    hub = await startTestHub(testConfig());
    await hub.reset();
    sip = hub.app.get(SipListenerService);
    udpPort = sip.addresses.udp!.port;
    tcpPort = sip.addresses.tcp!.port;
    listed = await createActiveMember(hub.app, 'listed.example.org');
    unlisted = await createActiveMember(hub.app, 'unlisted.example.org');
    peer = await createActiveMember(hub.app, 'peer.example.com');
    await http().put('/v1/provisioning').set(auth(listed)).send(memberDocument(listed.domain)).expect(201);
    await http()
      .put('/v1/provisioning')
      .set(auth(unlisted))
      .send(memberDocument(unlisted.domain, { listed: false }))
      .expect(201);
    // a per-peer override that the SIP answer must never reveal, whatever From says
    await http()
      .put(`/v1/provisioning/overrides/${peer.domain}`)
      .set(auth(listed))
      .send({
        connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'edge-for-peer.listed.example.org' }] } },
      })
      .expect(200);
  });

  afterAll(async () => {
    await hub?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('should listen on UDP and TCP and expose the bound ports', () => {
    expect(sip.addresses.udp).toMatchObject({ address: HOST, port: expect.any(Number) });
    expect(sip.addresses.tcp).toMatchObject({ address: HOST, port: expect.any(Number) });
    expect(udpPort).toBeGreaterThan(0);
    expect(tcpPort).toBeGreaterThan(0);
  });

  describe('with SIPp', () => {
    it('should have sipp available on PATH', () => {
      expect(requireSipp).not.toThrow();
    });

    it.each([
      ['UDP', 'u1'],
      ['TCP', 't1'],
    ] as const)(
      'should answer a SIPp OPTIONS to the hub domain over %s with 200 and the provisioning document',
      async (_name, transport) => {
        requireSipp();

        const result = await runSippOptions(transport, transport === 'u1' ? udpPort : tcpPort, hub.config.hub.domain, workDir);

        expect(result).toMatchObject({ code: 0 });
      },
    );

    it('should answer a SIPp OPTIONS addressed to the IP the hub listens on', async () => {
      requireSipp();

      const result = await runSippOptions('u1', udpPort, HOST, workDir);

      expect(result).toMatchObject({ code: 0 });
    });

    it('should answer a SIPp OPTIONS for a listed member domain over TCP', async () => {
      requireSipp();

      const result = await runSippOptions('t1', tcpPort, listed.domain, workDir);

      expect(result).toMatchObject({ code: 0 });
    });

    it('should make the SIPp scenario fail (no 200) for a member hidden from anonymous callers', async () => {
      requireSipp();

      const result = await runSippOptions('u1', udpPort, unlisted.domain, workDir);

      expect(result.code).not.toBe(0);
    });
  });

  describe('over raw UDP', () => {
    it('should answer a listed member with exactly the anonymous HTTP document and correct SIP headers', async () => {
      const httpAnswer = await anonymousGet(`/.well-known/pres-im-provisioning/${listed.domain}`).expect(200);
      const callId = `${randomBytes(8).toString('hex')}@client.invalid`;
      const branch = `z9hG4bK-${randomBytes(6).toString('hex')}`;
      const sent = optionsRequest({ target: listed.domain, callId, branch, cseq: '7 OPTIONS' });

      const answer = await sendUdp(udpPort, sent);

      expect(answer).not.toBeNull();
      const response = parseResponse(answer!.data);
      expect(response.statusCode).toBe(200);
      expect(response.reasonPhrase).toBe('OK');
      expect(Buffer.compare(response.body, httpAnswer.body as Buffer)).toBe(0);
      expect(response.body.toString('utf8')).toContain(`domain="${listed.domain}"`);
      expect(getHeader(response, 'Content-Type')).toBe(PRES_IM_PROVISIONING_CONTENT_TYPE);
      expect(getHeader(response, 'Content-Length')).toBe(String(response.body.length));
      const via = parseVia(getHeader(response, 'Via')!);
      expect(via).toMatchObject({ transport: 'UDP', host: 'client.invalid', port: 5099 });
      expect(findSipParam(via!.params, 'branch')?.value).toBe(branch);
      expect(findSipParam(via!.params, 'received')?.value).toBe(HOST);
      expect(findSipParam(via!.params, 'rport')?.value).toBe(String(answer!.localPort));
      const request = parseSipMessage(sent);
      expect(getHeader(response, 'From')).toBe(getHeader(request, 'From'));
      const to = parseNameAddr(getHeader(response, 'To')!);
      expect(to?.uri).toBe(`sip:${listed.domain}`);
      expect(findSipParam(to!.params, 'tag')?.value).toMatch(/^\S+$/);
      expect(getHeader(response, 'Call-ID')).toBe(callId);
      expect(getHeader(response, 'CSeq')).toBe('7 OPTIONS');
      expect(getHeader(response, 'Allow')).toContain('OPTIONS');
      expect(getHeader(response, 'Accept')).toContain(PRES_IM_PROVISIONING_CONTENT_TYPE);
    });

    it('should answer the hub domain with exactly the anonymous hub document', async () => {
      const httpAnswer = await anonymousGet('/.well-known/pres-im-provisioning').expect(200);

      const answer = await sendUdp(udpPort, optionsRequest({ target: hub.config.hub.domain }));

      const response = parseResponse(answer!.data);
      expect(response.statusCode).toBe(200);
      expect(Buffer.compare(response.body, httpAnswer.body as Buffer)).toBe(0);
      expect(response.body.toString('utf8')).toContain('role="clearing-house"');
      expect(response.body.toString('utf8')).toContain(`domain="${listed.domain}"`);
      expect(response.body.toString('utf8')).not.toContain(`domain="${unlisted.domain}"`);
    });

    it('should treat From as a hint only: a peer with an override still gets the anonymous view', async () => {
      const anonymous = await anonymousGet(`/.well-known/pres-im-provisioning/${listed.domain}`).expect(200);
      const forPeer = await http().get(`/.well-known/pres-im-provisioning/${listed.domain}`).set(auth(peer)).expect(200);
      expect(forPeer.text).toContain('edge-for-peer.listed.example.org');

      const answer = await sendUdp(udpPort, optionsRequest({ target: listed.domain, from: peer.domain }));

      const response = parseResponse(answer!.data);
      expect(response.statusCode).toBe(200);
      expect(Buffer.compare(response.body, anonymous.body as Buffer)).toBe(0);
      expect(response.body.toString('utf8')).not.toContain('edge-for-peer');
    });

    it('should answer 404 for a member not visible to anonymous callers, as for an unknown domain', async () => {
      await anonymousGet(`/.well-known/pres-im-provisioning/${unlisted.domain}`).expect(404);

      const hidden = parseResponse((await sendUdp(udpPort, optionsRequest({ target: unlisted.domain })))!.data);
      const hiddenFromItself = parseResponse(
        (await sendUdp(udpPort, optionsRequest({ target: unlisted.domain, from: unlisted.domain })))!.data,
      );
      const unknown = parseResponse((await sendUdp(udpPort, optionsRequest({ target: 'nobody.example.net' })))!.data);
      const foreignIp = parseResponse((await sendUdp(udpPort, optionsRequest({ target: '192.0.2.1' })))!.data);

      expect([hidden.statusCode, hiddenFromItself.statusCode, unknown.statusCode, foreignIp.statusCode]).toEqual([
        404, 404, 404, 404,
      ]);
      expect(hidden.body.length).toBe(0);
      expect(findSipParam(parseNameAddr(getHeader(hidden, 'To')!)!.params, 'tag')).toBeDefined();
    });

    it('should drop or answer 400 to garbage and keep answering valid OPTIONS', async () => {
      const garbage = [
        randomBytes(512),
        Buffer.from('\x00\xff\xfe not sip at all \r\n\r\n'),
        Buffer.from('OPTIONS sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n'),
        Buffer.from(`SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP ${HOST}:1;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n`),
      ];
      for (const bytes of garbage) {
        const answer = await sendUdp(udpPort, bytes, 300);
        if (answer) expect(answer.data.toString('latin1')).toMatch(/^SIP\/2\.0 400 /);
      }
      // enough of a request to answer: a request line and a usable Via, then a broken CSeq
      const broken = optionsRequest({ target: listed.domain, cseq: 'not-a-number OPTIONS' });
      const badRequest = parseResponse((await sendUdp(udpPort, broken))!.data);
      expect(badRequest.statusCode).toBe(400);
      expect(getHeader(badRequest, 'Warning')).toContain('CSeq');

      const after = parseResponse((await sendUdp(udpPort, optionsRequest({ target: hub.config.hub.domain })))!.data);

      expect(after.statusCode).toBe(200);
      await http().get('/health/live').expect(200);
    });
  });

  describe('over raw TCP', () => {
    it('should answer several OPTIONS on one connection, including a 400 between two 200s', async () => {
      const client = await TcpClient.open(tcpPort);
      try {
        client.write(optionsRequest({ target: listed.domain, transport: 'TCP' }));
        const first = await client.next();
        client.write(optionsRequest({ target: listed.domain, transport: 'TCP', cseq: 'x OPTIONS' }));
        const bad = await client.next();
        client.write(optionsRequest({ target: hub.config.hub.domain, transport: 'TCP' }));
        const last = await client.next();

        expect([first?.statusCode, bad?.statusCode, last?.statusCode]).toEqual([200, 400, 200]);
        const via = parseVia(getHeader(first!, 'Via')!);
        expect(findSipParam(via!.params, 'received')?.value).toBe(HOST);
        expect(findSipParam(via!.params, 'rport')?.value).toBe(String(client.localPort));
        expect(getHeader(first!, 'Content-Length')).toBe(String(first!.body.length));
      } finally {
        client.destroy();
      }
    });

    it('should drop or answer 400 to garbage over TCP and still serve new connections', async () => {
      const garbage = [
        Buffer.concat([randomBytes(2048), Buffer.from('\r\n\r\n')]),
        Buffer.from('HELLO WORLD\r\nContent-Length: -5\r\n\r\n'),
        Buffer.from(
          `OPTIONS sip:${listed.domain} SIP/2.0\r\nVia: SIP/2.0/TCP client.invalid;branch=z9hG4bK-1\r\nContent-Length: 99999999\r\n\r\n`,
        ),
      ];
      for (const bytes of garbage) {
        const client = await TcpClient.open(tcpPort);
        try {
          client.write(bytes);
          client.end();
          const answer = await client.next(2000);
          // 400 for a malformed request, 513 for a Content-Length over the limit, or nothing
          if (answer) expect([400, 513]).toContain(answer.statusCode);
          else expect(Buffer.concat(client.raw).toString('latin1')).toMatch(/^(?:\s*|SIP\/2\.0 4\d\d [\s\S]*)$/);
          expect(await client.waitClosed()).toBe(true);
        } finally {
          client.destroy();
        }
      }

      const client = await TcpClient.open(tcpPort);
      try {
        client.write(optionsRequest({ target: hub.config.hub.domain, transport: 'TCP' }));
        const response = await client.next();

        expect(response?.statusCode).toBe(200);
      } finally {
        client.destroy();
      }
      const udp = parseResponse((await sendUdp(udpPort, optionsRequest({ target: listed.domain })))!.data);
      expect(udp.statusCode).toBe(200);
    });
  });
});
