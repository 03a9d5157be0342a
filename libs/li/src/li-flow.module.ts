import { Module } from '@nestjs/common';
import { HubOutboundModule } from '@app/interconnect';
import { LiActiveTargets } from './li-active-targets.js';
import { LiDeliveryLog } from './li-delivery-log.service.js';
import { LiMatchHandler } from './li-match.handler.js';
import { LiModule } from './li.module.js';
import { LiRecordsSignal } from './li-records-signal.js';

/**
 * Matching and delivery. The worker consumes the lawful-interception queue with LiMatchHandler
 * and provides the delivery worker (LiPusher) itself, with the outbound client this module
 * brings; the hub reads the delivery log for LI administrators (LiDeliveryLog).
 */
@Module({
  imports: [LiModule, HubOutboundModule],
  providers: [LiMatchHandler, LiActiveTargets, LiDeliveryLog, LiRecordsSignal],
  exports: [LiModule, LiMatchHandler, LiDeliveryLog, LiRecordsSignal, HubOutboundModule],
})
export class LiFlowModule {}
