import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { answerMetricsRequest, MetricsRegistry } from '@app/metrics';
import { Readiness, readinessHttpStatus, ShutdownState } from '@app/queue';

/**
 * The worker's only HTTP surface (WORKER_HEALTH_PORT, 0 = off): /health/live, /health/ready, and
 * /metrics with the hub's rule (METRICS_TOKEN, when set, as a bearer token).
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: Readiness,
    private readonly shutdown: ShutdownState,
    private readonly metrics: MetricsRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.worker.healthPort === 0) return;
    this.server = createServer((req, res) => {
      void answerMetricsRequest(req, res, this.metrics, this.config.metrics.token)
        .then(async (answered) => {
          if (answered) return;
          const [status, body] = await this.respond(req.url ?? '/');
          // while stopping, no connection is kept for a next probe: the server closes soon
          const connection = this.shutdown.draining ? { Connection: 'close' } : {};
          res.writeHead(status, { 'Content-Type': 'application/json', ...connection }).end(JSON.stringify(body));
        })
        .catch((error: Error) => res.destroy(error));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject).listen(this.config.worker.healthPort, this.config.hub.host, resolve);
    });
    Logger.log(`worker health on http://${this.config.hub.host}:${this.config.worker.healthPort}/health/ready`, 'Worker');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  /**
   * The hub's /health/live and /health/ready, same bodies; but a worker without its queue backend
   * can do nothing, so it is not ready (503) where the hub is only degraded.
   */
  private async respond(url: string): Promise<[number, unknown]> {
    if (url === '/health/live') return [200, this.readiness.live()];
    if (url !== '/health/ready') return [404, { status: 'not-found' }];
    const report = await this.readiness.ready({ queue: true });
    return [readinessHttpStatus(report), report];
  }
}
