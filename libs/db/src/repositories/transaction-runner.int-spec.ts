import { jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
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
