import { INestApplicationContext, Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { handleShutdownSignals, settlesWithin, ShutdownState } from '@app/queue';

/**
 * The worker's stop on SIGTERM (or SIGINT/SIGHUP): its readiness answers 503 `draining` at once,
 * then Nest's shutdown hooks run: every queue's worker stops taking jobs and waits for the ones it
 * is running (BullMQ's close), the outbox dispatcher finishes its pass, the chat pusher gives up
 * its gateway leases, and the pools close; exit 0. Jobs still running after WORKER_SHUTDOWN_TIMEOUT_MS
 * are abandoned (exit 1): their lock expires after WORKER_LOCK_DURATION_MS and another worker runs
 * them again, as after a crash (docs/operations.md#shutdown-and-start-up).
 */
export function installWorkerShutdown(app: INestApplicationContext, config: AppConfig, pending?: NodeJS.Signals): void {
  const logger = new Logger('Shutdown');
  const timeoutMs = config.worker.shutdownTimeoutMs;
  handleShutdownSignals(
    {
      log: logger,
      async stop(signal) {
        app.get(ShutdownState).beginDraining();
        logger.log(`${signal} received: draining (readiness 503); no new jobs, jobs in flight get up to ${timeoutMs} ms`);
        if (!(await settlesWithin(app.close(), timeoutMs))) {
          logger.warn(
            `jobs still running after ${timeoutMs} ms (WORKER_SHUTDOWN_TIMEOUT_MS): exiting; another worker takes them ` +
              `over once their lock expires (WORKER_LOCK_DURATION_MS)`,
          );
          return 1;
        }
        logger.log('stopped');
        return 0;
      },
    },
    pending,
  );
}
