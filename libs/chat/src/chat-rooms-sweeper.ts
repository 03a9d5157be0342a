import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ALL_CHANGED, ChangeBus } from '@app/db';
import { POLICY_CHANGE_KEY } from '@app/interconnect';
import { ChatRooms } from './chat-rooms.service.js';

/** Changes arriving this close together are swept once. */
const SETTLE_MS = 200;

/**
 * Runs in the worker: re-evaluates every occupied room soon after any policy or member change (so
 * the users of a network that lost the right leave at once, not at the next step in their room),
 * and on a timer for what changes with time alone (an agreement reaching its expiry). One sweep
 * at a time; changes during a sweep ask for one more. Every step in a room re-evaluates it anyway,
 * so a change missed here is never a leak, only a later membership event.
 */
@Injectable()
export class ChatRoomsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChatRoomsSweeper.name);
  private unsubscribe: (() => void) | undefined;
  private interval: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rooms: ChatRooms,
    changes: ChangeBus,
  ) {
    this.unsubscribe = changes.subscribe((key) => {
      if (key === ALL_CHANGED || key === POLICY_CHANGE_KEY || key.startsWith('member:')) this.soon();
    });
  }

  onApplicationBootstrap(): void {
    this.interval = setInterval(() => this.soon(), this.config.chat.sweepIntervalMs);
    this.interval.unref();
    this.soon();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.interval);
    clearTimeout(this.settle);
    await this.running;
  }

  private soon(): void {
    if (this.stopped || this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.run();
    }, SETTLE_MS);
    this.settle.unref();
  }

  private run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweep().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.run();
      }
    });
  }

  private async sweep(): Promise<void> {
    try {
      const removed = await this.rooms.reevaluateAll();
      if (removed > 0) this.logger.log(`chat rooms re-evaluated: ${removed} participant(s) removed`);
    } catch (error) {
      this.logger.warn(`chat room sweep failed, retried at the next change or tick: ${(error as Error).message}`);
    }
  }
}
