import { Module } from '@nestjs/common';
import { InterconnectModule } from '@app/interconnect';
import { AuditModule } from '@app/audit';
import { MessageLogMetrics } from './message-log-metrics.js';
import { MessageLogIngest } from './message-log-ingest.service.js';
import { MessageLogPartitions } from './message-log-partitions.service.js';
import { MessageLogSearch } from './message-log-search.service.js';
import { MessageLogBatchHandler } from './message-log-batch.handler.js';
import { MessageLogStats } from './message-log-stats.service.js';
import { MessageLogRetention } from './message-log-retention.service.js';
import { LegalHolds } from './legal-holds.service.js';
import { MessageLogVerification } from './message-log-verification.service.js';

const SERVICES = [
  MessageLogIngest,
  MessageLogPartitions,
  MessageLogBatchHandler,
  MessageLogStats,
  MessageLogSearch,
  MessageLogMetrics,
];

/** retention, legal holds and tamper evidence */
const KEEPING = [MessageLogRetention, LegalHolds, MessageLogVerification];

@Module({
  imports: [AuditModule, InterconnectModule],
  providers: [...SERVICES, ...KEEPING],
  exports: [...SERVICES, ...KEEPING],
})
export class MessageLogModule {}
