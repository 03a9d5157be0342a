import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { createActiveMember, operatorAuth, testConfig, TEST_OPERATOR_TOKEN } from '@app/testing';
import { launchConsoleBrowser, type ConsoleBrowser } from './console-browser.js';
import { ARTIFACTS, buildConsole } from './console-fixtures.js';
import { startTestHub, TestHub } from './test-hub.js';

/** The console in a real browser (Debian's chromium driven by playwright-core), against a real hub. */
describe('web console in a browser (e2e)', () => {
  let hub: TestHub;
  let chromium: ConsoleBrowser;
  let base: string;
  const http = () => request(hub.app.getHttpServer());
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** Signs in through the form the console sends an unauthenticated browser to. */
  const signIn = async (page: Page, token: string) => {
    await page.goto(`${base}/console`);
    await page.waitForURL(`${base}/admin/sign-in?next=%2Fconsole`);
    await page.fill('#token', token);
    await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')]);
    await page
      .locator('#who')
      .filter({ hasText: /\(admin\)|\(auditor\)/ })
      .waitFor();
  };

  beforeAll(async () => {
    buildConsole();
    hub = await startTestHub(testConfig());
    await hub.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(hub.app.getHttpServer().address() as AddressInfo).port}`;
    chromium = await launchConsoleBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
    await hub?.close();
  });
  beforeEach(() => hub.reset());

  it('should send an unauthenticated browser to the sign-in form and refuse it the assets and the data', async () => {
    const { page, errors } = await chromium.newPage();
    const response = await page.goto(`${base}/console`);
    expect(page.url()).toBe(`${base}/admin/sign-in?next=%2Fconsole`);
    expect(response?.status()).toBe(200);
    await shot(page, '01-sign-in');
    for (const path of ['/console/assets/console.js', '/admin/v1/members', '/admin/v1/interconnect/graph']) {
      expect((await page.goto(`${base}${path}`))?.status()).toBe(401);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('should sign in and approve a pending application after confirmation', async () => {
    await http()
      .post('/v1/applications')
      .send({ domain: 'applicant.example.org', displayName: 'Applicant Networks', protocols: ['xmpp'] })
      .expect(202);
    const { page, errors } = await chromium.newPage();
    await signIn(page, TEST_OPERATOR_TOKEN);
    await expect(page.locator('#who').textContent()).resolves.toBe('bootstrap (admin)');
    const row = page.locator('tr', { hasText: 'applicant.example.org' }).first();
    await row.waitFor();
    await shot(page, '02-members-pending');

    // cancelling changes nothing
    await row.locator('button[data-action=approve]').click();
    await page.click('#confirm button[value=cancel]');
    expect((await http().get('/admin/v1/members/applicant.example.org').set(operatorAuth)).body.status).toBe('pending');

    await row.locator('button[data-action=approve]').click();
    await page.fill('#confirm-reason', 'vetted by the board');
    await page.click('#confirm-ok');
    await page.locator('[data-first-key="applicant.example.org"]').waitFor();
    const member = (await http().get('/admin/v1/members/applicant.example.org').set(operatorAuth)).body;
    expect(member).toMatchObject({ status: 'active', statusReason: 'vetted by the board' });
    await page.locator('text=No application waits.').waitFor();
    await shot(page, '03-members-approved');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('should draw the peering graph, add the edge of an accepted agreement, and explain an edge', async () => {
    await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
    const [a, b, c] = [
      await createActiveMember(hub.app, 'alpha.example.com'),
      await createActiveMember(hub.app, 'bravo.example.org'),
      await createActiveMember(hub.app, 'charlie.example.net'),
    ];
    const offer = await http()
      .post('/v1/interconnect/offers')
      .set({ Authorization: `Bearer ${a.token}` })
      .send({ peer: b.domain, services: ['im', 'presence'] })
      .expect(201);
    await http()
      .post('/admin/v1/blocks')
      .set(operatorAuth)
      .send({ a: a.domain, b: c.domain, reason: 'sanctions list' })
      .expect(204);

    const { page, errors } = await chromium.newPage();
    await signIn(page, TEST_OPERATOR_TOKEN);
    await page.click('nav a[data-view=graph]');
    await page.locator('svg.graph .node').nth(2).waitFor();
    await expect(page.locator('.edge[data-kind=offer]').count()).resolves.toBe(1);
    await expect(page.locator('.edge[data-kind=agreement]').count()).resolves.toBe(0);
    await shot(page, '04-graph-offer');

    await http()
      .post(`/v1/interconnect/agreements/${offer.body.id}/accept`)
      .set({ Authorization: `Bearer ${b.token}` })
      .expect(200);
    await page.click('button:text("Refresh")');
    const agreement = page.locator(`.edge[data-kind=agreement][data-id="${offer.body.id}"]`);
    await agreement.waitFor();
    await expect(page.locator('.edge[data-kind=offer]').count()).resolves.toBe(0);

    await agreement.click();
    const explained = page.locator('.explanation[data-reason=allowed-by-agreement]');
    await explained.waitFor();
    await expect(explained.locator('td', { hasText: 'federation-policy' }).count()).resolves.toBe(1);
    await shot(page, '05-graph-agreement-explained');

    await page.locator('.edge[data-kind=operator-block]').click();
    await page.locator('.explanation[data-reason=blocked-by-operator]').waitFor();
    await expect(page.locator('.detail').textContent()).resolves.toContain('sanctions list');
    await shot(page, '06-graph-block-explained');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('should show the queues, usage, audit with operator names and the transparency chain', async () => {
    const member = await createActiveMember(hub.app, 'delta.example.com');
    const peer = await createActiveMember(hub.app, 'foxtrot.example.org');
    // usage to chart: hub-signed assertions, counted when issued
    for (const [from, to, times] of [
      [member, peer, 3],
      [peer, member, 1],
    ] as const) {
      for (let i = 0; i < times; i++) {
        await http()
          .post('/v1/interconnect/assertions')
          .set({ Authorization: `Bearer ${from.token}` })
          .send({ peer: to.domain, service: 'presence' })
          .expect(201);
      }
    }
    await http()
      .post(`/admin/v1/members/${member.domain}/suspend`)
      .set(operatorAuth)
      .send({ reason: 'abuse report' })
      .expect(200);
    const { page, errors } = await chromium.newPage();
    await signIn(page, TEST_OPERATOR_TOKEN);

    await page.click('nav a[data-view=queues]');
    await page.locator('section[data-view=queues] table').first().waitFor();
    await expect(page.locator('section[data-view=queues]').textContent()).resolves.toContain('change-notifications');
    await shot(page, '07-queues');

    await page.click('nav a[data-view=usage]');
    await page.locator('svg.chart').waitFor();
    await page.selectOption('select[aria-label=Measure]', 'assertionsIssued');
    await page.locator('polyline[data-series="delta.example.com"]').waitFor();
    await expect(page.locator('tr', { hasText: 'delta.example.com' }).locator('td.num').textContent()).resolves.toBe('3');
    await expect(page.locator('tr', { hasText: 'foxtrot.example.org' }).locator('td.num').textContent()).resolves.toBe('1');
    await shot(page, '08-usage');

    await page.click('nav a[data-view=audit]');
    const suspension = page.locator('tr', { hasText: 'member.suspend' });
    await suspension.waitFor();
    await expect(suspension.locator('[data-actor=operator]').textContent()).resolves.toBe('bootstrap (admin)');
    await expect(suspension.textContent()).resolves.toContain('abuse report');
    await shot(page, '09-audit');

    await page.click('nav a[data-view=transparency]');
    await page.locator('[data-chain=intact]').waitFor();
    await shot(page, '10-transparency');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('should offer an auditor no changes, and sign out', async () => {
    const created = await http()
      .post('/admin/v1/operators')
      .set(operatorAuth)
      .send({ name: 'carol', role: 'auditor' })
      .expect(201);
    await createActiveMember(hub.app, 'echo.example.com');
    const { page, errors } = await chromium.newPage();
    await signIn(page, created.body.token as string);
    await page.locator('tr', { hasText: 'echo.example.com' }).waitFor();
    await expect(page.locator('button[data-action]').count()).resolves.toBe(0);
    await Promise.all([page.waitForURL(`${base}/admin/sign-in`), page.click('header button:text("Sign out")')]);
    expect((await page.goto(`${base}/console`))?.url()).toBe(`${base}/admin/sign-in?next=%2Fconsole`);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
