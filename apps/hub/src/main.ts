import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { describeDatabase, describeQueueBackend, loadConfigOrExit } from '@app/config';
import { createHubApp } from './create-hub-app.js';

const config = loadConfigOrExit();
const app = await createHubApp(config);
await app.listen(config.hub.port, config.hub.host);
Logger.log(
  `hub ${config.hub.domain} listening on ${config.hub.tls ? 'https' : 'http'}://${config.hub.host}:${config.hub.port} ` +
    `(database: ${describeDatabase(config)}, queues: ${describeQueueBackend(config)})`,
  'Hub',
);
