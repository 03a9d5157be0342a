import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type UsageIncrement, UsageCountersRepository } from '@app/db';
import { type FetchChannel, ProvisioningMetrics } from './provisioning-metrics.js';

const DAY_MS = 86_400_000;

/** Counts of one UTC day: requestor ('' anonymous) → fetched member ('' for the requestor's total) → n. */
type DayCounts = Map<string, Map<string, number>>;

/**
 * Provisioning fetches for the usage counters. They are served from memory (the cached views,
 * the well-known fast path) with no database write, and must stay that way, so a fetch only adds
 * to a map in this process; every USAGE_FLUSH_INTERVAL_MS, and when the hub stops cleanly, the
 * counts go to PostgreSQL in one upsert under a flush id recorded in the same transaction (a
 * flush retried after a lost answer adds nothing twice; one that failed is kept and sent again
 * first). A hub killed without a clean stop loses the fetches of its last interval at most.
 */
@Injectable()
export class ProvisioningFetchUsage implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProvisioningFetchUsage.name);
  private day = -1;
  private dayText = '';
  private counts: DayCounts = new Map();
  /** counts taken out of `counts` and not yet in PostgreSQL, each under its flush id */
  private readonly unsent: Array<{ id: string; increments: UsageIncrement[] }> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly usage: UsageCountersRepository,
    private readonly metrics: ProvisioningMetrics,
  ) {}

  /**
   * One fetch over `channel` served to `requestor` (null: anonymous, or over SIP) of `member`'s
   * document (null: the hub's own document or the federation document). On the hot path: no I/O,
   * no promise.
   */
  fetched(channel: FetchChannel, requestor: string | null, member: string | null): void {
    this.metrics.fetches[channel].value++;
    const day = Math.floor(Date.now() / DAY_MS);
    if (day !== this.day) this.startDay(day);
    const key = requestor ?? '';
    let counts = this.counts.get(key);
    if (!counts) this.counts.set(key, (counts = new Map()));
    counts.set('', (counts.get('') ?? 0) + 1);
    if (member !== null) counts.set(member, (counts.get(member) ?? 0) + 1);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.usage.flushIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Sends what was counted so far (and what earlier flushes could not send). */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    this.flushing = this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async send(): Promise<void> {
    this.takeCounts();
    while (this.unsent.length) {
      const next = this.unsent[0];
      try {
        await this.usage.flush(next.id, next.increments);
      } catch (error) {
        if (!this.failing)
          this.logger.warn(`provisioning fetch counts not saved yet, kept for the next flush: ${(error as Error).message}`);
        this.failing = true;
        return;
      }
      this.unsent.shift();
      this.failing = false;
    }
  }

  private startDay(day: number): void {
    this.takeCounts();
    this.day = day;
    this.dayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  /** Moves the current day's counts into an unsent flush of their own. */
  private takeCounts(): void {
    if (this.counts.size === 0) return;
    const increments: UsageIncrement[] = [];
    for (const [requestor, counts] of this.counts) {
      for (const [member, n] of counts) {
        increments.push({ day: this.dayText, member: requestor, peer: member, kind: 'provisioning-fetches', n });
      }
    }
    this.counts = new Map();
    this.unsent.push({ id: randomUUID(), increments });
  }
}
