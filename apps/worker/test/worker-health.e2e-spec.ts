import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { childPort, testConfig } from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

describe('WorkerHealthServer (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let workerUrl: string;

  beforeAll(async () => {
    const port = await childPort();
    const config = testConfig({ WORKER_HEALTH_PORT: String(port) });
    hub = await startTestHub(config);
    worker = await startTestWorker(config);
    workerUrl = `http://${config.hub.host}:${port}`;
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
  });

  it.each(['/health/live', '/health/ready'])('should answer %s with the same status and body as the hub', async (path) => {
    const fromHub = await request(hub.app.getHttpServer()).get(path);
    const fromWorker = await fetch(`${workerUrl}${path}`);
    expect(fromWorker.status).toBe(fromHub.status);
    expect(fromWorker.headers.get('content-type')).toContain('application/json');
    expect(await fromWorker.json()).toEqual(fromHub.body);
  });

  it('should report each dependency by name when ready', async () => {
    const res = await fetch(`${workerUrl}/health/ready`);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', queue: 'ok' } });
  });
});
