import { Injectable } from '@nestjs/common';
import { type ActorContext, InvalidInputError, normalizeDomain } from '@app/common';
import { type CheckpointRow, type ChainRecordRow, MessageLogChainRepository, TransactionRunner } from '@app/db';
import { HubKeysService } from '@app/interconnect';
import { AuditTrail } from '@app/audit';
import { checkpointSignatureValid } from './checkpoint-signature.js';
import { type ChainCheckpoint, type LogChainReport, LogChainVerifier, type StoredChainRecord } from './record-chain.js';

/** Most chain positions one verification covers; longer chains are verified range by range. */
export const MAX_VERIFY_RANGE = 100_000;
const PAGE_SIZE = 2_000;

export interface VerifyRangeQuery {
  from?: number;
  to?: number;
}

export interface ChainVerification extends LogChainReport {
  origin: string;
  /** the positions checked: from..to (to is at most the head) */
  range: { from: number; to: number } | null;
  head: { seq: number } | null;
}

/**
 * Tamper evidence: re-reads a range of an origin's chain (records page by page, in one snapshot),
 * recomputes each stored body's digest and each link, and checks the hub's signature on every
 * retention checkpoint in the range against every key the hub has had.
 */
@Injectable()
export class MessageLogVerification {
  constructor(
    private readonly chains: MessageLogChainRepository,
    private readonly keys: HubKeysService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * An operator's verification is audited with its outcome ('message-log.verify'): it reads every
   * stored body of the range, so it is an access to the log like a search.
   */
  async verifyAsOperator(actor: ActorContext, origin: string, query: VerifyRangeQuery = {}): Promise<ChainVerification> {
    const report = await this.verify(origin, query);
    await this.tx.run((manager) =>
      this.audit.record(
        actor,
        {
          action: 'message-log.verify',
          targetType: 'message-log',
          targetId: report.origin,
          details: {
            range: report.range,
            ok: report.ok,
            checkedRecords: report.checkedRecords,
            brokenAt: report.brokenAt ?? null,
          },
        },
        manager,
      ),
    );
    return report;
  }

  async verify(originInput: string, query: VerifyRangeQuery = {}): Promise<ChainVerification> {
    const origin = normalizeDomain(originInput, 'origin');
    const from = query.from ?? 1;
    for (const [name, value] of Object.entries({ from, to: query.to })) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1))
        throw InvalidInputError.forField(name, 'must be a positive integer');
    }
    if (query.to !== undefined && query.to < from) throw InvalidInputError.forField('to', 'must not be below from');
    if (query.to !== undefined && query.to - from + 1 > MAX_VERIFY_RANGE) {
      throw InvalidInputError.forField(
        'to',
        `a verification covers at most ${MAX_VERIFY_RANGE} positions: verify longer chains range by range`,
      );
    }
    const jwks = await this.keys.verificationJwks();
    return this.chains.snapshot(async (manager) => {
      const head = await this.chains.head(origin, manager);
      const to = Math.min(query.to ?? from + MAX_VERIFY_RANGE - 1, head?.seq ?? 0);
      const empty = { ok: true, checkedRecords: 0, checkedCheckpoints: 0, firstSeq: null, lastSeq: null };
      if (!head || to < from) return { origin, ...empty, range: null, head: head && { seq: head.seq } };
      const verifier = new LogChainVerifier({ expectFrom: from, expectTo: to, head });
      const checkpoints = await Promise.all(
        (await this.chains.checkpoints(origin, from, to, manager)).map((c) => toCheckpoint(origin, c, jwks)),
      );
      let next = 0;
      const feedCheckpointsBefore = (seq: number) => {
        while (next < checkpoints.length && checkpoints[next].fromSeq < seq && !verifier.broken) {
          verifier.add({ checkpoint: checkpoints[next++] });
        }
      };
      for (let after = from - 1; !verifier.broken;) {
        const page = await this.chains.recordsPage(origin, after, to, PAGE_SIZE, manager);
        for (const row of page) {
          feedCheckpointsBefore(row.seq);
          if (!verifier.add({ record: toRecord(origin, row) })) break;
        }
        if (page.length < PAGE_SIZE) break;
        after = page[page.length - 1].seq;
      }
      feedCheckpointsBefore(Infinity);
      return { origin, ...verifier.finish(), range: { from, to }, head: { seq: head.seq } };
    });
  }
}

function toRecord(origin: string, r: ChainRecordRow): StoredChainRecord {
  return {
    origin,
    seq: r.seq,
    messageId: r.messageId,
    ts: r.ts,
    direction: r.direction,
    sender: r.sender,
    recipients: r.recipients,
    room: r.room,
    contentType: r.contentType,
    bodySha256: r.bodySha256,
    bodyDigestOfStoredBody: r.storedBodySha256 ?? undefined,
    prevHash: r.prevHash,
    chainHash: r.chainHash,
  };
}

async function toCheckpoint(
  origin: string,
  c: CheckpointRow,
  jwks: Parameters<typeof checkpointSignatureValid>[2],
): Promise<ChainCheckpoint> {
  const claims = {
    origin,
    fromSeq: c.fromSeq,
    toSeq: c.toSeq,
    count: c.recordCount,
    hashBefore: c.hashBefore,
    hashAfter: c.hashAfter,
  };
  return { ...claims, signatureValid: await checkpointSignatureValid(c.signature, claims, jwks) };
}
