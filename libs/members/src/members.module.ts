import { Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service.js';
import { AuditTrail } from './audit-trail.service.js';
import { MemberEventsHandler } from './member-events.handler.js';
import { MembersService } from './members.service.js';
import { OperatorsService } from './operators.service.js';

const SERVICES = [MembersService, ApiKeysService, AuditTrail, OperatorsService, MemberEventsHandler];

@Module({ providers: SERVICES, exports: SERVICES })
export class MembersModule {}
