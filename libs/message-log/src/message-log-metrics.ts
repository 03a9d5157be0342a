import { Injectable } from '@nestjs/common';
import { type CounterCell, MetricsRegistry } from '@app/metrics';
import type { RejectedRecord } from './message-record.js';

/**
 * Message-log records by outcome, rejections by reason, and the accepted records per peering
 * pair (origin member, other member network involved): the basis of settlement between members,
 * as in the usage counters. Labels are member domains and closed vocabularies only.
 */
@Injectable()
export class MessageLogMetrics {
  private readonly accepted: CounterCell;
  private readonly duplicates: CounterCell;
  private readonly rejected: CounterCell;
  private readonly rejections;
  private readonly pairs;

  constructor(metrics: MetricsRegistry) {
    const records = metrics.counter(
      'hub_message_log_records_total',
      'message-log records submitted, by outcome (accepted, duplicate, rejected)',
      ['outcome'],
    );
    this.accepted = records.cell('accepted');
    this.duplicates = records.cell('duplicate');
    this.rejected = records.cell('rejected');
    this.rejections = metrics.counter('hub_message_log_rejected_records_total', 'message-log records rejected, by reason', [
      'reason',
    ]);
    this.pairs = metrics.counter(
      'hub_message_log_pair_records_total',
      'message-log records accepted per peering pair: the origin member and each other member network the record involves',
      ['origin', 'peer'],
    );
  }

  /** One batch's outcome; `perPeer`: accepted records per other member network. */
  batch(
    origin: string,
    counts: { accepted: number; duplicates: number },
    rejected: RejectedRecord[],
    perPeer: Map<string, number>,
  ): void {
    this.accepted.inc(counts.accepted);
    this.duplicates.inc(counts.duplicates);
    this.rejected.inc(rejected.length);
    for (const r of rejected) this.rejections.cell(r.reason).inc();
    for (const [peer, n] of perPeer) this.pairs.cell(origin, peer).inc(n);
  }
}
