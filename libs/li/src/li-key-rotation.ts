import { Injectable } from '@nestjs/common';
import { LI_SEALED_COLUMNS, type LiSealedTable, LiSealedRowsRepository, LiTaskingRepository, TransactionRunner } from '@app/db';
import { LiSealer } from './li-sealer.js';
import type { LiTaskSealed } from './li-task.js';

const BATCH = 500;

export interface LiRotationReport {
  resealed: Record<LiSealedTable, number>;
  /** active tasks whose blind-index rows were recomputed */
  reindexedTasks: number;
}

/**
 * Key rotation: after LI_SECRET_KEY is replaced (the old key moved to LI_PREVIOUS_SECRET_KEYS),
 * every sealed value is re-sealed under the new key, in batches, and the active tasks' blind-index
 * rows are recomputed with the new index key (in one transaction with a lock, so the matcher sees
 * either all old or all new lookups for a task). The hub runs it at start whenever
 * LI_PREVIOUS_SECRET_KEYS is set; once it has run, the previous keys can be removed.
 */
@Injectable()
export class LiKeyRotation {
  constructor(
    private readonly sealer: LiSealer,
    private readonly rows: LiSealedRowsRepository,
    private readonly tasking: LiTaskingRepository,
    private readonly tx: TransactionRunner,
  ) {}

  async rotate(): Promise<LiRotationReport> {
    const keyId = this.sealer.currentKeyId;
    const resealed = Object.fromEntries(Object.keys(LI_SEALED_COLUMNS).map((table) => [table, 0])) as Record<
      LiSealedTable,
      number
    >;
    let reindexedTasks = 0;
    await this.tx.run(async (manager) => {
      await this.rows.lockRotation(manager);
      const tasks = await this.rows.activeTasksForUpdate(manager);
      for (const task of tasks) {
        const { targets } = this.sealer.open<LiTaskSealed>(task.sealed);
        await this.tasking.replaceTargets(
          task.xid,
          targets.map((t) => this.sealer.targetLookup(t)),
          manager,
        );
      }
      reindexedTasks = tasks.length;
    });
    for (const table of Object.keys(LI_SEALED_COLUMNS) as LiSealedTable[]) {
      for (;;) {
        const done = await this.tx.run(async (manager) => {
          await this.rows.lockRotation(manager);
          const batch = await this.rows.sealedWithOtherKeys(table, keyId, BATCH, manager);
          for (const row of batch) {
            await this.rows.replaceSealed(table, row.key, this.sealer.seal(this.sealer.open(row.sealed)), manager);
          }
          resealed[table] += batch.length;
          return batch.length < BATCH;
        });
        if (done) break;
      }
    }
    return { resealed, reindexedTasks };
  }
}
