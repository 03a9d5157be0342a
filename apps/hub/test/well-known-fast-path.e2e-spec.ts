import { jest } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { ChangeBus } from '@app/db';
import { ProvisioningViews } from '@app/provisioning';
import { createActiveMember, memberDocument, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { WellKnownFastPath } from '../src/provisioning/well-known-fast-path.js';
import { startTestHub, TestHub } from './test-hub.js';

interface RawResponse {
  status: number;
  /** [name, value] in the order they came on the wire */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Headers that differ between any two responses: compared by name and position only. */
const PER_RESPONSE = new Set(['date', 'x-request-id']);
const comparable = (res: RawResponse) => res.headers.map(([n, v]) => [n, PER_RESPONSE.has(n) ? '*' : v]);
const header = (res: RawResponse, name: string) => res.headers.find(([n]) => n === name)?.[1];

/**
 * The cache-hit fast path in front of Fastify (WellKnownFastPath): the first request of a
 * requestor is a miss answered by the Fastify route, which fills the caches; the next ones are
 * answered by the fast path. Both must be indistinguishable on the wire, and every change must
 * reach the fast path as fast as it reaches the route.
 */
describe('well-known fast path (e2e)', () => {
  let hub: TestHub;
  let port: number;
  let a: ActiveMember;
  let b: ActiveMember;
  /** the fast path's answers (true: it served, false: Fastify did), one per request */
  let served: jest.SpiedFunction<WellKnownFastPath['serve']>;
  /** calls reaching the Fastify route's view lookup */
  let routeViews: jest.SpiedFunction<ProvisioningViews['memberView']>;

  const path = (domain: string) => `/.well-known/pres-im-provisioning/${domain}`;
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  /** for each well-known request so far (other requests pass the fast path too), whether it answered */
  const fastPathAnswers = () =>
    served.mock.calls.flatMap(([request], i) =>
      request.url?.startsWith(path('')) ? [served.mock.results[i].value as boolean] : [],
    );

  function get(
    target: string,
    headers: Record<string, string> = {},
    method = 'GET',
    agent: http.Agent | false = false,
  ): Promise<RawResponse & { reusedSocket: boolean }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: target, method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const pairs: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
          resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket });
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * A change is applied in this process at once and then comes back through LISTEN a few
   * milliseconds later, dropping the member's views a second time. Waiting for a marker sent after
   * it (notifications arrive in commit order) keeps that echo from dropping a view a test has just
   * cached, which would turn an expected hit into a miss.
   */
  let markers = 0;
  async function changesSettled(): Promise<void> {
    const marker = `test-marker:${++markers}`;
    const changes = hub.app.get(ChangeBus);
    const seen = new Promise<void>((resolve) => {
      const off = changes.subscribe((key) => {
        if (key !== marker) return;
        off();
        resolve();
      });
    });
    await changes.announce([marker], hub.app.get(DataSource).manager);
    await seen;
  }

  /** A state-changing request; returns once its change has reached every cache. */
  async function call(method: string, target: string, headers: Record<string, string>, body?: unknown): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${port}${target}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await res.arrayBuffer();
    await changesSettled();
    return res.status;
  }
  const publish = async (m: ActiveMember, doc: unknown) =>
    expect(await call('PUT', '/v1/provisioning', auth(m), doc)).toBeLessThan(300);

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.app.listen(0, '127.0.0.1');
    port = (hub.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await publish(b, memberDocument(b.domain));
    served = jest.spyOn(WellKnownFastPath.prototype, 'serve');
    routeViews = jest.spyOn(hub.app.get(ProvisioningViews), 'memberView');
  });
  afterEach(() => jest.restoreAllMocks());

  it('should answer a hit itself with the same status, headers and bytes as the Fastify route', async () => {
    const miss = await get(path(b.domain), auth(a));
    const hit = await get(path(b.domain), auth(a));
    expect(fastPathAnswers()).toEqual([false, true]);
    expect(routeViews).toHaveBeenCalledTimes(1);
    expect(miss.status).toBe(200);
    expect(hit.status).toBe(200);
    expect(hit.body.equals(miss.body)).toBe(true);
    expect(miss.body.toString()).toContain(`for="${a.domain}"`);
    expect(comparable(hit)).toEqual(comparable(miss));
    expect(Object.fromEntries(hit.headers)).toMatchObject({
      'content-type': 'application/pres-im-provisioning+xml; charset=utf-8',
      'content-length': String(miss.body.length),
      vary: 'Accept, Authorization',
      'cache-control': 'private, no-cache',
      etag: header(miss, 'etag'),
    });
  });

  it('should serve the JSON view per Accept the same way, and leave unacceptable formats to the route', async () => {
    const json = { Accept: 'text/html;q=0.5, application/json' };
    const miss = await get(path(b.domain), { ...auth(a), ...json });
    const hit = await get(path(b.domain), { ...auth(a), ...json });
    expect(fastPathAnswers()).toEqual([false, true]);
    expect(hit.body.equals(miss.body)).toBe(true);
    expect(comparable(hit)).toEqual(comparable(miss));
    expect(header(hit, 'content-type')).toBe('application/pres-im-provisioning+json; charset=utf-8');
    expect(JSON.parse(hit.body.toString())).toMatchObject({ domain: b.domain, for: a.domain });
    expect((await get(path(b.domain), { ...auth(a), Accept: 'text/html' })).status).toBe(406);
    expect(fastPathAnswers()).toEqual([false, true, false]);
  });

  it('should answer If-None-Match with the same 304 as the route', async () => {
    const first = await get(path(b.domain), auth(a));
    const conditional = { ...auth(a), 'If-None-Match': `W/"x", ${header(first, 'etag')}` };
    served.mockClear();
    const viaFast = await get(path(b.domain), conditional);
    expect(fastPathAnswers()).toEqual([true]);
    const viaRoute = await get(`${path(b.domain)}?`, conditional); // a query string always goes to Fastify
    expect(fastPathAnswers()).toEqual([true, false]);
    expect(viaFast.status).toBe(304);
    expect(viaRoute.status).toBe(304);
    expect(viaFast.body.length).toBe(0);
    expect(comparable(viaFast)).toEqual(comparable(viaRoute));
    expect(header(viaFast, 'content-length')).toBeUndefined();
    const other = await get(path(b.domain), { ...auth(a), 'If-None-Match': '"something-else"' });
    expect(other.status).toBe(200);
  });

  it('should echo a safe X-Request-Id and mint a unique UUID-shaped one otherwise', async () => {
    await get(path(b.domain), auth(a));
    const echoed = await get(path(b.domain), { ...auth(a), 'X-Request-Id': 'trace-42.a:b' });
    const minted1 = await get(path(b.domain), { ...auth(a), 'X-Request-Id': 'not safe!' });
    const minted2 = await get(path(b.domain), auth(a));
    expect(fastPathAnswers()).toEqual([false, true, true, true]);
    expect(header(echoed, 'x-request-id')).toBe('trace-42.a:b');
    expect(header(minted1, 'x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(header(minted2, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(minted2, 'x-request-id')).not.toBe(header(minted1, 'x-request-id'));
  });

  it('should refuse a revoked API key on the very next request', async () => {
    await get(path(b.domain), auth(a));
    expect((await get(path(b.domain), auth(a))).status).toBe(200);
    expect(await call('DELETE', `/admin/v1/members/${a.domain}/keys/${a.keyId}`, operatorAuth)).toBe(204);
    const refused = await get(path(b.domain), auth(a));
    expect(refused.status).toBe(401);
    expect(header(refused, 'content-type')).toContain('application/problem+json');
    expect(fastPathAnswers()).toEqual([false, true, false]);
  });

  it('should refuse a revoked API key on a kept-alive connection, and serve another key on it', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await get(path(b.domain), auth(a), 'GET', agent);
      const hit = await get(path(b.domain), auth(a), 'GET', agent);
      expect(hit).toMatchObject({ status: 200, reusedSocket: true });
      const own = await get(path(b.domain), auth(b), 'GET', agent);
      expect(own.reusedSocket).toBe(true);
      expect(own.body.toString()).toContain(`for="${b.domain}"`);
      expect(await call('DELETE', `/admin/v1/members/${a.domain}/keys/${a.keyId}`, operatorAuth)).toBe(204);
      const refused = await get(path(b.domain), auth(a), 'GET', agent);
      expect(refused).toMatchObject({ status: 401, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it('should refuse a suspended requestor on the very next request, every time, and serve it again when reinstated', async () => {
    await get(path(b.domain), auth(a));
    expect((await get(path(b.domain), auth(a))).status).toBe(200);
    expect(await call('POST', `/admin/v1/members/${a.domain}/suspend`, operatorAuth, {})).toBe(200);
    // the first refusal caches the principal as suspended: the fast path must still decline it
    expect((await get(path(b.domain), auth(a))).status).toBe(403);
    expect((await get(path(b.domain), auth(a))).status).toBe(403);
    expect(await call('POST', `/admin/v1/members/${a.domain}/reinstate`, operatorAuth, {})).toBe(200);
    expect((await get(path(b.domain), auth(a))).status).toBe(200);
    expect((await get(path(b.domain), auth(a))).status).toBe(200);
    expect(fastPathAnswers()).toEqual([false, true, false, false, false, true]);
  });

  it('should reflect a privacy change and an override change at once', async () => {
    const before = await get(path(b.domain), auth(a));
    await get(path(b.domain), auth(a));
    await publish(b, memberDocument(b.domain, { deny: [a.domain] }));
    expect((await get(path(b.domain), auth(a))).status).toBe(404);
    expect((await get(path(b.domain), auth(a))).status).toBe(404); // 404s are never cached
    await publish(b, memberDocument(b.domain));
    expect((await get(path(b.domain), auth(a))).status).toBe(200);
    const edge = { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'edge-for-a.b.example.org' }] } };
    expect(await call('PUT', `/v1/provisioning/overrides/${a.domain}`, auth(b), { connectivity: edge })).toBe(200);
    const overridden = await get(path(b.domain), auth(a));
    const overriddenHit = await get(path(b.domain), auth(a));
    expect(overridden.body.toString()).toContain('edge-for-a.b.example.org');
    expect(overriddenHit.body.equals(overridden.body)).toBe(true);
    expect(header(overriddenHit, 'etag')).not.toBe(header(before, 'etag'));
    expect(fastPathAnswers()).toEqual([false, true, false, false, false, false, true]);
  });

  it('should leave anonymous callers, unknown keys, signed-request tokens, HEAD and other spellings to Fastify', async () => {
    const anonymous = [await get(path(b.domain)), await get(path(b.domain))];
    expect(anonymous.map((r) => [r.status, header(r, 'cache-control')])).toEqual([
      [200, 'public, max-age=60'],
      [200, 'public, max-age=60'],
    ]);
    const unknown = { Authorization: 'Bearer hubmk_wrong-wrong-wrong-wrong' };
    expect([(await get(path(b.domain), unknown)).status, (await get(path(b.domain), unknown)).status]).toEqual([401, 401]);
    expect((await get(path(b.domain), { Authorization: 'Bearer a.b.c-not-a-real-jws-token' })).status).toBe(401);
    expect((await get(path(b.domain), { Authorization: 'Basic Zm9vOmJhcg==' })).status).toBe(401);
    await get(path(b.domain), auth(a)); // fills both caches
    const head = await get(path(b.domain), auth(a), 'HEAD');
    expect(head.status).toBe(200);
    expect((await get(path('B.Example.ORG'), auth(a))).status).toBe(200);
    expect((await get(path('b%2Eexample.org'), auth(a))).status).toBe(200);
    expect((await get(`${path(b.domain)}/`, auth(a))).status).toBe(404);
    expect((await get(path('nobody.example.net'), auth(a))).status).toBe(404);
    expect(fastPathAnswers().every((answered) => !answered)).toBe(true);
    expect((await get(path(b.domain), auth(a))).status).toBe(200);
    expect(fastPathAnswers().at(-1)).toBe(true);
  });
});
