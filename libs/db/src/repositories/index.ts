import { CredentialRepository } from './credential.repository.js';
import { PolicyRepository } from './policy.repository.js';
import { TransparencyRepository } from './transparency.repository.js';
import { HubKeyRepository } from './hub-key.repository.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { AuditRepository } from './audit.repository.js';
import { JobReceiptRepository } from './job-receipt.repository.js';
import { MemberRepository } from './member.repository.js';
import { OperatorRepository } from './operator.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { ProvisioningRepository } from './provisioning.repository.js';
import { TransactionRunner } from './transaction-runner.js';
import { MessageLogRepository } from './message-log.repository.js';
import { MessageLogRetentionRepository } from './message-log-retention.repository.js';
import { LegalHoldRepository } from './legal-hold.repository.js';
import { MessageLogPruneRepository } from './message-log-prune.repository.js';
import { MessageLogChainRepository } from './message-log-chain.repository.js';
import { MessageLogSearchRepository } from './message-log-search.repository.js';
import { MessageLogStatsRepository } from './message-log-stats.repository.js';
import { ChatRepository } from './chat.repository.js';
import { ChatPushRepository } from './chat-push.repository.js';
import { OperatorSessionRepository } from './operator-session.repository.js';
import { UsageCountersRepository } from './usage-counters.repository.js';
import { LiAdministratorRepository } from './li-administrator.repository.js';
import { LiTaskingRepository } from './li-tasking.repository.js';
import { LiMatchRepository } from './li-match.repository.js';
import { LiRecordRepository } from './li-record.repository.js';
import { LiDeliveryRepository } from './li-delivery.repository.js';
import { LiSealedRowsRepository } from './li-sealed-rows.repository.js';

export * from './api-key.repository.js';
export * from './audit.repository.js';
export * from './job-receipt.repository.js';
export * from './member.repository.js';
export * from './operator.repository.js';
export * from './li-administrator.repository.js';
export * from './li-tasking.repository.js';
export * from './li-sealed-rows.repository.js';
export * from './outbox.repository.js';
export * from './provisioning.repository.js';
export * from './transaction-runner.js';
export * from './credential.repository.js';
export * from './policy.repository.js';
export * from './transparency.repository.js';
export * from './hub-key.repository.js';
export * from './message-log.repository.js';
export * from './log-batch-text.js';
export * from './reusable-buffer.js';
export * from './message-log-retention.repository.js';
export * from './legal-hold.repository.js';
export * from './message-log-prune.repository.js';
export * from './message-log-chain.repository.js';
export * from './message-log-search.repository.js';
export * from './chat.repository.js';
export * from './chat-push.repository.js';
export * from './message-log-stats.repository.js';
export * from './operator-session.repository.js';
export * from './usage-counters.repository.js';
export * from './li-match.repository.js';
export * from './li-record.repository.js';
export * from './li-delivery.repository.js';

export const REPOSITORIES = [
  TransactionRunner,
  MemberRepository,
  ApiKeyRepository,
  OperatorRepository,
  OperatorSessionRepository,
  UsageCountersRepository,
  AuditRepository,
  OutboxRepository,
  JobReceiptRepository,
  ProvisioningRepository,
  CredentialRepository,
  PolicyRepository,
  TransparencyRepository,
  HubKeyRepository,
  MessageLogRepository,
  MessageLogRetentionRepository,
  LegalHoldRepository,
  MessageLogPruneRepository,
  MessageLogChainRepository,
  MessageLogSearchRepository,
  MessageLogStatsRepository,
  ChatRepository,
  ChatPushRepository,
  LiAdministratorRepository,
  LiTaskingRepository,
  LiMatchRepository,
  LiRecordRepository,
  LiDeliveryRepository,
  LiSealedRowsRepository,
];
