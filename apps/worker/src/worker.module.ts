import { DynamicModule, Module } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { AppConfig, ConfigModule } from '@app/config';
import { DbModule } from '@app/db';
import { MembersModule } from '@app/members';
import { ProvisioningModule } from '@app/provisioning';
import { JobSchedules, OutboxDispatcher, OutboxReconciler, QueueDepthMetrics, QueueModule } from '@app/queue';
import { MessageLogModule } from '@app/message-log';
import { ChatModule, ChatPusher, ChatRoomsSweeper } from '@app/chat';
import { HubSigningKeyAtStart, InterconnectModule } from '@app/interconnect';
import { LiFlowModule, LiPusher } from '@app/li';
import { WorkerHealthServer } from './worker-health.server.js';
import { ChangeNotificationsProcessor } from './processors/change-notifications.processor.js';
import { MemberEventsProcessor } from './processors/member-events.processor.js';
import { ProvisioningChangesProcessor } from './processors/provisioning-changes.processor.js';
import { MessageLogProcessor } from './processors/message-log.processor.js';
import { MessageLogMaintenanceProcessor } from './processors/message-log-maintenance.processor.js';
import { ChatProcessor } from './processors/chat.processor.js';
import { LawfulInterceptionProcessor } from './processors/lawful-interception.processor.js';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, queueConnection: ConnectionOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        QueueModule.forRoot(queueConnection, config.queue.prefix),
        MembersModule,
        ProvisioningModule,
        MessageLogModule,
        ChatModule,
        InterconnectModule,
        LiFlowModule,
      ],
      providers: [
        OutboxDispatcher,
        OutboxReconciler,
        MemberEventsProcessor,
        ProvisioningChangesProcessor,
        ChangeNotificationsProcessor,
        MessageLogProcessor,
        MessageLogMaintenanceProcessor,
        ChatProcessor,
        ChatRoomsSweeper,
        ChatPusher,
        LawfulInterceptionProcessor,
        LiPusher,
        HubSigningKeyAtStart,
        JobSchedules,
        WorkerHealthServer,
        QueueDepthMetrics,
      ],
    };
  }
}
