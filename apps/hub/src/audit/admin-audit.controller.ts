import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OperatorAuthGuard } from '@app/auth';
import { AuditTrail } from '@app/audit';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { IsIntegerIn, IsSaneDate } from '../common/validation.js';
import { AuditPageResponse } from './audit.schemas.js';

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'member.suspend' }) @IsOptional() @IsString() @MaxLength(64) action?: string;
  @ApiPropertyOptional({ enum: ['operator', 'member', 'anonymous', 'system'] })
  @IsOptional()
  @IsIn(['operator', 'member', 'anonymous', 'system'])
  actorType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) actorId?: string;
  @ApiPropertyOptional({ example: 'member' }) @IsOptional() @IsString() @MaxLength(32) targetType?: string;
  @ApiPropertyOptional({ example: 'a.example.com' }) @IsOptional() @IsString() @MaxLength(255) targetId?: string;
  @ApiPropertyOptional() @IsOptional() @IsSaneDate() since?: Date;
  @ApiPropertyOptional() @IsOptional() @IsSaneDate() until?: Date;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @IsIntegerIn(1, 500) limit: number = 100;
}

/** The audit trail, newest first. Any operator may read it. */
@ApiTags('admin: audit')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditTrail) {}

  @Get()
  @ApiOperation({ summary: 'The audit trail, newest first, filtered, with cursor pagination' })
  @ApiOkResponse({ type: AuditPageResponse })
  @ApiProblems(400)
  async list(@Query() query: AuditQueryDto) {
    const page = await this.audit.list(query);
    return {
      items: page.items.map((a) => ({
        id: a.id,
        at: a.at.toISOString(),
        actor: { type: a.actorType, id: a.actorId },
        action: a.action,
        target: { type: a.targetType, id: a.targetId },
        reason: a.reason,
        requestId: a.requestId,
        details: a.details,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
