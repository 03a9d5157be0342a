import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { TransparencyEntryEntity } from '../entities/transparency-entry.entity.js';

// Serialises appends: each entry needs the previous entry's hash.
const TRANSPARENCY_LOCK_KEY = 0x6875626c; // "hubl"

@Injectable()
export class TransparencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Locks the chain head for the rest of the transaction and returns the last hash (null when empty). */
  async lockHead(manager: EntityManager): Promise<string | null> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [TRANSPARENCY_LOCK_KEY]);
    const rows: Array<{ hash: string }> = await manager.query('SELECT hash FROM transparency_log ORDER BY seq DESC LIMIT 1');
    return rows[0]?.hash ?? null;
  }

  append(
    entry: Omit<TransparencyEntryEntity, 'seq' | 'at'> & { at: Date },
    manager: EntityManager,
  ): Promise<TransparencyEntryEntity> {
    const repo = manager.getRepository(TransparencyEntryEntity);
    return repo.save(repo.create(entry));
  }

  /**
   * Entries in chain order. `readableBy`: only those a member may read — the ones naming it among
   * their subjects, except a member block's entries, which only the blocker reads (the blocked
   * member must not learn that the blocker exists, let alone its reason).
   */
  list(query: { readableBy?: string; afterSeq?: string; limit: number }): Promise<TransparencyEntryEntity[]> {
    const qb = this.dataSource
      .getRepository(TransparencyEntryEntity)
      .createQueryBuilder('t')
      .orderBy('t.seq', 'ASC')
      .limit(query.limit);
    if (query.readableBy) {
      qb.andWhere(
        ":member = ANY(t.subjects) AND NOT (t.kind LIKE 'block.member.%' AND t.entry->>'blocker' IS DISTINCT FROM :member)",
        {
          member: query.readableBy,
        },
      );
    }
    if (query.afterSeq) qb.andWhere('t.seq > :afterSeq', { afterSeq: query.afterSeq });
    return qb.getMany();
  }
}
