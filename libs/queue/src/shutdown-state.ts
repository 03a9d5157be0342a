/**
 * Whether the process has begun its orderly stop. Set once by the signal handler (main.ts of each
 * app); from then on readiness answers 503 so load balancers and orchestrators stop sending work,
 * while liveness stays 200 (the process is not broken, it is finishing what it has).
 */
export class ShutdownState {
  private stopping = false;

  get draining(): boolean {
    return this.stopping;
  }

  beginDraining(): void {
    this.stopping = true;
  }
}

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/**
 * Signals this soon after the first are the same request delivered twice: a terminal's Ctrl-C
 * reaches the app and `npm start`, which then sends SIGTERM as well (scripts/start.mjs uses the same window).
 */
export const DUPLICATE_SIGNAL_WINDOW_MS = 2000;

export interface ShutdownHandlers {
  /** the orderly stop; resolves with the exit code */
  stop: (signal: NodeJS.Signals) => Promise<number>;
  log: { log: (line: string) => void; warn: (line: string) => void; error: (line: string) => void };
}

/**
 * The process's stop: the first SIGTERM/SIGINT/SIGHUP (or `pending`, one held while starting) runs `stop` and exits with its code; a
 * further signal later than DUPLICATE_SIGNAL_WINDOW_MS forces the exit at once (code 1) for an
 * operator who will not wait. Replaces Nest's enableShutdownHooks, which closes everything at once.
 */
export function handleShutdownSignals({ stop, log }: ShutdownHandlers, pending?: NodeJS.Signals): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      stop(signal).then(
        (code) => process.exit(code),
        (error: unknown) => {
          log.error(`stop failed: ${(error as Error)?.stack ?? String(error)}`);
          process.exit(1);
        },
      );
    } else if (Date.now() - firstAt > DUPLICATE_SIGNAL_WINDOW_MS) {
      log.warn(`${signal} received again: exiting without waiting for the stop to finish`);
      process.exit(1);
    }
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  if (pending !== undefined) onSignal(pending);
}

/** Resolves true when `promise` settled within `ms`, false otherwise (its rejection is passed on); a stop's bounded wait. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Signals that arrive while the app is being built, when its queue workers may already run jobs:
 * held instead of ending the process at once (Node's default), then handed to
 * `handleShutdownSignals` as `pending`, so a job started that early is drained like any other.
 */
export class EarlyShutdownSignals {
  private received: NodeJS.Signals | undefined;
  private readonly hold = (signal: NodeJS.Signals) => {
    this.received ??= signal;
  };

  listen(): void {
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, this.hold);
  }

  /** Stops holding; returns the first signal held, if any. */
  release(): NodeJS.Signals | undefined {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, this.hold);
    return this.received;
  }
}
