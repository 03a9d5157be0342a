import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { LiMatchRepository } from '@app/db';
import { openTestDataSource, truncateAll } from '@app/testing';
import { LiActiveTargets } from './li-active-targets.js';

const lookupOf = (target: string) => createHash('sha256').update(target).digest();
const hex = (target: string) => lookupOf(target).toString('hex');

describe('LiActiveTargets: the active targets in memory, reloaded when their version moves (integration)', () => {
  let dataSource: DataSource;
  let repo: LiMatchRepository;
  let targets: LiActiveTargets;
  let reloads: number;

  const among = (...names: string[]) => dataSource.transaction((m) => targets.among(names.map(hex), m));
  const activate = (manager: EntityManager, ...names: string[]) =>
    Promise.all(
      names.map(async (name) => {
        const xid = randomUUID();
        await manager.query(
          `INSERT INTO li_tasks (xid, state, delivery_type, valid_from, destination_ids, sealed, created_by, modified_at)
           VALUES ($1, 'active', 'iri', now(), '{}', '\\x00', $1, now())`,
          [xid],
        );
        await manager.query(`INSERT INTO li_task_targets (lookup, xid) VALUES ($1, $2)`, [lookupOf(name), xid]);
        return xid;
      }),
    );
  const version = () => dataSource.transaction((m) => repo.targetSetVersion(m));

  beforeAll(async () => {
    dataSource = await openTestDataSource();
  });
  afterAll(() => dataSource?.destroy());
  beforeEach(async () => {
    await truncateAll(dataSource);
    repo = new LiMatchRepository();
    const load = repo.targetSet.bind(repo);
    reloads = 0;
    repo.targetSet = (m) => {
      reloads++;
      return load(m);
    };
    targets = new LiActiveTargets(repo);
  });

  it('should keep only the lookups that are an active target, and reload only after the set changed', async () => {
    await dataSource.transaction((m) => activate(m, 'user:alice', 'domain:example.com'));

    expect(await among('user:alice', 'user:bob', 'domain:example.com')).toEqual([hex('user:alice'), hex('domain:example.com')]);
    expect(await among('user:bob')).toEqual([]);
    expect(reloads).toBe(1);

    await dataSource.transaction((m) => activate(m, 'user:bob'));
    expect(await among('user:bob')).toEqual([hex('user:bob')]);
    expect(reloads).toBe(2);
  });

  it('should see a target removed (deactivation) or the whole set truncated at the next job', async () => {
    const [alice] = await dataSource.transaction((m) => activate(m, 'user:alice', 'user:carol'));
    expect(await among('user:alice', 'user:carol')).toHaveLength(2);

    await dataSource.query(`DELETE FROM li_task_targets WHERE xid = $1`, [alice]);
    expect(await among('user:alice', 'user:carol')).toEqual([hex('user:carol')]);

    await dataSource.query(`TRUNCATE li_task_targets`);
    expect(await among('user:alice', 'user:carol')).toEqual([]);
    expect(reloads).toBe(3);
  });

  it('should raise the version in the transaction of the change, once per statement, and not for a change rolled back', async () => {
    const before = BigInt(await version());
    await dataSource.transaction((m) => activate(m, 'user:dave'));
    expect(BigInt(await version())).toBe(before + 1n);

    await dataSource
      .transaction(async (m) => {
        await activate(m, 'user:erin');
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(BigInt(await version())).toBe(before + 1n);
    expect(await among('user:erin')).toEqual([]);
  });
});
