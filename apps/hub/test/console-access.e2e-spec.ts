import request from 'supertest';
import { createActiveMember, createPendingMember, operatorAuth, testConfig, TEST_OPERATOR_TOKEN } from '@app/testing';
import { buildConsole, SAME_ORIGIN, signIn } from './console-fixtures.js';
import { startTestHub, TestHub } from './test-hub.js';

const CROSS_SITE = { Host: 'hub.test.example', Origin: 'https://evil.example' };

describe('web console access and the admin API with the session cookie (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    buildConsole();
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub?.close());
  beforeEach(() => hub.reset());

  it('should refuse the page and its assets without a sign-in, sending a browser to the sign-in form', async () => {
    for (const path of ['/console', '/console/assets/console.js', '/console/assets/console.css']) {
      const res = await http().get(path).expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await http().get(path).set('Cookie', 'hub_operator_session=hubos_forged').expect(401);
    }
    const page = await http().get('/console').set('Accept', 'text/html').expect(303);
    expect(page.headers.location).toBe('/admin/sign-in?next=%2Fconsole');
  });

  it("should refuse a member's API key with 403", async () => {
    const member = await createActiveMember(hub.app);
    for (const path of ['/console', '/console/assets/console.js', '/admin/v1/interconnect/graph', '/admin/v1/operators/me']) {
      await http()
        .get(path)
        .set({ Authorization: `Bearer ${member.token}` })
        .expect(403);
    }
  });

  it('should set the session cookie for /admin and /console, and serve the page with a strict policy', async () => {
    const { setCookies, cookie } = await signIn(hub.app, TEST_OPERATOR_TOKEN);
    expect(setCookies).toEqual([
      expect.stringMatching(/^hub_operator_session=hubos_[\w-]+; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=28800$/),
      expect.stringMatching(/^hub_operator_session=hubos_[\w-]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=28800$/),
    ]);
    const page = await http().get('/console').set('Cookie', cookie).expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script type="module" src="/console/assets/console.js">');
    const csp = page.headers['content-security-policy'];
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe-inline');
    // a browser sends the Origin the cookie's changes need only under a policy that allows it
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect((await http().get('/admin/sign-in')).headers['referrer-policy']).toBe('same-origin');
    const script = await http().get('/console/assets/console.js').set('Cookie', cookie).expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain('/admin/v1');
    await http().get('/console/assets/console.css').set(operatorAuth).expect(200);
    for (const file of ['index.html', 'app.js', '..%2Fpackage.json', '%2e%2e']) {
      const res = await http().get(`/console/assets/${file}`).set('Cookie', cookie).expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('should accept the cookie on the admin API, and a change with it from the hub’s own pages only', async () => {
    const { cookie } = await signIn(hub.app, TEST_OPERATOR_TOKEN);
    const me = await http().get('/admin/v1/operators/me').set('Cookie', cookie).expect(200);
    expect(me.body).toEqual({ id: expect.any(String), name: 'bootstrap', role: 'admin' });
    const pending = await createPendingMember(hub.app);
    const approve = `/admin/v1/members/${pending.domain}/approve`;

    // what another site can make a browser send: the cookie, with its own Origin or a cross-site fetch
    await http().post(approve).set('Cookie', cookie).set(CROSS_SITE).send({}).expect(403);
    await http().post(approve).set('Cookie', cookie).set('Sec-Fetch-Site', 'cross-site').send({}).expect(403);
    await http().post(approve).set('Cookie', 'hub_operator_session=hubos_forged').set(SAME_ORIGIN).send({}).expect(401);
    expect((await http().get(`/admin/v1/members/${pending.domain}`).set(operatorAuth)).body.status).toBe('pending');

    await http().post(approve).set('Cookie', cookie).set(SAME_ORIGIN).send({}).expect(200);
    const audit = await http().get(`/admin/v1/audit?action=member.approve&targetId=${pending.domain}`).set(operatorAuth);
    expect(audit.body.items[0]).toMatchObject({ actor: { type: 'operator', id: me.body.id } });
  });

  it("should refuse an auditor's changes made with the cookie", async () => {
    const created = await http()
      .post('/admin/v1/operators')
      .set(operatorAuth)
      .send({ name: 'carol', role: 'auditor' })
      .expect(201);
    const { cookie } = await signIn(hub.app, created.body.token as string);
    expect((await http().get('/admin/v1/operators/me').set('Cookie', cookie).expect(200)).body.role).toBe('auditor');
    await http().get('/console').set('Cookie', cookie).expect(200);
    const pending = await createPendingMember(hub.app);
    await http().post(`/admin/v1/members/${pending.domain}/approve`).set('Cookie', cookie).set(SAME_ORIGIN).send({}).expect(403);
  });

  it('should end the session on sign-out for both paths', async () => {
    const { cookie } = await signIn(hub.app, TEST_OPERATOR_TOKEN);
    const out = await http().post('/admin/sign-out').set('Cookie', cookie).set(SAME_ORIGIN).expect(303);
    const cleared = out.headers['set-cookie'] as unknown as string[];
    expect(cleared.map((c) => c.replace(/; Max-Age=0.*/, ''))).toEqual([
      'hub_operator_session=; Path=/admin; HttpOnly; SameSite=Strict',
      'hub_operator_session=; Path=/console; HttpOnly; SameSite=Strict',
    ]);
    await http().get('/admin/v1/operators/me').set('Cookie', cookie).expect(401);
    await http().get('/console').set('Cookie', cookie).expect(401);
  });

  it('should describe the peering graph: members, agreements, offers, refusals and blocks', async () => {
    const [a, b, c] = [await createActiveMember(hub.app), await createActiveMember(hub.app), await createActiveMember(hub.app)];
    const pending = await createPendingMember(hub.app);
    const offer = async (from: typeof a, to: typeof a) =>
      (
        await http()
          .post('/v1/interconnect/offers')
          .set({ Authorization: `Bearer ${from.token}` })
          .send({ peer: to.domain, services: ['im'] })
          .expect(201)
      ).body.id as string;
    const accepted = await offer(a, b);
    await http()
      .post(`/v1/interconnect/agreements/${accepted}/accept`)
      .set({ Authorization: `Bearer ${b.token}` })
      .expect(200);
    const open = await offer(b, c);
    const refused = await offer(c, a);
    await http()
      .post(`/v1/interconnect/agreements/${refused}/reject`)
      .set({ Authorization: `Bearer ${a.token}` })
      .expect(200);
    const revoked = await offer(a, c);
    await http()
      .post(`/v1/interconnect/agreements/${revoked}/revoke`)
      .set({ Authorization: `Bearer ${a.token}` })
      .expect(200);
    await http().post('/admin/v1/blocks').set(operatorAuth).send({ a: c.domain, b: a.domain, reason: 'sanctions' }).expect(204);
    await http()
      .post('/v1/interconnect/blocks')
      .set({ Authorization: `Bearer ${b.token}` })
      .send({ peer: a.domain })
      .expect(204);

    await http().get('/admin/v1/interconnect/graph').expect(401);
    const graph = (await http().get('/admin/v1/interconnect/graph').set(operatorAuth).expect(200)).body;
    expect(graph.mode).toBe('open');
    expect(graph.nodes).toEqual(
      expect.arrayContaining([
        { domain: a.domain, displayName: `Network ${a.domain}`, status: 'active' },
        { domain: pending.domain, displayName: `Network ${pending.domain}`, status: 'pending' },
      ]),
    );
    const edges = (graph.edges as Array<Record<string, unknown>>).map(({ id, kind, source, target, reason }) => ({
      id,
      kind,
      source,
      target,
      reason,
    }));
    const [first, second] = [a.domain, c.domain].sort();
    expect(edges).toEqual(
      expect.arrayContaining([
        { id: accepted, kind: 'agreement', source: a.domain, target: b.domain, reason: null },
        { id: open, kind: 'offer', source: b.domain, target: c.domain, reason: null },
        { id: refused, kind: 'refusal', source: c.domain, target: a.domain, reason: null },
        { id: `operator-block:${first}:${second}`, kind: 'operator-block', source: first, target: second, reason: 'sanctions' },
        { id: `member-block:${b.domain}:${a.domain}`, kind: 'member-block', source: b.domain, target: a.domain, reason: null },
      ]),
    );
    expect(edges).toHaveLength(5);
  });
});
