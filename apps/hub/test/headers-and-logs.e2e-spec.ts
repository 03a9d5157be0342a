import request from 'supertest';
import {
  childPort,
  compiledAppEnv,
  createActiveMember,
  ensureCompiled,
  operatorAuth,
  startCompiled,
  TEST_OPERATOR_TOKEN,
  testConfig,
  waitFor,
  type CompiledApp,
} from '@app/testing';
import { DataSource } from 'typeorm';
import { startTestHub, TestHub } from './test-hub.js';

describe('response headers (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.reset();
  });
  afterAll(() => hub.close());

  it.each([
    ['a public route', () => http().get('/health/live'), 200],
    ['the JWKS', () => http().get('/.well-known/jwks.json'), 200],
    ['an unknown route', () => http().get('/no/such/route'), 404],
    ['a missing credential', () => http().get('/v1/members/me'), 401],
    ['a refused body', () => http().post('/v1/applications').send({ domain: 'x' }), 400],
    ['an unknown member view', () => http().get('/.well-known/pres-im-provisioning/unknown.example.org'), 404],
    ['the OpenAPI document', () => http().get('/docs/openapi.json'), 200],
  ])('should send X-Content-Type-Options: nosniff on %s', async (_what, call, status) => {
    const res = await call();
    expect(res.status).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('should send Cache-Control: no-store with every API key and operator token issued', async () => {
    const pending = await http()
      .post('/admin/v1/members')
      .set(operatorAuth)
      .send({ domain: 'secrets.example.org', displayName: 'S', protocols: ['xmpp'], contacts: {} })
      .expect(201);
    expect(pending.headers['cache-control']).toBe('no-store');
    const approved = await http().post('/admin/v1/members/secrets.example.org/approve').set(operatorAuth).send({}).expect(200);
    expect(approved.body.apiKey.token).toMatch(/^hubmk_/);
    expect(approved.headers['cache-control']).toBe('no-store');
    const rotated = await http().post('/admin/v1/members/secrets.example.org/keys').set(operatorAuth).send({}).expect(201);
    expect(rotated.body.token).toMatch(/^hubmk_/);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const operator = await http()
      .post('/admin/v1/operators')
      .set(operatorAuth)
      .send({ name: 'carol', role: 'auditor' })
      .expect(201);
    expect(operator.body.token).toBeDefined();
    expect(operator.headers['cache-control']).toBe('no-store');
  });

  it('should keep the caching of the routes meant to be cached', async () => {
    const jwks = await http().get('/.well-known/jwks.json').expect(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
  });

  it('should list the bootstrap operator without any part of its token', async () => {
    const res = await http().get('/admin/v1/operators').set(operatorAuth).expect(200);
    const bootstrap = res.body.items.find((o: { name: string }) => o.name === 'bootstrap');
    expect(bootstrap.prefix).toBeNull();
    expect(res.text).not.toContain(TEST_OPERATOR_TOKEN.slice(0, 6));
  });

  it('should serve /docs under a Content-Security-Policy that lets Swagger UI load its own scripts only', async () => {
    const page = await http().get('/docs').redirects(1).expect(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // every script is a file of the hub's own origin (no inline script, which the CSP would block)
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(inline.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1] as string;
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const script = await http().get(new URL(src, 'http://hub/docs').pathname).expect(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    }
  });
});

describe('process logs (e2e)', () => {
  /** a parameter of a statement PostgreSQL refuses: it must not appear in the logs */
  const REFUSED = 'refused-parameter-value';
  const config = testConfig();
  let setup: TestHub;
  let compiled: CompiledApp | undefined;
  let url: string;

  beforeAll(async () => {
    ensureCompiled();
    setup = await startTestHub(config);
    await setup.reset();
    const port = await childPort();
    compiled = startCompiled('hub', compiledAppEnv(config, { HUB_PORT: String(port), HUB_LOG_LEVEL: 'debug' }));
    url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => undefined))?.ok === true, 60_000, 100);
  }, 120_000);
  afterAll(async () => {
    await compiled?.kill('SIGTERM');
    await setup?.close();
  });

  const call = (method: string, path: string, body?: unknown, token = TEST_OPERATOR_TOKEN) =>
    fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('should write one JSON format, with Nest route mapping at debug level, and no secret', async () => {
    const member = await createActiveMember(setup.app, 'logged.example.org');
    const operator = (await (await call('POST', '/admin/v1/operators', { name: 'dave', role: 'auditor' })).json()) as {
      token: string;
    };
    // a statement PostgreSQL refuses, with a parameter worth keeping out of the logs: the hub refuses
    // nothing a valid request sends, so the test adds (and drops) a constraint of its own
    const dataSource = setup.app.get(DataSource);
    await dataSource.query(`ALTER TABLE members ADD CONSTRAINT test_refused_name CHECK (display_name <> '${REFUSED}')`);
    try {
      const refused = await call('POST', '/admin/v1/members', {
        domain: 'refused.example.org',
        displayName: REFUSED,
        protocols: ['xmpp'],
        contacts: {},
      });
      expect(refused.status).toBe(500);
    } finally {
      await dataSource.query('ALTER TABLE members DROP CONSTRAINT test_refused_name');
    }
    await call('GET', '/v1/members/me', undefined, member.token);
    await call('GET', '/admin/v1/operators');

    const output = compiled?.output() ?? '';
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    const records = lines.map((l) => JSON.parse(l) as { level: number; name: string; context?: string; msg?: string });
    expect(records.every((r) => r.name === 'hub')).toBe(true);
    const mapped = records.filter((r) => r.context === 'RouterExplorer');
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped.every((r) => r.level === 20)).toBe(true);
    expect(records.some((r) => r.context === 'Hub' && r.level === 30)).toBe(true);
    expect(records.some((r) => typeof (r as { req?: unknown }).req === 'object')).toBe(true); // Fastify's own lines
    for (const secret of [TEST_OPERATOR_TOKEN, TEST_OPERATOR_TOKEN.slice(0, 6), member.token, operator.token]) {
      expect(output).not.toContain(secret);
    }
    const failed = records.filter((r) => r.msg?.startsWith('query failed'));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((r) => r.msg?.includes('SQLSTATE 23514'))).toBe(true);
    expect(output).not.toContain(REFUSED);
  });
});
