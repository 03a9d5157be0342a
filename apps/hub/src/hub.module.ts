import { DynamicModule, Module } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { AuthModule } from '@app/auth';
import { AppConfig, ConfigModule } from '@app/config';
import { DbModule } from '@app/db';
import { MembersModule } from '@app/members';
import { ProvisioningModule } from '@app/provisioning';
import { InterconnectModule } from '@app/interconnect';
import { MessageLogModule } from '@app/message-log';
import { QueueAdminModule, QueueModule, ShutdownState } from '@app/queue';
import { ChatModule } from '@app/chat';
import { LiFlowModule, LiModule } from '@app/li';
import { ApplicationsController } from './applications/applications.controller.js';
import { AdminAuditController } from './audit/admin-audit.controller.js';
import { HealthController } from './health/health.controller.js';
import { AdminMembersController } from './members/admin-members.controller.js';
import { MemberSelfController } from './members/member-self.controller.js';
import { AdminOperatorsController } from './operators/admin-operators.controller.js';
import { AdminHubKeysController } from './interconnect/admin-hub-keys.controller.js';
import { AdminInterconnectController } from './interconnect/admin-interconnect.controller.js';
import { JwksController, MemberAssertionsController } from './interconnect/assertions.controller.js';
import { MemberInterconnectController } from './interconnect/member-interconnect.controller.js';
import { TransparencyController } from './interconnect/transparency.controller.js';
import { FederationController } from './provisioning/federation.controller.js';
import { ProvisioningController } from './provisioning/provisioning.controller.js';
import { WellKnownController } from './provisioning/well-known.controller.js';
import { SipListenerService } from './sip/sip-listener.service.js';
import { MessageLogController } from './message-log/message-log.controller.js';
import {
  AdminLegalHoldsController,
  AdminMessageLogRetentionController,
} from './message-log/admin-message-log-retention.controller.js';
import {
  AdminMessageLogVerifyController,
  MemberMessageLogVerifyController,
} from './message-log/message-log-verify.controller.js';
import { AdminMessageLogStatsController } from './message-log/admin-message-log-stats.controller.js';
import { MemberMessageLogSearchController } from './message-log/member-message-log-search.controller.js';
import { AdminMessageLogController } from './message-log/admin-message-log.controller.js';
import { ProblemsController } from './problems/problems.controller.js';
import { MemberChatController } from './chat/member-chat.controller.js';
import { MemberChatDeliveriesController } from './chat/member-chat-deliveries.controller.js';
import { AdminChatDestinationsController } from './chat/admin-chat-destinations.controller.js';
import { AdminQueuesController } from './queues/admin-queues.controller.js';
import { AdminUsageController } from './usage/admin-usage.controller.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { HubMetricsServer } from './metrics/hub-metrics.server.js';

@Module({})
export class HubModule {
  static forRoot(config: AppConfig, queueConnection: ConnectionOptions, shutdown = new ShutdownState()): DynamicModule {
    return {
      module: HubModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        QueueModule.forRoot(queueConnection, config.queue.prefix, shutdown),
        AuthModule,
        MembersModule,
        ProvisioningModule,
        InterconnectModule,
        MessageLogModule,
        ChatModule,
        QueueAdminModule,
        LiModule,
        LiFlowModule,
      ],
      controllers: [
        HealthController,
        ApplicationsController,
        MemberSelfController,
        AdminMembersController,
        AdminOperatorsController,
        AdminAuditController,
        ProvisioningController,
        WellKnownController,
        FederationController,
        MemberInterconnectController,
        AdminInterconnectController,
        TransparencyController,
        MemberAssertionsController,
        JwksController,
        AdminHubKeysController,
        MessageLogController,
        AdminMessageLogRetentionController,
        AdminLegalHoldsController,
        MemberMessageLogVerifyController,
        AdminMessageLogVerifyController,
        AdminMessageLogStatsController,
        MemberMessageLogSearchController,
        AdminMessageLogController,
        ProblemsController,
        MemberChatController,
        MemberChatDeliveriesController,
        AdminChatDestinationsController,
        AdminQueuesController,
        AdminUsageController,
      ],
      providers: [SipListenerService, HttpMetrics, HubMetricsServer],
    };
  }
}
