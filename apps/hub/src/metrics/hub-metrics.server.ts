import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { answerMetricsRequest, METRICS_PATH, MetricsRegistry, writeProblem } from '@app/metrics';

/**
 * With HUB_METRICS_PORT, the hub's /metrics on a port of its own (for example one only the
 * monitoring network reaches), with the same token rule; anything else there is a 404.
 */
@Injectable()
export class HubMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.hubPort;
    if (port === undefined) return;
    const server = createServer((request, response) => {
      answerMetricsRequest(request, response, this.metrics, this.config.metrics.token).then(
        (answered) => {
          if (!answered) writeProblem(response, 404, 'Not Found', `only ${METRICS_PATH} is served here`);
        },
        (error: Error) => response.destroy(error),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, this.config.hub.host, resolve));
    Logger.log(`hub metrics on http://${this.config.hub.host}:${port}${METRICS_PATH}`, 'Hub');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
