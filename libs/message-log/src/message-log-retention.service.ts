import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type ActorContext, InvalidInputError, normalizeDomain, NotFoundError, systemActor } from '@app/common';
import {
  LegalHoldRepository,
  MemberRepository,
  MessageLogPruneRepository,
  MessageLogRepository,
  MessageLogRetentionRepository,
  type NewCheckpoint,
  type SeqRun,
  TransactionRunner,
} from '@app/db';
import { HubKeysService, type HubSigningKey } from '@app/interconnect';
import { AuditTrail } from '@app/audit';
import type { EntityManager } from 'typeorm';
import { signCheckpoint } from './checkpoint-signature.js';
import {
  droppablePartitions,
  heldTags,
  inIngestWindow,
  retentionCutoff,
  retentionDaysOf,
  type RetentionPolicy,
} from './retention-plan.js';

class PartitionChanged extends Error {}

/** Most records one deletion transaction removes. */
export const RETENTION_BATCH_SIZE = 5_000;
export const MAX_RETENTION_DAYS = 36_500;

export interface RetentionSettings {
  defaultDays: number;
  overrides: Array<{ memberDomain: string; days: number; updatedBy: string; updatedAt: Date }>;
}

export interface OriginRetentionReport {
  origin: string;
  days: number;
  cutoff: Date;
  /** records removed by row deletion (records in dropped partitions are counted in droppedRecords) */
  deletedRecords: number;
  /** expired records kept because a legal hold matches them */
  heldRecords: number;
}

export interface RetentionReport {
  ranAt: Date;
  defaultDays: number;
  droppedPartitions: string[];
  droppedRecords: number;
  deletedRecords: number;
  heldRecords: number;
  checkpoints: number;
  origins: OriginRetentionReport[];
}

/**
 * Retention of the message log: per member (origin) days, default MESSAGE_LOG_RETENTION_DAYS.
 * `enforce()` (the worker's scheduled job) removes every record older than its origin's retention
 * unless a legal hold matches it: whole partitions where every record has expired and none is
 * held, otherwise rows in batches. Each removal commits with the signed checkpoints of the seq
 * runs it removed (hash before the run, hash at its end), so the remaining chain still verifies.
 */
@Injectable()
export class MessageLogRetention {
  private readonly logger = new Logger(MessageLogRetention.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly retention: MessageLogRetentionRepository,
    private readonly holds: LegalHoldRepository,
    private readonly prune: MessageLogPruneRepository,
    private readonly log: MessageLogRepository,
    private readonly members: MemberRepository,
    private readonly keys: HubKeysService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditTrail,
  ) {}

  async settings(): Promise<RetentionSettings> {
    const overrides = await this.retention.listOverrides();
    return {
      defaultDays: this.config.messageLog.retentionDays,
      overrides: overrides.map((o) => ({
        memberDomain: o.memberDomain,
        days: o.days,
        updatedBy: o.updatedBy,
        updatedAt: o.updatedAt,
      })),
    };
  }

