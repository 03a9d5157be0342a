import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createActiveMember, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

interface RawExchange {
  /** what the hub answered (status line, headers, body), up to the point it closed the connection */
  response: string;
  /** body bytes the client had written when the hub's answer arrived */
  bodyBytesSent: number;
}

/**
 * Writes a request head announcing `contentLength` body bytes, then `chunk` every time `next`
 * resolves, until the hub answers and closes the connection. Resolves with what it answered.
 */
function rawRequest(
  port: number,
  head: string,
  body: { chunk: string; next: () => Promise<void>; total: number },
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let bodyBytesSent = 0;
    let closed = false;
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => undefined); // a reset after the answer is the point of the test
    socket.on('close', () => {
      closed = true;
      resolve({ response: Buffer.concat(received).toString('latin1'), bodyBytesSent });
    });
    socket.on('connect', () => {
      socket.write(head);
      const pump = async () => {
        while (!closed && bodyBytesSent < body.total) {
          socket.write(body.chunk);
          bodyBytesSent += body.chunk.length;
          await body.next();
        }
      };
      pump().catch(reject);
    });
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
const headerOf = (response: string, name: string) =>
  new RegExp(`^${name}: *(.*)$`, 'im').exec(response.split('\r\n\r\n')[0])?.[1]?.trim();
const never = () => new Promise<void>(() => undefined);
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 100));

