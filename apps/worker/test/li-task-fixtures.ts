import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { LiDeliveredRecord, LiRecordsBody, LiSealer, LiTarget } from '@app/li';
import type { ReceivedRequest } from '@app/testing';

export interface TaskFixture {
  targets: LiTarget[];
  deliveryType: 'iri' | 'iri-and-cc';
  destinationIds: string[];
  validFrom?: Date;
  validUntil?: Date | null;
}

/**
 * Tasks and destinations written as the LI storage keeps them (sealed, with the blind index of
 * an active task's targets), so matching and delivery are tested on their own.
 */
export class LiTaskFixtures {
  constructor(
    private readonly db: DataSource,
    private readonly sealer: LiSealer,
  ) {}

  async destination(deliveryAddress: string): Promise<string> {
    const did = randomUUID();
    await this.db.query(`INSERT INTO li_destinations (did, sealed, modified_at) VALUES ($1, $2, now())`, [
      did,
      this.sealer.seal({ friendlyName: 'agency', deliveryAddress }),
    ]);
    return did;
  }

  async activate(task: TaskFixture): Promise<string> {
    const xid = randomUUID();
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO li_tasks (xid, state, delivery_type, valid_from, valid_until, destination_ids, sealed, created_by, modified_at)
         VALUES ($1, 'active', $2, $3, $4, $5, $6, $7, now())`,
        [
          xid,
          task.deliveryType,
          task.validFrom ?? new Date(Date.now() - 3_600_000),
          task.validUntil ?? null,
          task.destinationIds,
          this.sealer.seal({ targets: task.targets, warrantReference: 'W-test' }),
          randomUUID(),
        ],
      );
      for (const target of task.targets) {
        await m.query(`INSERT INTO li_task_targets (lookup, xid) VALUES ($1, $2)`, [this.sealer.targetLookup(target), xid]);
      }
    });
    return xid;
  }

  /** As DeactivateTask does: the state and the removal of its index rows in one transaction. */
  async deactivate(xid: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`UPDATE li_tasks SET state = 'deactivated', deactivated_at = now(), modified_at = now() WHERE xid = $1`, [
        xid,
      ]);
      await m.query(`DELETE FROM li_task_targets WHERE xid = $1`, [xid]);
    });
  }
}

/** The records in the requests an agency took (answered 2xx), in arrival order, once per (task, sequence) as a receiver deduplicates. */
export function recordsTaken(took: readonly ReceivedRequest[], xid?: string): LiDeliveredRecord[] {
  const seen = new Set<string>();
  const out: LiDeliveredRecord[] = [];
  for (const r of took) {
    const body = r.json as LiRecordsBody | undefined;
    if (body?.type !== 'records') continue;
    for (const record of body.records) {
      const key = `${record.xid}/${record.sequence}`;
      if ((xid && record.xid !== xid) || seen.has(key)) continue;
      seen.add(key);
      out.push(record);
    }
  }
  return out;
}
