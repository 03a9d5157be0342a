import { Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service.js';
import { AuditModule } from '@app/audit';
import { MemberEventsHandler } from './member-events.handler.js';
import { MembersService } from './members.service.js';
import { OperatorsService } from './operators.service.js';
import { OperatorSessions } from './operator-sessions.service.js';
import { UsageReport } from './usage-report.service.js';

const SERVICES = [MembersService, ApiKeysService, OperatorsService, OperatorSessions, UsageReport, MemberEventsHandler];

// re-exports the audit trail to the modules that import this one
@Module({ imports: [AuditModule], providers: SERVICES, exports: [...SERVICES, AuditModule] })
export class MembersModule {}
