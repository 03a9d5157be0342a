import { Injectable } from '@nestjs/common';
import { type DailyStat, MessageLogStatsRepository } from '@app/db';

/** Read side of the per-day counters kept by MessageLogBatchHandler. */
@Injectable()
export class MessageLogStats {
  constructor(private readonly stats: MessageLogStatsRepository) {}

  daily(query: { origin?: string; from?: string; to?: string }): Promise<DailyStat[]> {
    return this.stats.list(query);
  }
}
