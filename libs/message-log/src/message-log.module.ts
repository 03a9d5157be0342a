import { Module } from '@nestjs/common';
import { InterconnectModule } from '@app/interconnect';
import { MembersModule } from '@app/members';
import { MessageLogIngest } from './message-log-ingest.service.js';
import { MessageLogPartitions } from './message-log-partitions.service.js';

const SERVICES = [MessageLogIngest, MessageLogPartitions];

@Module({ imports: [MembersModule, InterconnectModule], providers: SERVICES, exports: SERVICES })
export class MessageLogModule {}
