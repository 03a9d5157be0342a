import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { QueueAdministration } from './queue-administration.js';

/** Operators' tools on the queues (the hub only; the queues themselves come from QueueModule). */
@Module({ imports: [AuditModule], providers: [QueueAdministration], exports: [QueueAdministration] })
export class QueueAdminModule {}
