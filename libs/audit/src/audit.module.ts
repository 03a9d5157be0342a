import { Module } from '@nestjs/common';
import { AuditTrail } from './audit-trail.service.js';

/** The audit trail: every library that changes state records its entries through it. */
@Module({ providers: [AuditTrail], exports: [AuditTrail] })
export class AuditModule {}
