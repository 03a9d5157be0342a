import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ForbiddenError, InvalidInputError, PayloadTooLargeError } from '@app/common';
import {
  isDuplicateKeyError,
  isMissingPartitionError,
  MessageLogRepository,
  type PreparedLogRow,
  prepareLogRow,
  TransactionRunner,
  utcDay,
} from '@app/db';
import { type DecisionDirectory, InterconnectDecisions, linkHash } from '@app/interconnect';
import { JobName, OutboxWriter } from '@app/queue';
import { MAX_BATCH_RECORDS, parseRecord, type RejectedRecord } from './message-record.js';
import { canonicalRecord } from './record-chain.js';
import { authorizeRecord } from './record-authorization.js';

export interface LoggedRecordRef {
  index: number;
  messageId: string;
  seq: number;
}

export interface IngestResult {
  /** null when the batch added no record (all duplicates or rejected) */
  batchId: string | null;
  origin: string;
  accepted: LoggedRecordRef[];
  duplicates: LoggedRecordRef[];
  rejected: RejectedRecord[];
}

/**
 * A record that passed every check, as it waits for the chain lock: its canonical chain entry and
 * its COPY text, and nothing else (the parsed record and its participants are garbage by then).
 */
interface Candidate {
  index: number;
  canonical: string;
  row: PreparedLogRow;
}

interface CheckedBatch {
  candidates: Candidate[];
  rejected: RejectedRecord[];
}

const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Central message logging (issue 5): a batch is checked record by record, and every record that
 * passes is committed in ONE transaction with its chain links and the outbox event of the batch,
 * before the caller gets its answer. A crash before the commit leaves nothing; after it, nothing
 * is lost. Records of one origin are serialised on the origin's chain head.
 */
