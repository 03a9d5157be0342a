/**
 * At most `limit` requests in flight per destination in this process. A caller that finds no
 * free slot is told at once (tryAcquire returns false) instead of waiting: a queue worker then
 * defers the job and serves other destinations meanwhile.
 */
export class DestinationLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly limit: number) {}

  tryAcquire(destination: string): boolean {
    const current = this.inFlight.get(destination) ?? 0;
    if (current >= this.limit) return false;
    this.inFlight.set(destination, current + 1);
    return true;
  }

  release(destination: string): void {
    const current = this.inFlight.get(destination) ?? 0;
    if (current <= 1) this.inFlight.delete(destination);
    else this.inFlight.set(destination, current - 1);
  }

  inFlightTo(destination: string): number {
    return this.inFlight.get(destination) ?? 0;
  }
}
