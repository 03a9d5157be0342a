import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ForbiddenError, InvalidInputError, isDomainOrSubdomain, PayloadTooLargeError } from '@app/common';
import {
  type ChainHead,
  type LogAppend,
  type LogAppendOutcome,
  LogBatchText,
  MessageLogRepository,
  type UsageIncrement,
} from '@app/db';
import { type DecisionDirectory, InterconnectDecisions } from '@app/interconnect';
import { JobName, OutboxWriter } from '@app/queue';
import { MAX_BATCH_RECORDS, parseRecord, type RejectedRecord } from './message-record.js';
import { canonicalRecord, isPlainRecord, PendingChainEntries } from './record-chain.js';
import { authorizeRecord, MEMBER_TAG_PREFIX } from './record-authorization.js';
import { MessageLogMetrics } from './message-log-metrics.js';

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
 * The records of a batch that passed every check, as they wait for the chain lock: their COPY
 * text and canonical chain entries as bytes (row i of `text` is entry i of `entries` and input
 * `indexes[i]`), so a batch waiting for its transaction holds almost nothing on the heap.
 */
interface CheckedBatch {
  text: LogBatchText;
  entries: PendingChainEntries;
  indexes: number[];
  /** per row, the other member networks the record involves (usage per peering pair), space-separated */
  peers: string[];
  /** earliest and latest record timestamp (ms), for the partitions they need */
  firstTs: number;
  lastTs: number;
  rejected: RejectedRecord[];
}

const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Central message logging: a batch is checked record by record, and every record that
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
    private readonly outbox: OutboxWriter,
    private readonly metrics: MessageLogMetrics,
  ) {}

  /** A member's batch: the member must have delegated logging to the hub, and be each record's origin. */
  async ingestFromMember(caller: string, inputs: unknown[]): Promise<IngestResult> {
    checkBatchSize(inputs);
    if (isDomainOrSubdomain(caller, this.config.hub.domain)) {
      // only the hub logs into its own relay chain (a member registered under its name before names were reserved)
      throw new ForbiddenError(`${caller} is a name of the clearing house itself, not of a member`);
    }
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

  /** Every check of every record, and the COPY text and chain entries of those that pass (no I/O). */
  private check(origin: string, inputs: unknown[], directory: DecisionDirectory): CheckedBatch {
    const now = new Date();
    const window = {
      notBefore: new Date(now.getTime() - this.config.messageLog.acceptPastDays * 86_400_000),
      notAfter: new Date(now.getTime() + FUTURE_TOLERANCE_MS),
    };
    const batch: CheckedBatch = {
      text: new LogBatchText(origin, randomUUID()),
      entries: new PendingChainEntries(),
      indexes: [],
      peers: [],
      firstTs: Infinity,
      lastTs: -Infinity,
      rejected: [],
    };
    const ctx = { origin, hubDomain: this.config.hub.domain, directory, window, now };
    for (let index = 0; index < inputs.length; index++) {
      const parsed = parseRecord(inputs[index], index);
      if (!parsed.ok) {
        batch.rejected.push(parsed.rejected);
        continue;
      }
      const r = parsed.record;
      const verdict = authorizeRecord(r, ctx);
      if (!verdict.ok) {
        batch.rejected.push(verdict.rejected);
        continue;
      }
      // one object serves as the chained fields and as the row's content
      const content = {
        origin: r.origin,
        messageId: r.messageId,
        ts: r.tsText,
        direction: r.direction,
        sender: r.sender.uri,
        recipients: r.recipients.map((u) => u.uri),
        room: r.room === null ? null : r.room.uri,
        contentType: r.contentType,
        body: r.body,
        bodySha256: r.bodySha256,
        tags: verdict.tags,
      };
      const plain = isPlainRecord(content);
      batch.entries.add(canonicalRecord(content, plain));
      batch.text.add(content, plain);
      batch.indexes.push(index);
      batch.peers.push(peersOf(verdict.tags, this.config.hub.domain));
      const t = r.ts.getTime();
      if (t < batch.firstTs) batch.firstTs = t;
      if (t > batch.lastTs) batch.lastTs = t;
    }
    return batch;
  }

  /** Stores what passed in one transaction (MessageLogRepository.append, which retries as needed). */
  private async store(origin: string, batch: CheckedBatch): Promise<IngestResult> {
    const fresh = (): IngestResult => ({ batchId: null, origin, accepted: [], duplicates: [], rejected: batch.rejected });
    try {
      if (batch.indexes.length === 0) {
        this.metrics.batch(origin, { accepted: 0, duplicates: 0 }, batch.rejected, new Map());
        return fresh();
      }
      const span = { from: new Date(batch.firstTs), to: new Date(batch.lastTs) };
      // every attempt starts from a fresh result and refills the same bytes; the committed attempt's pairs are counted
      let perPeer = new Map<string, number>();
      const result = await this.log.append(origin, span, (head, tx) =>
        this.link(origin, batch, head, tx, fresh(), (pairs) => (perPeer = pairs)),
      );
      const counts = { accepted: result.accepted.length, duplicates: result.duplicates.length };
      this.metrics.batch(origin, counts, result.rejected, result.accepted.length ? perPeer : new Map());
      return result;
    } finally {
      batch.text.finish();
      batch.entries.release();
    }
  }

  /** Links the batch's records to the chain head under its lock and says what to commit. */
  private async link(
    origin: string,
    batch: CheckedBatch,
    head: ChainHead,
    tx: LogAppend,
    result: IngestResult,
    keepPairs: (perPeer: Map<string, number>) => void,
  ): Promise<LogAppendOutcome<IngestResult>> {
    const lookUpDuplicates = tx.duplicatesPossible;
    const { messageIds } = batch.text;
    // ids logged before (only looked up after a unique violation), and those of this batch
    const logged = lookUpDuplicates ? await tx.findLogged([...new Set(messageIds)]) : new Map<string, number>();
    const kept: number[] = [];
    const firstSeq = head.lastSeq + 1;
    let { lastSeq, lastHash } = head;
    for (let i = 0; i < messageIds.length; i++) {
      const messageId = messageIds[i];
      const index = batch.indexes[i];
      const seq = logged.get(messageId);
      if (seq !== undefined) {
        result.duplicates.push({ index, messageId, seq });
        continue;
      }
      const prevHash = lastHash;
      lastHash = batch.entries.link(i, prevHash);
      lastSeq++;
      batch.text.setLinks(i, lastSeq, prevHash, lastHash);
      kept.push(i);
      if (lookUpDuplicates) logged.set(messageId, lastSeq);
      result.accepted.push({ index, messageId, seq: lastSeq });
    }
    if (kept.length === 0) return { result, commit: null };
    const { batchId } = batch.text;
    // only after a lookup can rows drop out: the rows kept are then copied apart, and the
    // batch stays whole for another attempt
    const text = kept.length < messageIds.length ? batch.text.only(kept) : batch.text;
    try {
      await tx.copy(text);
    } finally {
      if (text !== batch.text) text.finish();
    }
    const outbox = this.outbox.message(JobName.MessageLogBatchCommitted, {
      batchId,
      origin,
      fromSeq: firstSeq,
      toSeq: lastSeq,
      records: kept.length,
      committedAt: new Date().toISOString(),
    });
    const perPeer = recordsPerPeer(batch.peers, kept);
    keepPairs(perPeer);
    return {
      result: { ...result, batchId },
      commit: { head: { lastSeq, lastHash }, outbox, usage: loggedUsage(origin, kept.length, perPeer) },
    };
  }
}

