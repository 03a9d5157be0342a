import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import {
  childPort,
  createActiveMember,
  delegateLogging,
  messageRecord,
  MetricsScrape,
  testConfig,
  waitFor,
  type ActiveMember,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from './test-hub.js';

const TOKEN = 'metrics-token-0123456789abcdef-0123456789';
const WELL_KNOWN = '/.well-known/pres-im-provisioning/:domain';

describe('metrics (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let workerUrl: string;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const scrapeHub = async () => new MetricsScrape((await http().get('/metrics').set(bearer(TOKEN)).expect(200)).text);
  const scrapeWorker = async () => {
    const res = await fetch(`${workerUrl}/metrics`, { headers: bearer(TOKEN) });
    expect(res.status).toBe(200);
    return new MetricsScrape(await res.text());
  };

  beforeAll(async () => {
    const port = await childPort();
    const config = testConfig({ METRICS_TOKEN: TOKEN, WORKER_HEALTH_PORT: String(port) });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
    workerUrl = `http://${config.hub.host}:${port}`;
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await delegateLogging(hub.app, a);
    await delegateLogging(hub.app, b);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
  });

  describe('token', () => {
    it('should refuse a scrape of the hub without the token or with a wrong one (401 problem)', async () => {
      for (const headers of [{}, bearer('wrong-token-0123456789abcdef-0123456789')]) {
        const res = await http().get('/metrics').set(headers).expect(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.headers['www-authenticate']).toContain('Bearer');
        expect(res.body).toMatchObject({ status: 401 });
      }
    });

    it('should answer a scrape of the hub with the token in the Prometheus text format', async () => {
      const res = await http().get('/metrics').set(bearer(TOKEN)).expect(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const scrape = new MetricsScrape(res.text);
      expect(scrape.family('process_cpu_seconds_total')?.type).toBe('COUNTER');
      expect(scrape.family('hub_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    });

    it("should apply the same rule on the worker's health port", async () => {
      expect((await fetch(`${workerUrl}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${workerUrl}/metrics`, { headers: bearer('nope') });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('content-type')).toContain('application/problem+json');
      const scrape = await scrapeWorker();
      expect(scrape.family('hub_queue_jobs')?.type).toBe('GAUGE');
      expect(scrape.value('hub_queue_jobs', { queue: 'message-log', state: 'waiting' })).toBeGreaterThanOrEqual(0);
      expect(scrape.family('hub_queue_jobs')?.metrics.map((m) => m.labels?.queue)).toContain('chat');
    });
  });

  it('should count HTTP requests by route template and status, never by URL', async () => {
    const before = await scrapeHub();
    const route = { method: 'GET', route: '/v1/members/me', status: '200' };
    await http().get('/v1/members/me').set(bearer(a.token)).expect(200);
    await http().get('/v1/members/me').set(bearer(a.token)).expect(200);
    await http().get('/no/such/path/sip:carol@c.example.net').expect(404);
    const after = await scrapeHub();
    expect(after.value('hub_http_requests_total', route) - before.value('hub_http_requests_total', route)).toBe(2);
    expect(after.value('hub_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThan(
      before.value('hub_http_requests_total', { route: 'unmatched', status: '404' }),
    );
    expect(after.text).not.toContain('/no/such/path');
  });

  it('should count provisioning fetches by channel, cache hits, and the requests of the well-known route (fast path included)', async () => {
    const before = await scrapeHub();
    for (let i = 0; i < 3; i++) {
      await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(bearer(a.token)).expect(200);
    }
    await http().get('/v1/federation/provisioning').set(bearer(a.token)).expect(200);
    const after = await scrapeHub();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('hub_provisioning_fetches_total', { channel: 'http' })).toBe(3);
    expect(delta('hub_provisioning_fetches_total', { channel: 'federation' })).toBe(1);
    // the first fetch may render the view; the others are answered from the cache
    expect(delta('hub_provisioning_view_cache_total', { result: 'hit' })).toBeGreaterThanOrEqual(2);
    expect(delta('hub_http_requests_total', { route: WELL_KNOWN, status: '200' })).toBe(3);
    const latency = (s: MetricsScrape) =>
      s.histogramCount('hub_http_request_duration_seconds', { route: WELL_KNOWN, status: '200' });
    expect(latency(after) - latency(before)).toBe(3);
  });

  it('should count message-log records accepted, duplicate and rejected by reason, and per peering pair', async () => {
    const before = await scrapeHub();
    const record = messageRecord(a.domain, b.domain);
    const invalid = { ...messageRecord(a.domain, b.domain), direction: 'sideways' };
    const res = await http().post('/v1/message-log').set(bearer(a.token)).send([record, record, invalid]).expect(200);
    expect(res.body.counts).toEqual({ accepted: 1, duplicates: 1, rejected: 1 });
    const after = await scrapeHub();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('hub_message_log_records_total', { outcome: 'accepted' })).toBe(1);
    expect(delta('hub_message_log_records_total', { outcome: 'duplicate' })).toBe(1);
    expect(delta('hub_message_log_records_total', { outcome: 'rejected' })).toBe(1);
    expect(delta('hub_message_log_rejected_records_total', { reason: 'invalid' })).toBe(1);
    expect(delta('hub_message_log_pair_records_total', { origin: a.domain, peer: b.domain })).toBe(1);

    // the batch's job runs on the worker: its duration is measured there
    await waitFor(
      async () =>
        (await scrapeWorker()).histogramCount('hub_queue_job_duration_seconds', { queue: 'message-log', outcome: 'completed' }) >
          0 || null,
    );
  });

  it('should count decisions taken for requests by service and reason', async () => {
    const before = await scrapeHub();
    await http().get('/v1/interconnect/decisions').query({ peer: b.domain, service: 'im' }).set(bearer(a.token)).expect(200);
    const after = await scrapeHub();
    const labels = { service: 'im' };
    expect(
      after.value('hub_interconnect_decisions_total', labels) - before.value('hub_interconnect_decisions_total', labels),
    ).toBe(1);
  });

  it('should carry no user URI anywhere in either scrape after traffic that named users', async () => {
    await http()
      .post('/v1/message-log')
      .set(bearer(a.token))
      .send([
        messageRecord(a.domain, b.domain, {
          sender: 'sip:alice.secret@a.example.com',
          recipients: ['sip:bob.secret@b.example.org'],
        }),
      ])
      .expect(200);
    await http().get('/v1/members/sip:alice.secret@a.example.com').set(bearer(a.token));
    for (const scrape of [await scrapeHub(), await scrapeWorker()]) {
      expect(scrape.text).not.toMatch(/alice|bob|carol|secret/);
      expect(scrape.text).not.toMatch(/(sip|xmpp|matrix|im|pres):[^"\s]*@/);
    }
  });
});

describe('metrics on a port of their own (e2e)', () => {
  let hub: TestHub;
  let metricsUrl: string;

  beforeAll(async () => {
    const port = await childPort();
    const config = testConfig({ HUB_METRICS_PORT: String(port) });
    hub = await startTestHub(config);
    metricsUrl = `http://${config.hub.host}:${port}`;
  });
  afterAll(() => hub?.close());

  it('should answer /metrics on the main port like an unknown path (404)', async () => {
    const res = await request(hub.app.getHttpServer()).get('/metrics').expect(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('should serve /metrics on the metrics port, without credentials when no token is configured, and nothing else there', async () => {
    const res = await fetch(`${metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(new MetricsScrape(await res.text()).family('hub_http_requests_total')?.type).toBe('COUNTER');
    const elsewhere = await fetch(`${metricsUrl}/health/live`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get('content-type')).toBe('application/problem+json');
    expect(await elsewhere.json()).toMatchObject({ type: '/problems/not-found', status: 404 });
  });
});

describe('metrics on a port of their own, with a token (e2e)', () => {
  let hub: TestHub;
  let metricsUrl: string;

  beforeAll(async () => {
    const port = await childPort();
    const config = testConfig({ HUB_METRICS_PORT: String(port), METRICS_TOKEN: TOKEN });
    hub = await startTestHub(config);
    metricsUrl = `http://${config.hub.host}:${port}`;
  });
  afterAll(() => hub?.close());

  it('should refuse a scrape without the token or with a wrong one (401 problem), and answer one with it', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-0123456789abcdef-0123456789' }] as Array<
      Record<string, string>
    >) {
      const res = await fetch(`${metricsUrl}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toMatchObject({ status: 401 });
    }
    const res = await fetch(`${metricsUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(new MetricsScrape(await res.text()).family('hub_http_requests_total')?.type).toBe('COUNTER');
  });
});
