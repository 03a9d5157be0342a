import { Injectable } from '@nestjs/common';

/**
 * Tells the delivery worker of this process that matching stored records. In-process on purpose:
 * a ChangeBus announcement would reach every hub, whose caches count every announcement, so a
 * match would change something outside LI. Another worker's records are found by the next scan.
 */
@Injectable()
export class LiRecordsSignal {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stored(): void {
    for (const listener of this.listeners) listener();
  }
}
