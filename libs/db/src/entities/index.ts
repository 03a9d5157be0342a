import { AuditEntryEntity } from './audit-entry.entity.js';
import { JobReceiptEntity } from './job-receipt.entity.js';
import { MemberApiKeyEntity } from './member-api-key.entity.js';
import { MemberEntity } from './member.entity.js';
import { OperatorEntity } from './operator.entity.js';
import { OutboxMessageEntity } from './outbox-message.entity.js';
import { ProvisioningOverrideEntity } from './provisioning-override.entity.js';
import { ProvisioningVersionEntity } from './provisioning-version.entity.js';

export * from './audit-entry.entity.js';
export * from './job-receipt.entity.js';
export * from './member-api-key.entity.js';
export * from './member.entity.js';
export * from './operator.entity.js';
export * from './outbox-message.entity.js';
export * from './provisioning-override.entity.js';
export * from './provisioning-version.entity.js';

export const ENTITIES = [
  MemberEntity,
  MemberApiKeyEntity,
  OperatorEntity,
  AuditEntryEntity,
  OutboxMessageEntity,
  JobReceiptEntity,
  ProvisioningVersionEntity,
  ProvisioningOverrideEntity,
];
