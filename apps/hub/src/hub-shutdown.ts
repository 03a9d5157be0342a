import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { AppConfig } from '@app/config';
import { handleShutdownSignals, settlesWithin, ShutdownState } from '@app/queue';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The hub's stop on SIGTERM (or SIGINT/SIGHUP), in the order that loses no request:
 * 1. readiness answers 503 `draining` at once (liveness stays 200), and every answer closes its
 *    connection, while the hub keeps serving for HUB_SHUTDOWN_DELAY_MS: the time a load balancer
 *    needs to see it and send new requests elsewhere;
 * 2. the listener closes (new connections are refused) and idle connections are closed; requests in
 *    flight get HUB_SHUTDOWN_TIMEOUT_MS to finish, then what is left of their connections is cut;
 * 3. Nest's shutdown hooks run (the outbox dispatcher finishes its pass, the SIP listener and the
 *    pools close), and the process exits 0.
 * A further signal more than two seconds after the first exits at once (code 1).
 */
export function installHubShutdown(app: NestFastifyApplication, config: AppConfig): void {
  const logger = new Logger('Shutdown');
  const server = app.getHttpServer() as unknown as Server;
  const state = app.get(ShutdownState);
  const { delayMs, timeoutMs } = config.hub.shutdown;
  const openConnections = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n ?? 0)));
  handleShutdownSignals({
    log: logger,
    async stop(signal) {
      state.beginDraining();
      logger.log(`${signal} received: draining (readiness 503); the listener closes in ${delayMs} ms`);
      if (delayMs > 0) await sleep(delayMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const open = await openConnections();
      logger.log(`listener closed; requests in flight on ${open} open connection(s) get up to ${timeoutMs} ms`);
      if (!(await settlesWithin(closed, timeoutMs))) {
        const left = await openConnections();
        logger.warn(`${left} connection(s) still busy after ${timeoutMs} ms (HUB_SHUTDOWN_TIMEOUT_MS): closing them`);
        server.closeAllConnections();
        await closed;
      }
      await app.close();
      logger.log('stopped');
      return 0;
    },
  });
}
