import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Every column holding a value sealed with LI_SECRET_KEY, with its row key: what a key rotation
 * re-seals. A new LI table with a sealed column adds itself here.
 */
export const LI_SEALED_COLUMNS = {
  li_tasks: { key: 'xid', column: 'sealed' },
  li_destinations: { key: 'did', column: 'sealed' },
  li_audit: { key: 'id', column: 'detail' },
  li_records: { key: 'id', column: 'sealed' },
  li_delivery_log: { key: 'id', column: 'detail' },
} as const;
export type LiSealedTable = keyof typeof LI_SEALED_COLUMNS;

/** Key rotation's access to sealed columns (a sealed value's bytes 2..9 are its key id). */
@Injectable()
export class LiSealedRowsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Up to `limit` rows of `table` whose value was not sealed with the key `keyId`. */
  async sealedWithOtherKeys(
    table: LiSealedTable,
    keyId: Buffer,
    limit: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Array<{ key: string; sealed: Buffer }>> {
    const { key, column } = LI_SEALED_COLUMNS[table];
    return manager.query(
      `SELECT ${key}::text AS key, ${column} AS sealed FROM ${table}
        WHERE ${column} IS NOT NULL AND substring(${column} FROM 2 FOR 8) <> $1 ORDER BY ${key} LIMIT $2`,
      [keyId, limit],
    );
  }

  async replaceSealed(table: LiSealedTable, rowKey: string, sealed: Buffer, manager: EntityManager): Promise<void> {
    const { key, column } = LI_SEALED_COLUMNS[table];
    await manager.query(`UPDATE ${table} SET ${column} = $2 WHERE ${key}::text = $1`, [rowKey, sealed]);
  }

  /** The active tasks' sealed parts, locked: their blind-index rows are recomputed under the new key. */
  async activeTasksForUpdate(manager: EntityManager): Promise<Array<{ xid: string; sealed: Buffer }>> {
    return manager.query(`SELECT xid, sealed FROM li_tasks WHERE state = 'active' ORDER BY xid FOR UPDATE`);
  }

  /** One rotation at a time across hub replicas (held until the transaction ends). */
  async lockRotation(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('li-key-rotation'))`);
  }
}
