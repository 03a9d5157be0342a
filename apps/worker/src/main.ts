import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { describeDatabase, describeQueueBackend, loadConfigOrExit } from '@app/config';
import { createWorkerApp } from './create-worker-app.js';

const config = loadConfigOrExit();
await createWorkerApp(config);
Logger.log(`worker started (database: ${describeDatabase(config)}, queues: ${describeQueueBackend(config)})`, 'Worker');
