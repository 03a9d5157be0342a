import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MessageLogRepository, utcDay } from '@app/db';

const DAY_MS = 86_400_000;

/**
 * Daily partitions of the message log: from the oldest timestamp ingest accepts to
 * MESSAGE_LOG_PARTITIONS_AHEAD_DAYS ahead. Run at every start (hub and worker) and by the
 * worker's scheduled upkeep; ingest also creates a missing day on demand.
 */
@Injectable()
export class MessageLogPartitions implements OnApplicationBootstrap {
  private readonly logger = new Logger(MessageLogPartitions.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly log: MessageLogRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAhead();
  }

  async ensureAhead(now = new Date()): Promise<string[]> {
    const { acceptPastDays, partitionsAheadDays } = this.config.messageLog;
    const created = await this.log.ensureDailyPartitions(
      utcDay(new Date(now.getTime() - acceptPastDays * DAY_MS)),
      new Date(now.getTime() + partitionsAheadDays * DAY_MS),
    );
    if (created.length > 0) this.logger.log(`created message-log partitions ${created.join(', ')}`);
    return created;
  }
}
