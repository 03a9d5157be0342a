import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ChangeBus } from '../change-bus.js';

/**
 * Runs a unit of work in one READ COMMITTED transaction; repositories take its EntityManager.
 * The isolation level is the session default (SESSION_OPTIONS), so starting one costs one
 * statement, not two.
 */
@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ChangeBus,
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * "Transaction, then announce the change": runs `work` in one transaction that also announces
   * `keys` on the ChangeBus (other processes hear them only if it commits) and, once committed,
   * delivers them in this process, so its caches are fresh before the caller returns. `keys` may
   * depend on the outcome; no key, no announcement.
   */
  async runAndAnnounce<T>(
    keys: readonly string[] | ((outcome: T) => readonly string[]),
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    let announced: string[] = [];
    const outcome = await this.run(async (manager) => {
      const result = await work(manager);
      announced = [...(typeof keys === 'function' ? keys(result) : keys)];
      if (announced.length) await this.changes.announce(announced, manager);
      return result;
    });
    if (announced.length) this.changes.deliverLocally(announced);
    return outcome;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