describe('authentication before the body (e2e)', () => {
  let hub: TestHub;
  let port: number;

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.app.listen(0, '127.0.0.1');
    port = (hub.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => hub.close());

  const head = (path: string, length: number, authorization?: string) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n` +
    `${authorization ? `Authorization: ${authorization}\r\n` : ''}\r\n`;

  it.each([
    ['without credentials', undefined],
    ['with an unknown API key', 'Bearer hubmk_unknownunknownunknownunknown'],
    ['with a malformed Authorization header', 'Basic dXNlcjpwYXNz'],
  ])('should refuse a 16 MB message-log POST %s with 401 before reading its body', async (_what, authorization) => {
    const { response, bodyBytesSent } = await rawRequest(port, head('/v1/message-log', 16_000_000, authorization), {
      chunk: '{"records":[',
      next: never,
      total: 16_000_000,
    });
    expect(statusOf(response)).toBe(401);
    expect(headerOf(response, 'content-type')).toContain('application/problem+json');
    expect(headerOf(response, 'connection')).toBe('close');
    expect(bodyBytesSent).toBeLessThan(100);
  });

  it('should refuse an operator route body from a caller without an operator token before reading it', async () => {
    const { response } = await rawRequest(port, head('/admin/v1/members', 1_000_000), { chunk: '{', next: never, total: 1 });
    expect(statusOf(response)).toBe(401);
    expect(headerOf(response, 'content-type')).toContain('application/problem+json');
  });

  it('should still accept the bodies of authenticated members and operators', async () => {
    const member: ActiveMember = await createActiveMember(hub.app);
    await request(hub.app.getHttpServer())
      .post('/v1/message-log')
      .set('Authorization', `Bearer ${member.token}`)
      .send({ records: [] })
      .expect((res) => expect(res.status).not.toBe(401));
    await request(hub.app.getHttpServer())
      .post('/admin/v1/members')
      .set(operatorAuth)
      .send({ domain: 'body-after-auth.example.org', displayName: 'B', protocols: ['xmpp'], contacts: {} })
      .expect(201);
  });
});

describe('server timeouts (e2e)', () => {
  let hub: TestHub;
  let port: number;

  beforeAll(async () => {
    hub = await startTestHub(
      testConfig({
        HUB_HEADERS_TIMEOUT_MS: '400',
        HUB_REQUEST_TIMEOUT_MS: '600',
        HUB_KEEP_ALIVE_TIMEOUT_MS: '300',
        HUB_IDLE_TIMEOUT_MS: '800',
      }),
    );
    await hub.app.listen(0, '127.0.0.1');
    port = (hub.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => hub.close());

  it('should cut off a body sent too slowly with 408 and close the connection', async () => {
    // 1 byte every 100 ms: the 300-byte body would take 30 s; the request deadline is 600 ms
    const { response, bodyBytesSent } = await rawRequest(
      port,
      'POST /v1/applications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n',
      { chunk: ' ', next: tick, total: 300 },
    );
    expect(statusOf(response)).toBe(408);
    expect(bodyBytesSent).toBeLessThan(300);
  });

  it('should cut off headers sent too slowly', async () => {
    const socket = net.connect(port, '127.0.0.1');
    let sent = 0;
    const closed = new Promise<string>((resolve) => {
      const received: Buffer[] = [];
      socket.on('data', (d: Buffer) => received.push(d));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    });
    socket.write('GET /health/live HTTP/1.1\r\n');
    const header = 'X-Slow: ' + 'a'.repeat(300);
    let open = true;
    void closed.then(() => (open = false));
    while (open && sent < header.length) {
      socket.write(header[sent++]);
      await tick();
    }
    expect(statusOf(await closed)).toBe(408);
    expect(sent).toBeLessThan(header.length);
  });

  it('should close a connection on which nothing is sent', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume(); // read, so that the hub's end of the connection is seen
    await expect(new Promise((resolve) => socket.on('close', resolve))).resolves.toBeDefined();
  });

  it('should close a kept-alive connection that stays idle after its request', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => undefined);
    socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(statusOf(Buffer.concat(received).toString('latin1'))).toBe(200);
  });
});

describe('rate limits of the public routes (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig({ HUB_PUBLIC_RATE_LIMIT: '3' }));
    await hub.reset();
  });
  afterAll(() => hub.close());

  it.each(['/health/live', '/.well-known/jwks.json', '/v1/transparency/chain', '/.well-known/pres-im-provisioning'])(
    'should answer 429 problem+json on %s once a client address exceeds the limit',
    async (path) => {
      for (let i = 0; i < 3; i++) expect((await http().get(path)).status).not.toBe(429);
      const res = await http().get(path).expect(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body.status).toBe(429);
    },
  );

  it('should limit the Swagger UI and the anonymous well-known member route too', async () => {
    for (const path of ['/docs', '/.well-known/pres-im-provisioning/unknown.example.org']) {
      for (let i = 0; i < 3; i++) expect((await http().get(path)).status).not.toBe(429);
      await http().get(path).expect(429);
    }
  });

  it('should not count the requests of an authenticated member', async () => {
    const member = await createActiveMember(hub.app);
    for (let i = 0; i < 6; i++) {
      await http()
        .get(`/.well-known/pres-im-provisioning/${member.domain}`)
        .set('Authorization', `Bearer ${member.token}`)
        .expect(404);
      await http().get('/v1/federation/provisioning').set('Authorization', `Bearer ${member.token}`).expect(200);
      await http().get('/v1/members/me').set('Authorization', `Bearer ${member.token}`).expect(200);
    }
  });
});

describe('refused credentials per client address (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig({ HUB_AUTH_FAILURE_LIMIT: '3', HUB_PUBLIC_RATE_LIMIT: '1000' }));
    await hub.reset();
  });
  afterAll(() => hub.close());

  it('should answer 429 to an address past its refused credentials, before looking any up, on every kind of route', async () => {
    const member = await createActiveMember(hub.app);
    const bogus = { Authorization: 'Bearer mk_not-a-real-key' };
    // an optional-credential route no longer lets a bogus key skip the public limit for nothing
    await http().get('/v1/federation/provisioning').set(bogus).expect(401);
    await http().get('/v1/members/me').set(bogus).expect(401);
    await http().get('/admin/v1/members').set(bogus).expect(401);
    for (const path of ['/v1/members/me', '/admin/v1/members', '/v1/federation/provisioning']) {
      const res = await http().get(path).set(bogus).expect(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    // while blocked, even a valid key from that address waits: the check comes before any lookup
    await http().get('/v1/members/me').set('Authorization', `Bearer ${member.token}`).expect(429);
    // requests without credentials are not refused credentials: the public routes still answer
    await http().get('/health/live').expect(200);
  });
});
