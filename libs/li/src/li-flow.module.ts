import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { HubOutboundModule } from '@app/interconnect';
import { LiMatchHandler } from './li-match.handler.js';
import { LiSealer } from './li-sealer.js';

/** The sealer of this deployment: LI_SECRET_KEY and its predecessors, or one that refuses every use when LI is disabled. */
export const liSealerProvider = {
  provide: LiSealer,
  useFactory: (config: AppConfig) =>
    config.li ? new LiSealer(config.li.secretKey, config.li.previousKeys) : LiSealer.disabled(),
  inject: [APP_CONFIG],
};

/**
 * Matching and delivery (the worker): the matcher of the lawful-interception queue; the delivery
 * worker (LiPusher) is provided by the worker itself, with the outbound client this module brings.
 */
@Module({
  imports: [HubOutboundModule],
  providers: [liSealerProvider, LiMatchHandler],
  exports: [liSealerProvider, LiMatchHandler, HubOutboundModule],
})
export class LiFlowModule {}
