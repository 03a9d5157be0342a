import { jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../data-source-options.js';
import { TransactionRunner } from './transaction-runner.js';

/** A scratch database whose own default isolation is SERIALIZABLE. */
async function serializableDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tx_iso_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`ALTER DATABASE ${name} SET default_transaction_isolation TO 'serializable'`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe('TransactionRunner (integration)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;

  beforeAll(async () => {
    if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set: run tests through `npm test`');
    db = await serializableDatabase(process.env.DATABASE_URL);
    dataSource = await new DataSource(buildDataSourceOptions({ url: db.url, poolMax: 2, applicationName: 'tests' })).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should run READ COMMITTED where the database defaults to SERIALIZABLE, with one statement to begin', async () => {
    const plain = new pg.Client({ connectionString: db.url });
    await plain.connect();
    const { rows } = await plain.query('SHOW default_transaction_isolation');
    await plain.end();
    expect(rows[0].default_transaction_isolation).toBe('serializable');

    const query = jest.spyOn(pg.Client.prototype, 'query');
    try {
      const isolation = await new TransactionRunner(dataSource).run(async (manager) => {
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
