import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { openTestDataSource, truncateAll } from '@app/testing';
import { MessageLogRepository, utcDay } from './message-log.repository.js';
import { MessageLogSearchRepository } from './message-log-search.repository.js';

const ORIGINS = 60;
const IDS_PER_ORIGIN = 500;
const origin = (i: number) => `o${i}.example`;
// an index condition on the keys' leading column (not a whole-index scan filtered on message_id)
const ORIGIN_COND = /\(origin\)::text = /;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
const scansOf = (node: PlanNode, relation: string): PlanNode[] => [
  ...(node['Relation Name'] === relation ? [node] : []),
  ...(node.Plans ?? []).flatMap((child) => scansOf(child, relation)),
];

describe('MessageLogSearchRepository, search by message id (integration)', () => {
  let dataSource: DataSource;
  let search: MessageLogSearchRepository;

  /** Rows found for the id, and how the statement that found them reads message_log_keys. */
  async function findById(messageId: string, byOrigin?: string) {
    const query = jest.spyOn(dataSource.manager, 'query');
    try {
      const rows = await search.findPage({ tags: [], messageId, origin: byOrigin, limit: 10 });
      const [sql, params] = query.mock.calls[0] as [string, unknown[]];
      const [{ 'QUERY PLAN': plan }] = await dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      return { rows, keyScans: scansOf(plan[0].Plan, 'message_log_keys') };
    } finally {
      query.mockRestore();
    }
  }

  beforeAll(async () => {
    dataSource = await openTestDataSource();
    search = new MessageLogSearchRepository(dataSource);
    await truncateAll(dataSource);
    const today = utcDay(new Date());
    await new MessageLogRepository(dataSource).ensureDailyPartitions(today, today);
    await dataSource.query(
      `INSERT INTO message_log_chains (origin, last_seq, last_hash)
       SELECT 'o' || o || '.example', $2, '\\x00' FROM generate_series(1, $1) o`,
      [ORIGINS, IDS_PER_ORIGIN],
    );
    await dataSource.query(
      `INSERT INTO message_log_keys (origin, message_id, ts, seq)
       SELECT 'o' || o || '.example', 'm-' || o || '-' || s, now(), s FROM generate_series(1, $1) o, generate_series(1, $2) s`,
      [ORIGINS, IDS_PER_ORIGIN],
    );
    // one id that two origins both used (ids are unique per origin only), logged by both
    await dataSource.query(`UPDATE message_log_keys SET message_id = 'shared' WHERE (origin, seq) IN (($1, 7), ($2, 9))`, [
      origin(3),
      origin(41),
    ]);
    await dataSource.query(
      `INSERT INTO message_log (ts, origin, seq, message_id, direction, sender, recipients, content_type, body_sha256, tags,
                                prev_hash, chain_hash, batch_id)
       SELECT k.ts, k.origin, k.seq, k.message_id, 'outbound', 'sip:a@' || k.origin, ARRAY['sip:b@b.example'], 'text/plain',
              '\\x00', ARRAY['n:' || k.origin], '\\x00', '\\x00', gen_random_uuid()
       FROM message_log_keys k WHERE k.message_id = 'shared'`,
    );
    await dataSource.query('ANALYZE message_log_keys, message_log_chains');
  });
  afterAll(async () => {
    await truncateAll(dataSource);
    await dataSource?.destroy();
  });

  it("should find an id under every origin that logged it, probing each origin's keys instead of reading them all", async () => {
    const { rows, keyScans } = await findById('shared');
    expect(rows.map((r) => [r.origin, r.seq]).sort()).toEqual([
      [origin(3), 7],
      [origin(41), 9],
    ]);
    expect(keyScans.length).toBeGreaterThan(0);
    for (const scan of keyScans) {
      expect(scan['Node Type']).toMatch(/Index/);
      expect(scan['Index Cond']).toMatch(ORIGIN_COND);
    }
  });

  it('should find an id under the origin given', async () => {
    const { rows, keyScans } = await findById('shared', origin(41));
    expect(rows.map((r) => [r.origin, r.seq])).toEqual([[origin(41), 9]]);
    for (const scan of keyScans) expect(scan['Index Cond']).toMatch(ORIGIN_COND);
  });

  it('should find nothing for an id no origin logged', async () => {
    expect((await findById('m-unknown')).rows).toEqual([]);
  });
});