  /** A member's own retention (the hub's domain, for messages it relays, counts as one). */
  async setForMember(domainInput: string, days: number, actor: ActorContext): Promise<{ memberDomain: string; days: number }> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      throw InvalidInputError.forField('days', `must be an integer from 1 to ${MAX_RETENTION_DAYS}`);
    }
    const domain = await this.knownOrigin(domainInput);
    await this.tx.run(async (manager) => {
      const previous = await this.retention.upsert(domain, days, actor.id, manager);
      await this.audit.record(
        actor,
        { action: 'message-log.retention.set', targetType: 'member', targetId: domain, details: { days, previous } },
        manager,
      );
    });
    return { memberDomain: domain, days };
  }

  /** Back to the default retention. */
  async clearForMember(domainInput: string, actor: ActorContext): Promise<void> {
    const domain = normalizeDomain(domainInput);
    await this.tx.run(async (manager) => {
      const previous = await this.retention.remove(domain, manager);
      if (previous === null) throw new NotFoundError(`${domain} has no retention of its own`);
      await this.audit.record(
        actor,
        {
          action: 'message-log.retention.cleared',
          targetType: 'member',
          targetId: domain,
          details: { previous, days: this.config.messageLog.retentionDays },
        },
        manager,
      );
    });
  }

  async enforce(now = new Date()): Promise<RetentionReport> {
    const overrides = await this.retention.listOverrides();
    const policy: RetentionPolicy = {
      defaultDays: this.config.messageLog.retentionDays,
      overrides: new Map(overrides.map((o) => [o.memberDomain, o.days])),
    };
    // only when something is removed: a run with nothing to do must not create a hub key
    let key: Promise<HubSigningKey> | undefined;
    const signingKey = () => (key ??= this.keys.signingKey(now));
    const report: RetentionReport = {
      ranAt: now,
      defaultDays: policy.defaultDays,
      droppedPartitions: [],
      droppedRecords: 0,
      deletedRecords: 0,
      heldRecords: 0,
      checkpoints: 0,
      origins: [],
    };
    for (const partition of droppablePartitions(await this.log.partitions(), now, policy)) {
      const dropped = await this.tx
        .run(async (manager) => {
          const held = await this.lockAndReadHolds(manager);
          if (!(await this.prune.partitionExists(partition.name, manager))) return null;
          if (await this.prune.partitionHasTagged(partition.name, held, manager)) return null;
          const runs = await this.prune.partitionRuns(partition.name, manager);
          if (runs.length === 0 && inIngestWindow(partition, now, this.config.messageLog.acceptPastDays)) return null;
          const records = runs.reduce((n, r) => n + r.count, 0);
          await this.prune.insertCheckpoints(await this.sign(runs, signingKey), manager);
          if (!(await this.prune.dropPartition(partition.name, records, manager))) throw new PartitionChanged();
          return { records, checkpoints: runs.length };
        })
        .catch((error: unknown) => {
          // a record arrived meanwhile: nothing was committed, the row deletion below handles the partition
          if (error instanceof PartitionChanged) return null;
          throw error;
        });
      if (!dropped) continue;
      report.droppedPartitions.push(partition.name);
      report.droppedRecords += dropped.records;
      report.checkpoints += dropped.checkpoints;
    }
    for (const origin of await this.prune.origins()) {
      const days = retentionDaysOf(policy, origin);
      const cutoff = retentionCutoff(now, days);
      const entry: OriginRetentionReport = { origin, days, cutoff, deletedRecords: 0, heldRecords: 0 };
      for (let more = true; more;) {
        more = await this.tx.run(async (manager) => {
          const held = await this.lockAndReadHolds(manager);
          const runs = await this.prune.expiredRuns(origin, cutoff, held, RETENTION_BATCH_SIZE, manager);
          if (runs.length === 0) return false;
          const expected = runs.reduce((n, r) => n + r.count, 0);
          await this.prune.insertCheckpoints(await this.sign(runs, signingKey), manager);
          const removed = await this.prune.deleteExpired(origin, cutoff, held, runs[runs.length - 1].toSeq, manager);
          // the checkpoints must attest exactly what was deleted: anything else rolls both back
          if (removed.records !== expected) {
            throw new Error(`retention of ${origin}: deleted ${removed.records} records, the checkpoints cover ${expected}`);
          }
          entry.deletedRecords += removed.records;
          report.checkpoints += runs.length;
          return expected === RETENTION_BATCH_SIZE;
        });
      }
      entry.heldRecords = await this.prune.countTagged(origin, cutoff, heldTags(await this.holds.active()));
      report.deletedRecords += entry.deletedRecords;
      report.heldRecords += entry.heldRecords;
      if (entry.deletedRecords > 0 || entry.heldRecords > 0) report.origins.push(entry);
    }
    if (report.droppedRecords + report.deletedRecords > 0 || report.droppedPartitions.length > 0) {
      await this.tx.run((manager) =>
        this.audit.record(
          systemActor('message-log-retention'),
          {
            action: 'message-log.retention.enforced',
            targetType: 'message-log',
            targetId: 'retention',
            details: {
              ranAt: now.toISOString(),
              droppedPartitions: report.droppedPartitions,
              droppedRecords: report.droppedRecords,
              deletedRecords: report.deletedRecords,
              heldRecords: report.heldRecords,
              checkpoints: report.checkpoints,
              origins: report.origins.map((o) => ({
                origin: o.origin,
                days: o.days,
                deleted: o.deletedRecords,
                held: o.heldRecords,
              })),
            },
          },
          manager,
        ),
      );
      this.logger.log(
        `retention removed ${report.droppedRecords + report.deletedRecords} message-log records ` +
          `(${report.droppedPartitions.length} partitions dropped, ${report.checkpoints} checkpoints, ${report.heldRecords} held)`,
      );
    }
    return report;
  }

  private async lockAndReadHolds(manager: EntityManager): Promise<string[]> {
    await this.prune.lockRetention(manager);
    return heldTags(await this.holds.active(manager));
  }

  private async sign(runs: SeqRun[], signingKey: () => Promise<HubSigningKey>): Promise<NewCheckpoint[]> {
    if (runs.length === 0) return [];
    const key = await signingKey();
    return Promise.all(
      runs.map(async (run) => ({ ...run, reason: 'retention' as const, signature: await signCheckpoint(run, key) })),
    );
  }

  private async knownOrigin(domainInput: string): Promise<string> {
    const domain = normalizeDomain(domainInput);
    if (domain !== this.config.hub.domain && !(await this.members.findByDomain(domain))) {
      throw new NotFoundError(`no member ${domain}`);
    }
    return domain;
  }
}
