import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { describeDatabase, describeQueueBackend, loadConfigOrExit } from '@app/config';
import { EarlyShutdownSignals, exitIfDependencyUnavailable } from '@app/queue';
import { createWorkerApp } from './create-worker-app.js';
import { installWorkerShutdown } from './worker-shutdown.js';

const config = loadConfigOrExit();
// while waiting for PostgreSQL and Redis a signal simply ends the process; from the init on, where
// jobs may start, it is held and becomes the orderly stop as soon as that is installed
const early = new EarlyShutdownSignals();
const app = await createWorkerApp(config, { beforeInit: () => early.listen() }).catch((error: unknown) =>
  exitIfDependencyUnavailable(error, (line) => Logger.error(line, 'Startup')),
);
installWorkerShutdown(app, config, early.release());
Logger.log(`worker started (database: ${describeDatabase(config)}, queues: ${describeQueueBackend(config)})`, 'Worker');
