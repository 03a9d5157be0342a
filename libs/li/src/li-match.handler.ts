import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JobReceiptRepository, LiMatchRepository, LiRecordRepository, type NewLiRecord, TransactionRunner } from '@app/db';
import { parseParticipantUri } from '@app/message-log';
import { JobName, type JobRef, type LiMatchChatEventPayload, type LiMatchLogBatchPayload, QueueName } from '@app/queue';
import { LiActiveTargets } from './li-active-targets.js';
import { type LiCandidateTask, matchesOf, spanOf, targetsOf } from './li-matching.js';
import { type LiObservedCommunication, recordsFor } from './li-record.js';
import { LiRecordsSignal } from './li-records-signal.js';
import { LiSealer } from './li-sealer.js';
import { loggedMessage, participantsOf, roomEvent } from './li-sources.js';

/** The message id of a room's message in the central log (as the chat library logs it). */
const roomMessageId = (roomId: string, seq: string) => `chat-${roomId}-${seq}`;

/**
 * Matching (queue lawful-interception): reads one committed message-log batch or room event,
 * computes the blind-index lookup of every participant and of every participant's domain, keeps
 * those that are some active task's target (LiActiveTargets, in memory), asks one indexed query
 * for their tasks, and stores the IRI (and CC) records of every match, sealed, for each
 * destination of the task. Records and the job's receipt commit in one transaction: a retried or
 * stalled job produces its records exactly once.
 *
 * A message of a hub-hosted room is both a room event and a record of the hub's relay chain in
 * the message log: only the room event produces records (it knows the room's recipients and the
 * membership around it), so batches of the hub's own relay chain are skipped.
 */
@Injectable()
export class LiMatchHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sealer: LiSealer,
    private readonly tx: TransactionRunner,
    private readonly receipts: JobReceiptRepository,
    private readonly source: LiMatchRepository,
    private readonly activeTargets: LiActiveTargets,
    private readonly records: LiRecordRepository,
    private readonly signal: LiRecordsSignal,
  ) {}

  async logBatchCommitted(job: JobRef, payload: LiMatchLogBatchPayload): Promise<void> {
    await this.once(job, JobName.LiMatchLogBatch, async (manager) => {
      if (payload.origin === this.config.hub.domain) return 0;
      const rows = await this.source.loggedMessages(payload.origin, payload.fromSeq, payload.toSeq, manager);
      return this.match(rows.map(loggedMessage), manager);
    });
  }

  async chatEventCommitted(job: JobRef, payload: LiMatchChatEventPayload): Promise<void> {
    await this.once(job, JobName.LiMatchChatEvent, async (manager) => {
      const row = await this.source.roomEvent(payload.roomId, payload.seq, manager);
      return row ? this.match([roomEvent(row, roomMessageId)], manager) : 0;
    });
  }

  /** Runs `work` in the transaction of the job's receipt, once per job; signals stored records after commit. */
  private async once(job: JobRef, jobName: JobName, work: (manager: EntityManager) => Promise<number>): Promise<void> {
    const stored = await this.tx.run(async (manager) => {
      // the receipt says nothing of the outcome: it is the same whether anything matched or not
      const first = await this.receipts.recordOnce(
        { jobId: job.id, queue: QueueName.LawfulInterception, jobName, result: {}, attemptsMade: job.attemptsMade },
        manager,
      );
      return first ? work(manager) : 0;
    });
    if (stored > 0) this.signal.stored();
  }

  /** Matches the communications with one query; stores their records; returns how many rows it stored. */
  private async match(communications: LiObservedCommunication[], manager: EntityManager): Promise<number> {
    const span = spanOf(communications);
    if (!span) return 0;
    const lookupOf = new Map<string, string>();
    const lookupsPer = communications.map((c) => {
      const mine = new Set<string>();
      for (const target of targetsOf(participantsOf(c), hostOf)) {
        const text = target.kind === 'user' ? `u ${target.uri}` : `d ${target.domain}`;
        let lookup = lookupOf.get(text);
        if (lookup === undefined) {
          lookup = this.sealer.targetLookup(target).toString('hex');
          lookupOf.set(text, lookup);
        }
        mine.add(lookup);
      }
      return mine;
    });
    const targeted = await this.activeTargets.among(lookupOf.values(), manager);
    if (targeted.length === 0) return 0;
    const rows = await this.source.candidateTasks(
      targeted.map((hex) => Buffer.from(hex, 'hex')),
      span.from,
      span.to,
      manager,
    );
    if (rows.length === 0) return 0;
    const candidates: LiCandidateTask[] = rows.map((r) => ({ ...r, lookup: r.lookup.toString('hex') }));
    const stored: NewLiRecord[] = [];
    communications.forEach((c, i) => {
      for (const match of matchesOf(lookupsPer[i], c.at, candidates)) {
        for (const record of recordsFor(match, c)) {
          const sealed = this.sealer.seal(record);
          for (const destinationId of match.destinationIds) stored.push({ xid: match.xid, destinationId, sealed });
        }
      }
    });
    return this.records.append(stored, manager);
  }
}

/** A participant URI's host; null for a value the normaliser refuses (it then matches by user only). */
function hostOf(uri: string): string | null {
  try {
    return parseParticipantUri(uri).host;
  } catch {
    return null;
  }
}
