/**
 * Serves calls of many concurrent callers with few calls of `run`: a call made while none is
 * under way starts one at the next turn of the event loop (with every call made in the same
 * turn); calls made while one is under way wait for it to end and then go together in the next.
 * So an idle process adds no delay, and a busy one makes one round trip for many callers
 * instead of one each (the chat pusher: ten gateways woken by one event read, lease and settle
 * with one statement each).
 */
export class GatheredCalls<I, O> {
  private waiting: Array<{ input: I; resolve: (output: O) => void; reject: (error: Error) => void }> = [];
  private running = false;

  /** `run` answers the inputs in their order. */
  constructor(private readonly run: (inputs: I[]) => Promise<O[]>) {}

  call(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.serve());
      }
    });
  }

  private async serve(): Promise<void> {
    try {
      while (this.waiting.length) {
        const calls = this.waiting;
        this.waiting = [];
        try {
          const outputs = await this.run(calls.map((c) => c.input));
          calls.forEach((c, i) => c.resolve(outputs[i]));
        } catch (error) {
          for (const c of calls) c.reject(error as Error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
