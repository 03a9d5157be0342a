import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerMetricsRequest } from './metrics-server.js';
import { MetricsRegistry } from './metrics-registry.js';

const TOKEN = 'metrics-token-0123456789abcdef-0123456789';

/** The worker's health port and the hub's metrics port in small: metrics, else a 404 of the caller's. */
async function serve(token: string | undefined): Promise<{ url: string; server: Server }> {
  const metrics = new MetricsRegistry();
  const server = createServer((request, response) => {
    void answerMetricsRequest(request, response, metrics, token).then((answered) => {
      if (!answered) response.writeHead(404).end('not ours');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe(answerMetricsRequest.name, () => {
  let server: Server;
  let url: string;
  beforeAll(async () => ({ url, server } = await serve(TOKEN)));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('should refuse a scrape without the token, with a wrong one or another scheme: 401 problem with a Bearer challenge', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`]) {
      const res = await fetch(`${url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toMatchObject({ type: '/problems/unauthenticated', status: 401 });
    }
  });

  it('should answer the exposition with the token, and HEAD without a body', async () => {
    const res = await fetch(`${url}/metrics?x=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('# TYPE process_cpu_seconds_total counter');
    const head = await fetch(`${url}/metrics`, { method: 'HEAD', headers: { authorization: `Bearer ${TOKEN}` } });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('should answer another method with 405 naming the allowed ones, before looking at the token', async () => {
    const res = await fetch(`${url}/metrics`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.json()).toMatchObject({ status: 405 });
  });

  it('should leave every other path to the caller', async () => {
    for (const path of ['/', '/metrics/', '/metricsx', '/health/ready']) {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect([path, res.status, await res.text()]).toEqual([path, 404, 'not ours']);
    }
  });

  it('should let every scrape through when no token is configured', async () => {
    const open = await serve(undefined);
    try {
      expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => open.server.close(resolve));
    }
  });
});
