import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { describeDatabase, describeQueueBackend, loadConfigOrExit } from '@app/config';
import { exitIfDependencyUnavailable } from '@app/queue';
import { createHubApp } from './create-hub-app.js';
import { installHubShutdown } from './hub-shutdown.js';

const config = loadConfigOrExit();
const app = await createHubApp(config).catch((error: unknown) =>
  exitIfDependencyUnavailable(error, (line) => Logger.error(line, 'Startup')),
);
await app.listen(config.hub.port, config.hub.host);
installHubShutdown(app, config);
Logger.log(
  `hub ${config.hub.domain} listening on ${config.hub.tls ? 'https' : 'http'}://${config.hub.host}:${config.hub.port} ` +
    `(database: ${describeDatabase(config)}, queues: ${describeQueueBackend(config)})`,
  'Hub',
);
