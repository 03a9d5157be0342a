import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { QueueName } from '@app/queue';
import { operatorAuth, TEST_OPERATOR_TOKEN, waitFor } from '@app/testing';
import { launchConsoleBrowser, type ConsoleBrowser } from './console-browser.js';
import { ARTIFACTS, buildConsole } from './console-fixtures.js';
import { type QueueBench, startQueueBench } from './queue-fixtures.js';

const QUEUE = QueueName.ChangeNotifications;

/** A parked delivery retried from the console's queues page, in a browser, with a worker running. */
describe('web console: parked jobs (e2e)', () => {
  let bench: QueueBench;
  let chromium: ConsoleBrowser;
  let base: string;
  const http = () => request(bench.hub.app.getHttpServer());

  beforeAll(async () => {
    buildConsole();
    bench = await startQueueBench('redis');
    await bench.hub.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(bench.hub.app.getHttpServer().address() as AddressInfo).port}`;
    chromium = await launchConsoleBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
    await bench?.close();
  });

  it('should list a parked job and retry it after confirmation', async () => {
    const jobId = await bench.parkedDelivery();
    const { page, errors } = await chromium.newPage();
    await page.goto(`${base}/console`);
    await page.fill('#token', TEST_OPERATOR_TOKEN);
    await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')]);
    await page.click('nav a[data-view=queues]');
    const row = page.locator('tr', { hasText: jobId });
    await row.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, '11-queues-parked.png'), fullPage: true });

    bench.refusing.value = false;
    const delivered = bench.receiver.requests.length;
    await row.locator('button[data-action=retry]').click();
    await page.click('#confirm-ok');
    await page.locator('.notice', { hasText: 'done' }).waitFor();
    // the page reloads its lists after the change: the job is no longer parked
    await row.waitFor({ state: 'detached' });
    await waitFor(async () => bench.receiver.requests.length > delivered);
    const parked = await http().get(`/admin/v1/queues/${QUEUE}/parked`).set(operatorAuth).expect(200);
    expect((parked.body.items as Array<{ id: string }>).map((j) => j.id)).not.toContain(jobId);
    const audit = await http().get('/admin/v1/audit?action=queue-job.retry').set(operatorAuth).expect(200);
    expect(audit.body.items[0]).toMatchObject({ target: { id: `${QUEUE}/${jobId}` } });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
