import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard } from '@app/auth';
import type { ActorContext } from '@app/common';
import { LegalHolds, MessageLogRetention } from '@app/message-log';
import { HoldsQueryDto, LegalHoldDto, ReleaseHoldDto, RetentionDto } from './message-log-retention.dto.js';
import { toLegalHoldResponse, toRetentionResponse } from './message-log-retention.responses.js';

/** Operators set the message log's retention per member (admins) and read it (admins, auditors). */
@ApiTags('admin: message-log')
@ApiBearerAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/message-log/retention')
export class AdminMessageLogRetentionController {
  constructor(private readonly retention: MessageLogRetention) {}

  @Get()
  @ApiOperation({ summary: 'The default retention (days) and every member with its own' })
  async get() {
    return toRetentionResponse(await this.retention.settings());
  }

  @Put(':domain')
  @ApiOperation({ summary: "A member's own retention of the records it originates (audited)" })
  set(@Param('domain') domain: string, @Body() body: RetentionDto, @Actor() actor: ActorContext) {
    return this.retention.setForMember(domain, body.days, actor);
  }

  @Delete(':domain')
  @HttpCode(204)
  @ApiOperation({ summary: 'Back to the default retention (audited)' })
  async clear(@Param('domain') domain: string, @Actor() actor: ActorContext) {
    await this.retention.clearForMember(domain, actor);
  }
}

/** Operators place and release legal holds, which suspend retention for matching records. */
@ApiTags('admin: message-log')
@ApiBearerAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/message-log/holds')
export class AdminLegalHoldsController {
  constructor(private readonly holds: LegalHolds) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Hold every record of a member's network, of a participant or of a room (audited)" })
  async place(@Body() body: LegalHoldDto, @Actor() actor: ActorContext) {
    return toLegalHoldResponse(await this.holds.place(body, actor));
  }

  @Get()
  @ApiOperation({ summary: 'Legal holds, newest first (active=true: only those not released)' })
  async list(@Query() query: HoldsQueryDto) {
    return { items: (await this.holds.list(query.active === true)).map(toLegalHoldResponse) };
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release a hold: the next retention run may remove what it kept (audited)' })
  async release(@Param('id') id: string, @Body() body: ReleaseHoldDto, @Actor() actor: ActorContext) {
    return toLegalHoldResponse(await this.holds.release(id, body.reason, actor));
  }
}
