import { Module } from '@nestjs/common';
import { InterconnectModule } from '@app/interconnect';
import { MembersModule } from '@app/members';
import { MessageLogIngest } from './message-log-ingest.service.js';
import { MessageLogPartitions } from './message-log-partitions.service.js';
import { MessageLogSearch } from './message-log-search.service.js';
import { MessageLogBatchHandler } from './message-log-batch.handler.js';
import { MessageLogStats } from './message-log-stats.service.js';

const SERVICES = [MessageLogIngest, MessageLogPartitions, MessageLogBatchHandler, MessageLogStats, MessageLogSearch];

@Module({ imports: [MembersModule, InterconnectModule], providers: SERVICES, exports: SERVICES })
export class MessageLogModule {}
