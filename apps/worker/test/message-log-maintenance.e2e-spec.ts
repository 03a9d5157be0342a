import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessageLogRepository, partitionName, utcDay } from '@app/db';
import { testConfig, waitFor } from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

const DAY_MS = 86_400_000;

describe('message-log maintenance schedule (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext | undefined;
  const config = testConfig({ MESSAGE_LOG_MAINTENANCE_INTERVAL_MS: '1000', MESSAGE_LOG_PARTITIONS_AHEAD_DAYS: '5' });
  const partitionNames = async () => (await hub.app.get(MessageLogRepository).partitions()).map((p) => p.name);

  beforeAll(async () => {
    hub = await startTestHub(config);
  });
  afterAll(async () => {
    await worker?.close();
    await hub.close();
  });

  it('should keep daily partitions from the oldest accepted day to the configured days ahead', async () => {
    const today = utcDay(new Date());
    const names = await partitionNames();
    for (let d = -config.messageLog.acceptPastDays; d <= 5; d++) {
      expect(names).toContain(partitionName(new Date(today.getTime() + d * DAY_MS)));
    }
  });

  it('should recreate a missing partition ahead from the scheduled job', async () => {
    worker = await startTestWorker(config);
    const ahead = partitionName(new Date(utcDay(new Date()).getTime() + 4 * DAY_MS));
    await waitFor(async () => (await partitionNames()).includes(ahead));
    // the worker made its own at start; take one away and let the schedule put it back
    await hub.app.get(DataSource).query(`DROP TABLE ${ahead}`);
    expect(await partitionNames()).not.toContain(ahead);
    await waitFor(async () => (await partitionNames()).includes(ahead), 15_000, 100);
  });
});
