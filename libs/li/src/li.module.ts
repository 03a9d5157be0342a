import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { LiAdministrators } from './li-administrators.service.js';
import { LiAuditLog } from './li-audit-log.js';
import { LiDestinations } from './li-destinations.service.js';
import { LiSealer } from './li-sealer.js';
import { LiTasks } from './li-tasks.service.js';
import { X1Endpoint } from './x1-endpoint.service.js';
import { LiKeyRotation } from './li-key-rotation.js';

const SERVICES = [LiAdministrators, LiAuditLog, LiTasks, LiDestinations, X1Endpoint, LiKeyRotation];

/**
 * Lawful interception's services, for the hub and the worker. LiSealer is always provided: where LI
 * is disabled (no LI_SECRET_KEY) it is the disabled sealer (`enabled` false, every use throws), so
 * modules can depend on it unconditionally and check `enabled`.
 */
@Module({
  providers: [
    {
      provide: LiSealer,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.li ? new LiSealer(config.li.secretKey, config.li.previousKeys) : LiSealer.disabled(),
    },
    ...SERVICES,
  ],
  exports: [LiSealer, ...SERVICES],
})
export class LiModule {}
