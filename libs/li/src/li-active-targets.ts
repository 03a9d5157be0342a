import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LiMatchRepository } from '@app/db';

interface TargetSet {
  version: string;
  lookups: ReadonlySet<string>;
}

/**
 * The blind-index lookups of every active target, kept in this process's memory. A matching job
 * asks which of its communications' lookups are targets: one read of the set's version (one row,
 * in the job's transaction), and a reload of the whole set only when that version moved. A batch
 * then costs the database nothing per lookup, whatever the number of tasks; only the lookups found
 * here go to the database for their tasks, which decides on their state and window.
 *
 * The version is raised by a trigger in the transaction of every change to li_task_targets, and a
 * reload reads the set and its version in one statement: a copy is never older than the version
 * the job read, so an activation committed before the job's read is always seen.
 */
@Injectable()
export class LiActiveTargets {
  private current: TargetSet | undefined;
  private loading: Promise<TargetSet> | undefined;

  constructor(private readonly repo: LiMatchRepository) {}

  /** The lookups (hex) among `lookups` that are some active task's target. */
  async among(lookups: Iterable<string>, manager: EntityManager): Promise<string[]> {
    const set = await this.setAsOf(await this.repo.targetSetVersion(manager), manager);
    return [...lookups].filter((lookup) => set.lookups.has(lookup));
  }

  /**
   * The cached set if it is of `version`; else a fresh one, read after the job read `version` (so of
   * that version or later). Jobs that need a reload at once share one, read in the transaction of
   * the job that started it.
   */
  private async setAsOf(version: string, manager: EntityManager): Promise<TargetSet> {
    if (this.current?.version === version) return this.current;
    this.loading ??= this.repo
      .targetSet(manager)
      .then(({ version: loaded, lookups }) => (this.current = { version: loaded, lookups: new Set(lookups) }))
      .finally(() => {
        this.loading = undefined;
      });
    const loaded = await this.loading;
    // a reload already under way may have started before this job read its version
    return BigInt(loaded.version) >= BigInt(version) ? loaded : this.setAsOf(version, manager);
  }
}