@Injectable()
export class MessageLogIngest {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly decisions: InterconnectDecisions,
    private readonly log: MessageLogRepository,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxWriter,
  ) {}

  /** A member's batch: the member must have delegated logging to the hub, and be each record's origin. */
  async ingestFromMember(caller: string, inputs: unknown[]): Promise<IngestResult> {
    checkBatchSize(inputs);
    const directory = await this.decisions.directory();
    if (!directory.delegatedServices(caller).has('logging')) {
      throw new ForbiddenError(
        `${caller} has not delegated logging to ${this.config.hub.domain}: list the logging service in the delegated-services of your clearing-house membership`,
      );
    }
    return this.ingest(caller, inputs, directory);
  }

  /** Messages the hub relays itself (hub-hosted chat): logged through the same path, with the hub as origin. */
  async ingestRelayed(inputs: unknown[]): Promise<IngestResult> {
    checkBatchSize(inputs);
    return this.ingest(this.config.hub.domain, inputs, await this.decisions.directory());
  }

  /**
   * Checks the batch, then stores what passed. Not async itself: once checked, the inputs are no
   * longer referenced from here, so a batch waiting for its transaction does not keep them alive.
   */
  private ingest(origin: string, inputs: unknown[], directory: DecisionDirectory): Promise<IngestResult> {
    return this.store(origin, this.check(origin, inputs, directory));
  }

  /** Every check of every record, and the canonical form and COPY text of those that pass (no I/O). */
  private check(origin: string, inputs: unknown[], directory: DecisionDirectory): CheckedBatch {
    const now = new Date();
    const window = {
      notBefore: new Date(now.getTime() - this.config.messageLog.acceptPastDays * 86_400_000),
      notAfter: new Date(now.getTime() + FUTURE_TOLERANCE_MS),
    };
    const rejected: RejectedRecord[] = [];
    const candidates: Candidate[] = [];
    const ctx = { origin, hubDomain: this.config.hub.domain, directory, window, now, decided: new Map() };
    for (let index = 0; index < inputs.length; index++) {
      const parsed = parseRecord(inputs[index], index);
      if (!parsed.ok) {
        rejected.push(parsed.rejected);
        continue;
      }
      const r = parsed.record;
      const verdict = authorizeRecord(r, ctx);
      if (!verdict.ok) {
        rejected.push(verdict.rejected);
        continue;
      }
      // one object serves as the chained fields and as the row's content
      const content = {
        origin: r.origin,
        messageId: r.messageId,
        ts: r.ts,
        direction: r.direction,
        sender: r.sender.uri,
        recipients: r.recipients.map((u) => u.uri),
        room: r.room === null ? null : r.room.uri,
        contentType: r.contentType,
        body: r.body,
        bodySha256: r.bodySha256,
        tags: verdict.tags,
      };
      candidates.push({ index, canonical: canonicalRecord(content), row: prepareLogRow(content) });
    }
    return { candidates, rejected };
  }

  /**
   * Most batches carry no resubmitted id, so the first attempt appends without looking the ids up
   * (one statement and an index probe per record less) and lets the keys' primary key catch a
   * resubmission: the batch is then redone with the lookup. A timestamp in a day whose partition
   * the worker has not created yet also gets one retry, after creating it.
   */
  private async store(origin: string, batch: CheckedBatch): Promise<IngestResult> {
    const fresh = (): IngestResult => ({ batchId: null, origin, accepted: [], duplicates: [], rejected: batch.rejected });
    if (batch.candidates.length === 0) return fresh();
    let lookUpDuplicates = false;
    let partitionsEnsured = false;
    for (;;) {
      try {
        return await this.commit(origin, batch, lookUpDuplicates, fresh());
      } catch (error) {
        if (!lookUpDuplicates && isDuplicateKeyError(error)) {
          lookUpDuplicates = true;
        } else if (!partitionsEnsured && isMissingPartitionError(error)) {
          await this.ensurePartitionsFor(batch.candidates);
          partitionsEnsured = true;
        } else {
          throw error;
        }
      }
    }
  }

  private async ensurePartitionsFor(candidates: Candidate[]): Promise<void> {
    let first = Infinity;
    let last = -Infinity;
    for (const c of candidates) {
      const t = Date.parse(c.row.ts);
      if (t < first) first = t;
      if (t > last) last = t;
    }
    await this.log.ensureDailyPartitions(utcDay(new Date(first)), new Date(last));
  }

  private commit(
    origin: string,
    { candidates }: CheckedBatch,
    lookUpDuplicates: boolean,
    result: IngestResult,
  ): Promise<IngestResult> {
    return this.tx.run(async (manager) => {
      const head = await this.log.lockChain(origin, manager);
      // ids logged before (only looked up after a unique violation), and those of this batch
      const logged = lookUpDuplicates
        ? await this.log.findLogged(origin, [...new Set(candidates.map((c) => c.row.messageId))], manager)
        : new Map<string, number>();
      const rows: PreparedLogRow[] = [];
      const chainHashes: string[] = [];
      const firstSeq = head.lastSeq + 1;
      let { lastSeq, lastHash } = head;
      for (const { index, canonical, row } of candidates) {
        const { messageId } = row;
        const seq = logged.get(messageId);
        if (seq !== undefined) {
          result.duplicates.push({ index, messageId, seq });
          continue;
        }
        lastHash = linkHash(lastHash, canonical);
        lastSeq++;
        rows.push(row);
        chainHashes.push(lastHash);
        logged.set(messageId, lastSeq);
        result.accepted.push({ index, messageId, seq: lastSeq });
      }
      if (rows.length === 0) return result;
      const batchId = randomUUID();
      await this.log.append(origin, batchId, rows, { firstSeq, prevHash: head.lastHash, chainHashes }, manager);
      await this.outbox.enqueue(
        JobName.MessageLogBatchCommitted,
        { batchId, origin, fromSeq: firstSeq, toSeq: lastSeq, records: rows.length, committedAt: new Date().toISOString() },
        manager,
      );
      return { ...result, batchId };
    });
  }
}

function checkBatchSize(inputs: unknown[]): void {
  if (inputs.length === 0) throw InvalidInputError.forField('records', 'a batch carries 1 to 1000 records');
  if (inputs.length > MAX_BATCH_RECORDS) {
    throw new PayloadTooLargeError(`a batch carries at most ${MAX_BATCH_RECORDS} records, this one has ${inputs.length}`);
  }
}
