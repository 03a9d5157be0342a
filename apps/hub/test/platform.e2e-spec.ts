import request from 'supertest';
import { operatorAuth, testConfig } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('hub platform endpoints (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());

  it('should report liveness and readiness of PostgreSQL and the queue backend', async () => {
    await http().get('/health/live').expect(200, { status: 'ok' });
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', queue: 'ok' } });
  });

  it('should serve the OpenAPI document and UI at /docs', async () => {
    const doc = await http().get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/applications',
        '/admin/v1/members',
        '/admin/v1/members/{domain}/approve',
        '/admin/v1/audit',
        '/.well-known/pres-im-provisioning/{domain}',
      ]),
    );
    const ui = await http().get('/docs').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('should echo a safe X-Request-Id and mint one otherwise', async () => {
    const echoed = await http().get('/health/live').set('X-Request-Id', 'abc-123').expect(200);
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const minted = await http().get('/health/live').set('X-Request-Id', 'bad id\twith spaces').expect(200);
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should answer unknown routes with a 404 problem document', async () => {
    const res = await http().get('/nope').expect(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('should answer 413 problem+json for an oversized body and change nothing', async () => {
    const big = await http()
      .post('/admin/v1/members')
      .set(operatorAuth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ domain: 'x.example.com', displayName: 'x'.repeat(2 * 1024 * 1024), protocols: ['sip'] }));
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
    await http().get('/admin/v1/members/x.example.com').set(operatorAuth).expect(404);
  });
});
