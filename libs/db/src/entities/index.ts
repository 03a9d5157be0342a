import { MemberCredentialEntity } from './member-credential.entity.js';
import { FederationSettingEntity } from './federation-setting.entity.js';
import { PeeringAgreementEntity } from './peering-agreement.entity.js';
import { InterconnectBlockEntity } from './interconnect-block.entity.js';
import { TransparencyEntryEntity } from './transparency-entry.entity.js';
import { HubSigningKeyEntity } from './hub-signing-key.entity.js';
import { UsedJtiEntity } from './used-jti.entity.js';
import { AuditEntryEntity } from './audit-entry.entity.js';
import { JobReceiptEntity } from './job-receipt.entity.js';
import { MemberApiKeyEntity } from './member-api-key.entity.js';
import { MemberEntity } from './member.entity.js';
import { OperatorEntity } from './operator.entity.js';
import { OutboxMessageEntity } from './outbox-message.entity.js';
import { ProvisioningOverrideEntity } from './provisioning-override.entity.js';
import { ProvisioningVersionEntity } from './provisioning-version.entity.js';
import { LegalHoldEntity } from './legal-hold.entity.js';
import { MessageLogRetentionEntity } from './message-log-retention.entity.js';
import { MessageLogCheckpointEntity } from './message-log-checkpoint.entity.js';
import { MessageLogDailyStatEntity } from './message-log-daily-stat.entity.js';
import { ChatRoomEntity } from './chat-room.entity.js';
import { ChatParticipantEntity } from './chat-participant.entity.js';
import { ChatEventEntity } from './chat-event.entity.js';
import { ChatDeliveryEntity } from './chat-delivery.entity.js';
import { ChatDestinationEntity } from './chat-destination.entity.js';
import { OperatorSessionEntity } from './operator-session.entity.js';
import { UsageCounterEntity, UsageFlushEntity } from './usage-counter.entity.js';
import { LiAdministratorEntity } from './li-administrator.entity.js';
import { LiAuditEntryEntity } from './li-audit-entry.entity.js';
import { LiDestinationEntity } from './li-destination.entity.js';
import { LiTaskEntity } from './li-task.entity.js';
import { LiTaskTargetEntity } from './li-task-target.entity.js';
import { LiRecordEntity, LiRecordStreamEntity } from './li-record.entity.js';
import { LiDeliveryLogEntity, LiDeliveryStateEntity } from './li-delivery.entity.js';

export * from './audit-entry.entity.js';
export * from './job-receipt.entity.js';
export * from './member-api-key.entity.js';
export * from './member.entity.js';
export * from './operator.entity.js';
export * from './outbox-message.entity.js';
export * from './provisioning-override.entity.js';
export * from './provisioning-version.entity.js';

export * from './member-credential.entity.js';
export * from './federation-setting.entity.js';
export * from './peering-agreement.entity.js';
export * from './interconnect-block.entity.js';
export * from './transparency-entry.entity.js';
export * from './hub-signing-key.entity.js';
export * from './used-jti.entity.js';
export * from './legal-hold.entity.js';
export * from './message-log-retention.entity.js';
export * from './message-log-checkpoint.entity.js';
export * from './message-log-daily-stat.entity.js';
export * from './chat-room.entity.js';
export * from './chat-participant.entity.js';
export * from './chat-event.entity.js';
export * from './chat-delivery.entity.js';
export * from './chat-destination.entity.js';
export * from './operator-session.entity.js';
export * from './usage-counter.entity.js';
export * from './li-administrator.entity.js';
export * from './li-audit-entry.entity.js';
export * from './li-destination.entity.js';
export * from './li-task.entity.js';
export * from './li-task-target.entity.js';

export * from './li-record.entity.js';
export * from './li-delivery.entity.js';

export const ENTITIES = [
  MemberEntity,
  MemberApiKeyEntity,
  OperatorEntity,
  AuditEntryEntity,
  OutboxMessageEntity,
  JobReceiptEntity,
  ProvisioningVersionEntity,
  ProvisioningOverrideEntity,
  MemberCredentialEntity,
  FederationSettingEntity,
  PeeringAgreementEntity,
  InterconnectBlockEntity,
  TransparencyEntryEntity,
  HubSigningKeyEntity,
  UsedJtiEntity,
  LegalHoldEntity,
  MessageLogRetentionEntity,
  MessageLogCheckpointEntity,
  MessageLogDailyStatEntity,
  ChatRoomEntity,
  ChatParticipantEntity,
  ChatEventEntity,
  ChatDeliveryEntity,
  ChatDestinationEntity,
  OperatorSessionEntity,
  UsageCounterEntity,
  UsageFlushEntity,
  LiAdministratorEntity,
  LiAuditEntryEntity,
  LiDestinationEntity,
  LiTaskEntity,
  LiTaskTargetEntity,
  LiRecordEntity,
  LiRecordStreamEntity,
  LiDeliveryStateEntity,
  LiDeliveryLogEntity,
];
