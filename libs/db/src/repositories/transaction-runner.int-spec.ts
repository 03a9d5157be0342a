import { jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { ChangeBus } from '../change-bus.js';
import { buildDataSourceOptions } from '../data-source-options.js';
import { TransactionRunner } from './transaction-runner.js';

/**
 * A scratch login role whose own default isolation is SERIALIZABLE (a role, not a database: dropping
 * a database waits for a checkpoint, which took over 30 s while the rest of the suite wrote).
 */
async function serializableRole(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tx_iso_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${name} LOGIN`);
  await admin.query(`ALTER ROLE ${name} SET default_transaction_isolation TO 'serializable'`);
  const asRole = new URL(url);
  asRole.username = name;
  asRole.password = '';
  return {
    url: asRole.toString(),
    drop: async () => {
      await admin.query(`DROP ROLE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

describe('TransactionRunner (integration)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;

  beforeAll(async () => {
    if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set: run tests through `npm test`');
    db = await serializableRole(process.env.DATABASE_URL);
    dataSource = await new DataSource(buildDataSourceOptions({ url: db.url, poolMax: 2, applicationName: 'tests' })).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should run READ COMMITTED where the role defaults to SERIALIZABLE, with one statement to begin', async () => {
    const plain = new pg.Client({ connectionString: db.url });
    await plain.connect();
    const { rows } = await plain.query('SHOW default_transaction_isolation');
    await plain.end();
    expect(rows[0].default_transaction_isolation).toBe('serializable');

    const query = jest.spyOn(pg.Client.prototype, 'query');
    try {
      const isolation = await new TransactionRunner(dataSource, new ChangeBus(loadConfig({}))).run(async (manager) => {
        const result: Array<{ transaction_isolation: string }> = await manager.query('SHOW transaction_isolation');
        return result[0].transaction_isolation;
      });
      expect(isolation).toBe('read committed');
      const texts = query.mock.calls.map(([q]) => (typeof q === 'string' ? q : (q as { text?: string }).text));
      expect(texts).toEqual(['START TRANSACTION', 'SHOW transaction_isolation', 'COMMIT']);
    } finally {
      query.mockRestore();
    }
  });
});

describe('TransactionRunner.runAndAnnounce (integration)', () => {
  let dataSource: DataSource;
  let listener: pg.Client;
  const heard: string[] = [];
  let changes: ChangeBus;
  let runner: TransactionRunner;
  const delivered: string[] = [];
  const nextNotification = () => new Promise<string>((resolve) => listener.once('notification', (m) => resolve(m.payload ?? '')));

  beforeAll(async () => {
    if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set: run tests through `npm test`');
    const url = process.env.DATABASE_URL;
    dataSource = await new DataSource(buildDataSourceOptions({ url, poolMax: 2, applicationName: 'tests' })).initialize();
    listener = new pg.Client({ connectionString: url });
    await listener.connect();
    await listener.query('LISTEN hub_changes');
    listener.on('notification', (m) => heard.push(m.payload ?? ''));
    // not bootstrapped: no listener of its own, so `delivered` holds only local deliveries
    changes = new ChangeBus(loadConfig({}));
    changes.subscribe((key) => delivered.push(key));
    runner = new TransactionRunner(dataSource, changes);
  });
  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
  });
  beforeEach(() => {
    heard.length = 0;
    delivered.length = 0;
  });

  it('should announce the keys on commit and deliver them in this process', async () => {
    const notified = nextNotification();
    await expect(runner.runAndAnnounce(['member:a.example'], () => Promise.resolve(7))).resolves.toBe(7);
    expect(await notified).toBe('member:a.example');
    expect(delivered).toEqual(['member:a.example']);
  });

  it('should neither announce nor deliver when the work fails', async () => {
    const failing = runner.runAndAnnounce(['member:rolled-back.example'], () => Promise.reject(new Error('nope')));
    await expect(failing).rejects.toThrow('nope');
    expect(delivered).toEqual([]);
    // notifications arrive in commit order: the next one heard is the next committed change
    const notified = nextNotification();
    await runner.runAndAnnounce(['member:after.example'], () => Promise.resolve());
    expect(await notified).toBe('member:after.example');
    expect(heard).toEqual(['member:after.example']);
  });

  it('should announce nothing when the outcome names no key', async () => {
    await runner.runAndAnnounce(
      (created: boolean) => (created ? ['member:x.example'] : []),
      () => Promise.resolve(false),
    );
    expect(delivered).toEqual([]);
    const notified = nextNotification();
    await runner.runAndAnnounce(['member:marker.example'], () => Promise.resolve());
    expect(await notified).toBe('member:marker.example');
    expect(heard).toEqual(['member:marker.example']);
  });
});
