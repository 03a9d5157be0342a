import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { openTestDataSource, truncateAll } from '@app/testing';
import { LI_CANDIDATE_TASKS_SQL, LiMatchRepository } from './li-match.repository.js';

const DAY_MS = 86_400_000;
const lookupOf = (target: string) => createHash('sha256').update(target).digest();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('LiMatchRepository.candidateTasks: the tasks a batch may match, read by key (integration)', () => {
  let dataSource: DataSource;
  const repo = new LiMatchRepository();
  const destination = randomUUID();
  const now = Date.now();

  /** Active IRI tasks on one target each, valid from a day ago; returns their xids. */
  async function addTasks(manager: EntityManager, targets: string[], overrides: { state?: string; validUntil?: Date } = {}) {
    const xids = targets.map(() => randomUUID());
    await manager.query(
      `INSERT INTO li_tasks (xid, state, delivery_type, valid_from, valid_until, destination_ids, sealed, created_by, modified_at)
       SELECT x, $2, 'iri', $3, $4, ARRAY[$5::uuid], '\\x00', $5, now() FROM unnest($1::uuid[]) AS x`,
      [xids, overrides.state ?? 'active', new Date(now - DAY_MS), overrides.validUntil ?? null, destination],
    );
    await manager.query(`INSERT INTO li_task_targets (lookup, xid) SELECT * FROM unnest($1::bytea[], $2::uuid[])`, [
      targets.map(lookupOf),
      xids,
    ]);
    return xids;
  }

  beforeAll(async () => {
    dataSource = await openTestDataSource();
  });
  afterAll(() => dataSource?.destroy());
  beforeEach(() => truncateAll(dataSource));

  it('should return the active tasks whose window covers the span, for the lookups asked only', async () => {
    const expected = await dataSource.transaction(async (m) => {
      const [active] = await addTasks(m, ['user:alice']);
      const [domainWide] = await addTasks(m, ['domain:example.com']);
      await addTasks(m, ['user:alice'], { state: 'deactivated' });
      await addTasks(m, ['user:alice'], { state: 'awaiting-approval' });
      await addTasks(m, ['user:alice'], { validUntil: new Date(now - 1000) });
      await addTasks(m, ['user:bob']);
      return [active, domainWide];
    });

    const found = await dataSource.transaction((m) =>
      repo.candidateTasks([lookupOf('user:alice'), lookupOf('domain:example.com')], new Date(now), new Date(now), m),
    );

    expect(found.map((t) => t.xid).sort()).toEqual([...expected].sort());
    expect(found.every((t) => t.destinationIds.includes(destination) && t.deliveryType === 'iri')).toBe(true);
  });

  it('should read only the tasks it finds, even while the statistics count far fewer tasks than there are', async () => {
    // in one transaction, rolled back, so autovacuum cannot refresh the statistics between the ANALYZE and the query
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    let plan: PlanNode;
    try {
      const m = runner.manager;
      await addTasks(m, ['user:early-1', 'user:early-2', 'user:early-3']);
      await m.query('ANALYZE li_tasks, li_task_targets');
      const [targeted] = await addTasks(m, ['user:targeted', ...Array.from({ length: 3000 }, (_, i) => `user:nobody-${i}`)]);
      const lookups = [lookupOf('user:targeted'), ...Array.from({ length: 30 }, (_, i) => lookupOf(`user:absent-${i}`))];
      expect((await repo.candidateTasks(lookups, new Date(now), new Date(now), m)).map((t) => t.xid)).toEqual([targeted]);
      const [row] = await m.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${LI_CANDIDATE_TASKS_SQL}`, [
        lookups,
        new Date(now),
        new Date(now),
      ]);
      plan = (row['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan;
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }

    const taskReads = nodesOf(plan).filter((n) => n['Relation Name'] === 'li_tasks');
    expect(taskReads.map((n) => [n['Node Type'], n['Index Cond']])).toEqual([['Index Scan', '(xid = tt.xid)']]);
    expect(taskReads[0]['Actual Rows'] * taskReads[0]['Actual Loops']).toBe(1);
  });
});
