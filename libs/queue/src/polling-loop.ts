/**
 * A pass repeated on a timer until stopped: the next pass comes after `delayAfter(done)` ms,
 * where `done` is what the pass reports (0 when it failed: a pass logs its own failures). One
 * pass at a time; `stop` lets a pass in progress finish (before the database pool closes).
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly delayAfter: (done: number) => number,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delay);
  }

  private async tick(): Promise<void> {
    let done = 0;
    try {
      done = await this.pass();
    } catch {
      // the pass logged its failure
    }
    this.schedule(this.delayAfter(done));
  }
}
