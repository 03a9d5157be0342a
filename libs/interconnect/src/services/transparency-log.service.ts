import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransparencyEntryEntity, TransparencyRepository } from '@app/db';
import { chainHash, GENESIS_HASH, verifyChain } from '../hash-chain.js';
import { InterconnectDecisions } from './interconnect-decisions.service.js';

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
  constructor(
    private readonly repo: TransparencyRepository,
    private readonly decisions: InterconnectDecisions,
  ) {}

  async append(record: TransparencyRecord, manager: EntityManager): Promise<TransparencyEntryEntity> {
    const prevHash = (await this.repo.lockHead(manager)) ?? GENESIS_HASH;
    const at = new Date();
    const hashed = { kind: record.kind, at: at.toISOString(), subjects: record.subjects, entry: record.entry };
    return this.repo.append({ ...record, at, prevHash, hash: chainHash(prevHash, hashed) }, manager);
  }

  /** Every entry in chain order, for operators and the public chain of hashes. */
  list(query: { afterSeq?: string; limit: number }): Promise<TransparencyEntryEntity[]> {
    return this.repo.list(query);
  }

  /**
   * The entries `member` may read, up to `limit` after `afterSeq`: those naming it (see
   * TransparencyRepository.list) whose other subjects are all visible to it now under the one
   * visibility rule, so an entry about a member that is hidden from the reader is left out as if
   * that member had never existed. Its own member blocks stay readable: the blocker wrote them.
   * Pages of the member's entries are read until `limit` readable ones are found, so a run of
   * hidden entries never ends the reader's paging early.
   */
  async readableBy(member: string, query: { afterSeq?: string; limit: number }): Promise<TransparencyEntryEntity[]> {
    const directory = await this.decisions.directory();
    const readable: TransparencyEntryEntity[] = [];
    let afterSeq = query.afterSeq;
    for (;;) {
      const page = await this.repo.list({ readableBy: member, afterSeq, limit: query.limit });
      for (const e of page) {
        const ownBlock = e.kind.startsWith('block.member.') && e.entry.blocker === member;
        if (ownBlock || e.subjects.every((s) => s === member || directory.visible(member, s))) readable.push(e);
        if (readable.length === query.limit) return readable;
      }
      if (page.length < query.limit) return readable;
      afterSeq = page[page.length - 1].seq;
    }
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
