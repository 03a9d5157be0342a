import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';

const CHANNEL = 'hub_changes';
/** Delivered to subscribers when notifications may have been missed (listener reconnected): drop everything. */
export const ALL_CHANGED = '*';

export const memberChangeKey = (domain: string) => `member:${domain}`;

/**
 * Cache invalidation across every hub and worker process through PostgreSQL LISTEN/NOTIFY
 * (available in every deployment mode, Redis or not). `announce` inside a transaction is
 * delivered only if it commits; `deliverLocally` after the commit makes the change visible in
 * this process at once, other processes follow within milliseconds.
 */
@Injectable()
export class ChangeBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeBus.name);
  private readonly subscribers = new Set<(key: string) => void>();
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async announce(keys: string[], manager: EntityManager): Promise<void> {
    const distinct = [...new Set(keys)];
    if (distinct.length === 0) return;
    // one round trip however many keys (a room event announces one per destination network)
    await manager.query('SELECT pg_notify($1, key) FROM unnest($2::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n', [
      CHANNEL,
      distinct,
    ]);
  }

  deliverLocally(keys: string[]): void {
    for (const key of new Set(keys)) this.emit(key);
  }

  subscribe(subscriber: (key: string) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  private emit(key: string): void {
    for (const subscriber of this.subscribers) subscriber(key);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.db.url, application_name: 'change-bus' });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.emit(message.payload);
    });
    client.on('error', () => this.reconnectLater(client));
    client.on('end', () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.emit(ALL_CHANGED);
    } catch (error) {
      this.logger.warn(`change listener could not connect: ${(error as Error).message}`);
      this.reconnectLater(client);
    }
  }

  private reconnectLater(client: pg.Client): void {
    if (this.stopped || this.retryTimer) return;
    if (this.client === client) this.client = undefined;
    client.end().catch(() => undefined);
    // notifications sent while disconnected are lost: caches must start over
    this.emit(ALL_CHANGED);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, 1000);
  }
}
