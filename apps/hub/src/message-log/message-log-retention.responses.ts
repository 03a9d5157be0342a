import type { LegalHoldEntity } from '@app/db';
import type { ChainVerification, RetentionSettings } from '@app/message-log';
import type { ChainVerificationResponse, LegalHoldResponse, RetentionSettingsResponse } from './message-log.schemas.js';

export const toRetentionResponse = (s: RetentionSettings): RetentionSettingsResponse => ({
  defaultDays: s.defaultDays,
  overrides: s.overrides.map((o) => ({
    memberDomain: o.memberDomain,
    days: o.days,
    updatedBy: o.updatedBy,
    updatedAt: o.updatedAt.toISOString(),
  })),
});

export const toLegalHoldResponse = (h: LegalHoldEntity): LegalHoldResponse => ({
  id: h.id,
  scope: h.scope,
  value: h.value,
  reason: h.reason,
  createdBy: h.createdBy,
  createdAt: h.createdAt.toISOString(),
  active: h.releasedAt === null,
  releasedAt: h.releasedAt?.toISOString() ?? null,
  releasedBy: h.releasedBy,
});

export const toVerificationResponse = (v: ChainVerification): ChainVerificationResponse => ({
  origin: v.origin,
  ok: v.ok,
  checkedRecords: v.checkedRecords,
  checkedCheckpoints: v.checkedCheckpoints,
  firstSeq: v.firstSeq,
  lastSeq: v.lastSeq,
  range: v.range,
  head: v.head,
  ...(v.brokenAt ? { brokenAt: { ...v.brokenAt, messageId: v.brokenAt.messageId ?? null } } : {}),
});