/**
 * The member networks a record's tags name besides the origin (its first tag) and the hub: its
 * member tags come first, in order (authorizeRecord).
 */
function peersOf(tags: string[], hubDomain: string): string {
  let peers = '';
  for (let i = 1; i < tags.length && tags[i].startsWith(MEMBER_TAG_PREFIX); i++) {
    const net = tags[i].slice(MEMBER_TAG_PREFIX.length);
    if (net !== hubDomain) peers = peers ? `${peers} ${net}` : net;
  }
  return peers;
}

/** The kept rows per other member network (a row naming several counts for each). */
function recordsPerPeer(peers: string[], kept: number[]): Map<string, number> {
  const perKey = new Map<string, number>();
  for (const i of kept) {
    const key = peers[i];
    if (key) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  const perPeer = new Map<string, number>();
  for (const [key, n] of perKey) {
    for (const peer of key.split(' ')) perPeer.set(peer, (perPeer.get(peer) ?? 0) + n);
  }
  return perPeer;
}

/** What the batch's kept rows add to the usage counters: the origin's total and each pair, one upsert per batch. */
function loggedUsage(origin: string, kept: number, perPeer: Map<string, number>): UsageIncrement[] {
  const usage: UsageIncrement[] = [{ member: origin, kind: 'messages-logged', n: kept }];
  for (const [peer, n] of perPeer) usage.push({ member: origin, peer, kind: 'messages-logged', n });
  return usage;
}

function checkBatchSize(inputs: unknown[]): void {
  if (inputs.length === 0) throw InvalidInputError.forField('records', 'a batch carries 1 to 1000 records');
  if (inputs.length > MAX_BATCH_RECORDS) {
    throw new PayloadTooLargeError(`a batch carries at most ${MAX_BATCH_RECORDS} records, this one has ${inputs.length}`);
  }
}
