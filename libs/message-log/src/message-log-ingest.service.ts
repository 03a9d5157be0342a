import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ForbiddenError, InvalidInputError, PayloadTooLargeError } from '@app/common';
import { isMissingPartitionError, MessageLogRepository, type NewLogRow, TransactionRunner, utcDay } from '@app/db';
import { type DecisionDirectory, InterconnectDecisions, linkHash } from '@app/interconnect';
import { JobName, OutboxWriter } from '@app/queue';
import { MAX_BATCH_RECORDS, parseRecord, type ParsedRecord, type RejectedRecord } from './message-record.js';
import { canonicalRecord, type ChainedFields } from './record-chain.js';
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

interface Candidate {
  record: ParsedRecord;
  fields: ChainedFields;
  tags: string[];
  canonical: string;
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

  private async ingest(origin: string, inputs: unknown[], directory: DecisionDirectory): Promise<IngestResult> {
    const now = new Date();
    const window = {
      notBefore: new Date(now.getTime() - this.config.messageLog.acceptPastDays * 86_400_000),
      notAfter: new Date(now.getTime() + FUTURE_TOLERANCE_MS),
    };
    const rejected: RejectedRecord[] = [];
    const candidates: Candidate[] = [];
    const ctx = { origin, hubDomain: this.config.hub.domain, directory, window, now, decided: new Map() };
    inputs.forEach((input, index) => {
      const parsed = parseRecord(input, index);
      if (!parsed.ok) return rejected.push(parsed.rejected);
      const verdict = authorizeRecord(parsed.record, ctx);
      if (!verdict.ok) return rejected.push(verdict.rejected);
      const fields = chainFields(parsed.record);
      candidates.push({ record: parsed.record, fields, tags: verdict.tags, canonical: canonicalRecord(fields) });
    });
    const result: IngestResult = { batchId: null, origin, accepted: [], duplicates: [], rejected };
    if (candidates.length === 0) return result;
    try {
      return await this.commit(origin, candidates, result);
    } catch (error) {
      if (!isMissingPartitionError(error)) throw error;
      // a timestamp in a day whose partition the worker has not created yet: create it and retry once
      const times = candidates.map((c) => c.record.ts.getTime());
      await this.log.ensureDailyPartitions(utcDay(new Date(Math.min(...times))), new Date(Math.max(...times)));
      return this.commit(origin, candidates, { ...result, accepted: [], duplicates: [] });
    }
  }

  private commit(origin: string, candidates: Candidate[], result: IngestResult): Promise<IngestResult> {
    return this.tx.run(async (manager) => {
      const head = await this.log.lockChain(origin, manager);
      const logged = await this.log.findLogged(origin, [...new Set(candidates.map((c) => c.record.messageId))], manager);
      const rows: NewLogRow[] = [];
      const firstSeq = head.lastSeq + 1;
      let { lastSeq, lastHash } = head;
      for (const { record, fields, tags, canonical } of candidates) {
        const seq = logged.get(record.messageId);
        if (seq !== undefined) {
          result.duplicates.push({ index: record.index, messageId: record.messageId, seq });
          continue;
        }
        const chainHash = linkHash(lastHash, canonical);
        lastSeq++;
        rows.push({ ...fields, body: record.body, tags, seq: lastSeq, prevHash: lastHash, chainHash });
        logged.set(record.messageId, lastSeq);
        result.accepted.push({ index: record.index, messageId: record.messageId, seq: lastSeq });
        lastHash = chainHash;
      }
      if (rows.length === 0) return result;
      const batchId = randomUUID();
      await this.log.append(origin, batchId, rows, manager);
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

function chainFields(r: ParsedRecord): ChainedFields {
  return {
    origin: r.origin,
    messageId: r.messageId,
    ts: r.ts,
    direction: r.direction,
    sender: r.sender.uri,
    recipients: r.recipients.map((u) => u.uri),
    room: r.room?.uri ?? null,
    contentType: r.contentType,
    bodySha256: r.bodySha256,
  };
}
