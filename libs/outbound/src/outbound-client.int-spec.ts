import { createHash } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { generateHubKey, type HubSigningKey, jwksDocument } from '@app/interconnect';
import {
  createTestCa,
  issueServerCert,
  receivedTargetUri,
  type ReceivedRequest,
  SignatureCheckFailed,
  startWebhookReceiver,
  type TestCert,
  verifyHubRequest,
  type WebhookReceiver,
  type WebhookResponder,
} from '@app/testing';
import { DestinationPolicy } from './destination-policy.js';
import { guardedConnector } from './guarded-connector.js';
import { OutboundClient, type OutboundClientOptions, type OutboundRequest } from './outbound-client.js';
import {
  CircuitOpenError,
  DestinationBusyError,
  OutboundResponseError,
  OutboundTransportError,
  RefusedDestinationError,
  ResponseTooLargeError,
} from './outbound-errors.js';

describe(OutboundClient.name, () => {
  let key: HubSigningKey;
  let ca: ReturnType<typeof createTestCa>;
  let serverCert: TestCert;
  const names = new Map<string, LookupAddress[]>();
  const lookups: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    key = await generateHubKey();
    ca = createTestCa();
    serverCert = issueServerCert(ca, 'receiver.test');
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
    names.clear();
    lookups.length = 0;
  });

  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    lookups.push(hostname);
    const addresses = names.get(hostname);
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };
  const v4 = (address: string): LookupAddress[] => [{ address, family: 4 }];

  const client = (options: Partial<OutboundClientOptions> & { allowLoopback?: boolean } = {}) => {
    const { allowLoopback = true, ...rest } = options;
    const created = new OutboundClient({
      policy: new DestinationPolicy({ allowLoopback, ownAddresses: ['8.8.4.4'], ownNames: ['hub.test.example'] }),
      keys: { signingKey: async () => key },
      userAgent: 'pres-im-clearing-house (+https://hub.test.example)',
      connectTimeoutMs: 1000,
      headersTimeoutMs: 1000,
      bodyTimeoutMs: 1000,
      maxResponseBytes: 1024,
      concurrencyPerDestination: 2,
      circuit: { failures: 3, openMs: 60_000 },
      resolve,
      ca: ca.certPem,
      ...rest,
    });
    cleanups.push(() => created.close());
    return created;
  };

  const receiver = async (respond?: WebhookResponder, tls = false): Promise<WebhookReceiver> => {
    const started = await startWebhookReceiver(respond, tls ? { tls: serverCert } : {});
    cleanups.push(() => started.close());
    return started;
  };

  const post = (url: string, overrides: Partial<OutboundRequest> = {}): OutboundRequest => ({
    method: 'POST',
    url,
    contentType: 'application/json',
    body: JSON.stringify({ domain: 'a.example', seq: 1 }),
    idempotencyKey: 'outbox-0001',
    headers: { 'x-hub-event': 'provisioning-changed' },
    ...overrides,
  });

  const sendError = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('the request succeeded');
  };

  const asReceived = (request: ReceivedRequest, scheme: 'http' | 'https') => ({
    method: request.method,
    targetUri: receivedTargetUri(scheme, request.headers, request.path),
    headers: request.headers,
    body: request.body,
  });

  describe('signatures', () => {
    it('should sign a request over HTTPS so that an independent verifier accepts it with the JWKS', async () => {
      const tls = await receiver(undefined, true);
      names.set('receiver.test', v4('127.0.0.1'));
      const response = await client().send(post(`https://receiver.test:${tls.port}/hooks/pip?v=1`));

      expect(response.status).toBe(204);
      const [received] = tls.requests;
      expect(received.headers).toMatchObject({
        'content-type': 'application/json',
        'idempotency-key': 'outbox-0001',
        'x-hub-event': 'provisioning-changed',
      });
      const verified = verifyHubRequest(asReceived(received, 'https'), jwksDocument([key]));
      expect(verified.keyid).toBe(key.kid);
      expect(verified.components).toEqual(['@method', '@target-uri', 'content-digest', 'content-type', 'idempotency-key']);
      expect(verified.signatureBase.split('\n')[1]).toBe(`"@target-uri": https://receiver.test:${tls.port}/hooks/pip?v=1`);
      expect(Math.abs((verified.created ?? 0) - Date.now() / 1000)).toBeLessThan(5);
      expect(verified.expires).toBe(verified.created + 300);
    });

    it('should sign a request over plain http to loopback under the development setting', async () => {
      const plain = await receiver();
      await client().send(post(`${plain.url}/hook`));
      expect(() => verifyHubRequest(asReceived(plain.requests[0], 'http'), jwksDocument([key]))).not.toThrow();
    });

    it('should let a receiver detect a body that does not match its Content-Digest', async () => {
      const plain = await receiver();
      await client().send(post(`${plain.url}/hook`));
      const received = asReceived(plain.requests[0], 'http');

      const tampered = { ...received, body: received.body.replace('"seq":1', '"seq":2') };
      expect(() => verifyHubRequest(tampered, jwksDocument([key]))).toThrow(
        expect.objectContaining({ reason: 'digest-mismatch' }),
      );
    });

    it('should let a receiver detect a body whose digest was replaced, or a changed idempotency key', async () => {
      const plain = await receiver();
      await client().send(post(`${plain.url}/hook`));
      const received = asReceived(plain.requests[0], 'http');
      const body = received.body.replace('"seq":1', '"seq":2');
      const digest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;

      const reason = (request: typeof received) => {
        try {
          verifyHubRequest(request, jwksDocument([key]));
          return 'verified';
        } catch (error) {
          return (error as SignatureCheckFailed).reason;
        }
      };
      expect(reason({ ...received, body, headers: { ...received.headers, 'content-digest': digest } })).toBe('bad-signature');
      expect(reason({ ...received, headers: { ...received.headers, 'idempotency-key': 'outbox-0002' } })).toBe('bad-signature');
      expect(reason({ ...received, targetUri: received.targetUri.replace('/hook', '/other') })).toBe('bad-signature');
      expect(reason(received)).toBe('verified');
    });

    it('should sign with the key the source gives at each request (rotation)', async () => {
      const plain = await receiver();
      const next = await generateHubKey();
      let current = key;
      const rotating = client({ keys: { signingKey: async () => current } });
      await rotating.send(post(`${plain.url}/hook`));
      current = next;
      await rotating.send(post(`${plain.url}/hook`));
      const jwks = jwksDocument([key, next]);
      expect(verifyHubRequest(asReceived(plain.requests[0], 'http'), jwks).keyid).toBe(key.kid);
      expect(verifyHubRequest(asReceived(plain.requests[1], 'http'), jwks).keyid).toBe(next.kid);
    });
  });

  describe('SSRF guard', () => {
    it('should refuse a name that resolves to 127.0.0.1 without connecting', async () => {
      const tls = await receiver(undefined, true);
      names.set('receiver.test', v4('127.0.0.1'));
      const error = await sendError(client({ allowLoopback: false }).send(post(`https://receiver.test:${tls.port}/hook`)));
      expect(error).toBeInstanceOf(RefusedDestinationError);
      expect(error.message).toMatch(/127\.0\.0\.1 is a loopback address/);
      expect(lookups).toEqual(['receiver.test']);
      expect(tls.connections()).toBe(0);
    });

    const refusedTargets: Array<[string, LookupAddress[], RegExp]> = [
      ['loopback ::1', [{ address: '::1', family: 6 }], /loopback/],
      ['IPv4-mapped loopback', [{ address: '::ffff:127.0.0.1', family: 6 }], /loopback/],
      ['RFC 1918 10/8', v4('10.0.0.1'), /private/],
      ['RFC 1918 172.16/12', v4('172.16.5.4'), /private/],
      ['RFC 1918 192.168/16', v4('192.168.1.1'), /private/],
      ['IPv4-mapped private', [{ address: '::ffff:10.0.0.1', family: 6 }], /private/],
      ['unique local', [{ address: 'fd00::1', family: 6 }], /unique local/],
      ['link-local (metadata)', v4('169.254.169.254'), /link-local/],
      ['IPv6 link-local', [{ address: 'fe80::1', family: 6 }], /link-local/],
      ['CGNAT', v4('100.64.0.1'), /CGNAT/],
      ['multicast', v4('224.0.0.1'), /multicast/],
      ['unspecified', v4('0.0.0.0'), /unspecified/],
      ['IPv6 unspecified', [{ address: '::', family: 6 }], /unspecified/],
      ['reserved', v4('240.0.0.1'), /reserved/],
      ["the hub's own address", v4('8.8.4.4'), /the hub itself/],
      ['a public address next to a private one', [...v4('93.184.215.14'), ...v4('10.0.0.5')], /private/],
    ];
    it.each(refusedTargets)('should refuse a name resolving to %s', async (_name, addresses, reason) => {
      names.set('member.example', addresses);
      const error = await sendError(client({ allowLoopback: false }).send(post('https://member.example/hook')));
      expect(error).toBeInstanceOf(RefusedDestinationError);
      expect(error.message).toMatch(reason);
    });

    it('should refuse an address literal at connect time too, not only when the URL is checked', async () => {
      const connect = guardedConnector({
        policy: new DestinationPolicy({ allowLoopback: false, ownAddresses: [] }),
        connectTimeoutMs: 1000,
        resolve,
      });
      const error = await new Promise<Error | null>((done) =>
        connect(
          { hostname: '[::ffff:a9fe:a9fe]', host: '[::ffff:a9fe:a9fe]:443', protocol: 'https:', port: '443' } as never,
          (...args) => done(args[0]),
        ),
      );
      expect(error).toBeInstanceOf(RefusedDestinationError);
      expect(error?.message).toMatch(/link-local/);
    });

    it('should judge every new connection by what the name resolves to then (DNS change)', async () => {
      const tls = await receiver(() => ({ status: 204, headers: { connection: 'close' } }), true);
      names.set('receiver.test', v4('127.0.0.1'));
      const outbound = client();
      await outbound.send(post(`https://receiver.test:${tls.port}/hook`));
      names.set('receiver.test', v4('10.0.0.1'));

      const error = await sendError(outbound.send(post(`https://receiver.test:${tls.port}/hook`)));
      expect(error).toBeInstanceOf(RefusedDestinationError);
      expect(error.message).toMatch(/10\.0\.0\.1 is a private address/);
      expect(tls.requests).toHaveLength(1);
      expect(lookups).toEqual(['receiver.test', 'receiver.test']);
    });

    it('should not follow a redirect, here to a private address', async () => {
      const plain = await receiver(() => ({ status: 302, headers: { location: 'https://10.0.0.1/latest/meta-data' } }));
      const error = await sendError(client().send(post(`${plain.url}/hook`)));
      expect(error).toBeInstanceOf(OutboundResponseError);
      expect(error).toMatchObject({ status: 302, permanent: true });
      expect(error.message).toMatch(/redirects are not followed/);
      expect(plain.requests).toHaveLength(1);
      expect(lookups).toEqual([]);
    });

    it('should refuse http: and loopback without the development setting, before any lookup', async () => {
      const plain = await receiver();
      const error = await sendError(client({ allowLoopback: false }).send(post(`${plain.url}/hook`)));
      expect(error).toBeInstanceOf(RefusedDestinationError);
      expect(error.message).toMatch(/must be https:/);
      expect(plain.connections()).toBe(0);
    });
  });

  describe('answers', () => {
    it('should pass on Retry-After in seconds with a retryable 503', async () => {
      const plain = await receiver(() => ({ status: 503, headers: { 'retry-after': '30' } }));
      const error = await sendError(client().send(post(`${plain.url}/hook`)));
      expect(error).toBeInstanceOf(OutboundResponseError);
      expect(error).toMatchObject({ status: 503, permanent: false, retryAfterMs: 30_000 });
    });

    it('should pass on Retry-After as an HTTP date with a 429', async () => {
      // an HTTP date has whole seconds: between 120 and 121 s from now
      const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
      const plain = await receiver(() => ({ status: 429, headers: { 'retry-after': at.toUTCString() } }));
      const error = (await sendError(client().send(post(`${plain.url}/hook`)))) as OutboundResponseError;
      expect(error.retryAfterMs).toBeGreaterThan(115_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(121_000);
    });

    it('should call other 4xx answers permanent', async () => {
      const plain = await receiver(() => 404);
      const error = await sendError(client().send(post(`${plain.url}/hook`)));
      expect(error).toMatchObject({ status: 404, permanent: true });
    });

    it('should read an answer up to the cap and refuse a longer one', async () => {
      const plain = await receiver((req) => ({ status: 200, body: 'x'.repeat(req.path === '/small' ? 1024 : 5000) }));
      const outbound = client();
      expect((await outbound.send(post(`${plain.url}/small`))).body).toHaveLength(1024);
      const error = await sendError(outbound.send(post(`${plain.url}/large`)));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(error).toMatchObject({ status: 200, limitBytes: 1024 });
    });

    it('should reuse its pooled connections for consecutive requests to a destination', async () => {
      const plain = await receiver();
      const outbound = client();
      // the next request may be sent before undici has put the last one's connection back (signing
      // takes no turn of the event loop), so the pool may open its second connection, never more
      for (let i = 0; i < 6; i++) await outbound.send(post(`${plain.url}/hook`));
      expect(plain.requests).toHaveLength(6);
      expect(plain.connections()).toBeLessThanOrEqual(2);
    });
  });

  describe('timeouts', () => {
    const listen = async (server: Server | TcpServer) => {
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      cleanups.push(
        () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      );
      return (server.address() as AddressInfo).port;
    };

    it('should give up on a TLS handshake that never completes after the connect timeout', async () => {
      const sockets: Array<{ destroy(): void }> = [];
      const silent = createTcpServer((socket) => sockets.push(socket));
      cleanups.push(async () => sockets.forEach((s) => s.destroy()));
      const port = await listen(silent);
      names.set('receiver.test', v4('127.0.0.1'));
      const started = Date.now();
      const error = await sendError(client({ connectTimeoutMs: 300 }).send(post(`https://receiver.test:${port}/hook`)));
      expect(error).toBeInstanceOf(OutboundTransportError);
      expect(error.message).toMatch(/no connection within 300 ms/);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('should give up on an answer whose headers do not come within the headers timeout', async () => {
      const plain = await receiver(() => new Promise<number>(() => undefined));
      const error = await sendError(client({ headersTimeoutMs: 300 }).send(post(`${plain.url}/hook`)));
      expect(error).toBeInstanceOf(OutboundTransportError);
      expect(error.message).toMatch(/no answer within 300 ms/);
    });

    it('should give up on a body that stalls for the body timeout', async () => {
      const stalling = createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
      });
      const port = await listen(stalling);
      const error = await sendError(client({ bodyTimeoutMs: 300 }).send(post(`http://127.0.0.1:${port}/hook`)));
      expect(error).toBeInstanceOf(OutboundTransportError);
      expect(error.message).toMatch(/stalled for 300 ms/);
    });

    it('should end an exchange that trickles past its deadline', async () => {
      const timers: NodeJS.Timeout[] = [];
      const trickling = createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200);
        timers.push(setInterval(() => res.write('.'), 50));
      });
      cleanups.push(async () => timers.forEach((t) => clearInterval(t)));
      const port = await listen(trickling);
      const started = Date.now();
      const error = await sendError(client().send(post(`http://127.0.0.1:${port}/hook`, { timeoutMs: 400 })));
      expect(error).toBeInstanceOf(OutboundTransportError);
      expect(error.message).toMatch(/no complete answer within 400 ms/);
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });

  describe('politeness', () => {
    it('should open the circuit after consecutive failures and send nothing while it is open', async () => {
      const failing = await receiver(() => 500);
      const outbound = client();
      for (let i = 0; i < 3; i++) {
        expect(await sendError(outbound.send(post(`${failing.url}/hook`)))).toBeInstanceOf(OutboundResponseError);
      }
      expect(outbound.circuitOf(failing.url)).toBe('open');
      const error = await sendError(outbound.send(post(`${failing.url}/hook`)));
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect((error as CircuitOpenError).retryAfterMs).toBeGreaterThan(55_000);
      expect(failing.requests).toHaveLength(3);
    });

    it('should half-open with a single probe and close when it succeeds', async () => {
      let healthy = false;
      let releaseProbe = () => {};
      const flaky = await receiver(() => (healthy ? new Promise<number>((done) => (releaseProbe = () => done(204))) : 503));
      const outbound = client({ circuit: { failures: 2, openMs: 200 } });
      for (let i = 0; i < 2; i++) await sendError(outbound.send(post(`${flaky.url}/hook`)));
      expect(outbound.circuitOf(flaky.url)).toBe('open');
      await new Promise((r) => setTimeout(r, 250));
      healthy = true;

      const probe = outbound.send(post(`${flaky.url}/hook`));
      await new Promise((r) => setTimeout(r, 100));
      expect(await sendError(outbound.send(post(`${flaky.url}/hook`)))).toBeInstanceOf(CircuitOpenError);
      releaseProbe();
      expect((await probe).status).toBe(204);
      expect(outbound.circuitOf(flaky.url)).toBe('closed');
      expect(flaky.requests).toHaveLength(3);
    });

    it('should open the circuit for a dead destination (connection refused) without slowing another', async () => {
      const gone = await receiver();
      const deadUrl = gone.url;
      await gone.close();
      const alive = await receiver();
      const outbound = client();
      for (let i = 0; i < 3; i++) {
        expect(await sendError(outbound.send(post(`${deadUrl}/hook`)))).toBeInstanceOf(OutboundTransportError);
      }
      expect(await sendError(outbound.send(post(`${deadUrl}/hook`)))).toBeInstanceOf(CircuitOpenError);
      expect((await outbound.send(post(`${alive.url}/hook`))).status).toBe(204);
    });

    it('should refuse a request beyond the per-destination limit at once while other destinations are served', async () => {
      const held: Array<() => void> = [];
      let holding = true;
      const slow = await receiver(() => (holding ? new Promise<number>((done) => held.push(() => done(204))) : 204));
      const other = await receiver();
      const outbound = client({ concurrencyPerDestination: 2 });
      const inFlight = [outbound.send(post(`${slow.url}/hook`)), outbound.send(post(`${slow.url}/hook`))];

      const busy = await sendError(outbound.send(post(`${slow.url}/hook`)));
      expect(busy).toBeInstanceOf(DestinationBusyError);
      expect((await outbound.send(post(`${other.url}/hook`))).status).toBe(204);
      await waitUntil(() => held.length === 2);
      holding = false;
      held.forEach((release) => release());
      expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([204, 204]);
      expect((await outbound.send(post(`${slow.url}/hook`))).status).toBe(204);
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
