import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransparencyEntryEntity, TransparencyRepository } from '@app/db';
import { chainHash, GENESIS_HASH, verifyChain } from '../hash-chain.js';

export interface TransparencyRecord {
  kind: string;
  subjects: string[];
  entry: Record<string, unknown>;
}

/**
 * The hash-chained log of credential, agreement, block and policy changes. Appends happen in the
 * transaction of the change, serialised on the chain head, so the chain has no gaps or forks.
 */
@Injectable()
export class TransparencyLog {
  constructor(private readonly repo: TransparencyRepository) {}

  async append(record: TransparencyRecord, manager: EntityManager): Promise<TransparencyEntryEntity> {
    const prevHash = (await this.repo.lockHead(manager)) ?? GENESIS_HASH;
    const at = new Date();
    const hashed = { kind: record.kind, at: at.toISOString(), subjects: record.subjects, entry: record.entry };
    return this.repo.append({ ...record, at, prevHash, hash: chainHash(prevHash, hashed) }, manager);
  }

  /** With `readableBy`, only the entries that member may read (see TransparencyRepository.list). */
  list(query: { readableBy?: string; afterSeq?: string; limit: number }): Promise<TransparencyEntryEntity[]> {
    return this.repo.list(query);
  }

  /** Re-computes the whole chain from the genesis; reports the first entry that does not fit. */
  async verify(): Promise<ReturnType<typeof verifyChain>> {
    const entries: Parameters<typeof verifyChain>[0] = [];
    let afterSeq: string | undefined;
    for (;;) {
      const page = await this.repo.list({ afterSeq, limit: 1000 });
      for (const e of page) entries.push(toChainEntry(e));
      if (page.length < 1000) break;
      afterSeq = page[page.length - 1].seq;
    }
    return verifyChain(entries);
  }
}

export function toChainEntry(e: TransparencyEntryEntity) {
  return {
    seq: Number(e.seq),
    prevHash: e.prevHash,
    hash: e.hash,
    entry: { kind: e.kind, at: e.at.toISOString(), subjects: e.subjects, entry: e.entry },
  };
}
