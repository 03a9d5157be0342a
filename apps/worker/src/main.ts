import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { describeDatabase, describeQueueBackend, loadConfigOrExit } from '@app/config';
import { exitIfDependencyUnavailable } from '@app/queue';
import { createWorkerApp } from './create-worker-app.js';
import { installWorkerShutdown } from './worker-shutdown.js';

const config = loadConfigOrExit();
const app = await createWorkerApp(config).catch((error: unknown) =>
  exitIfDependencyUnavailable(error, (line) => Logger.error(line, 'Startup')),
);
installWorkerShutdown(app, config);
Logger.log(`worker started (database: ${describeDatabase(config)}, queues: ${describeQueueBackend(config)})`, 'Worker');
