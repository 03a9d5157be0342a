import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard } from '@app/auth';
import type { ActorContext } from '@app/common';
import { LegalHolds, MessageLogRetention } from '@app/message-log';
import { HoldsQueryDto, LegalHoldDto, ReleaseHoldDto, RetentionDto } from './message-log-retention.dto.js';
import { toLegalHoldResponse, toRetentionResponse } from './message-log-retention.responses.js';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import {
  LegalHoldListResponse,
  LegalHoldResponse,
  MemberRetentionResponse,
  RetentionSettingsResponse,
} from './message-log.schemas.js';

/** Operators set the message log's retention per member (admins) and read it (admins, auditors). */
@ApiTags('admin: message-log')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/message-log/retention')
export class AdminMessageLogRetentionController {
  constructor(private readonly retention: MessageLogRetention) {}

  @Get()
  @ApiOperation({ summary: 'The default retention (days) and every member with its own' })
  @ApiOkResponse({ type: RetentionSettingsResponse })
  async get() {
    return toRetentionResponse(await this.retention.settings());
  }

  @Put(':domain')
  @ApiOperation({ summary: "A member's own retention of the records it originates (audited)" })
  @ApiBody({ type: RetentionDto, examples: { month: { summary: 'thirty days', value: { days: 30 } } } })
  @ApiOkResponse({ type: MemberRetentionResponse })
  @ApiProblems(400, [404, 'no member with this domain'])
  set(@Param('domain') domain: string, @Body() body: RetentionDto, @Actor() actor: ActorContext) {
    return this.retention.setForMember(domain, body.days, actor);
  }

  @Delete(':domain')
  @HttpCode(204)
  @ApiOperation({ summary: 'Back to the default retention (audited)' })
  @ApiNoContentResponse({ description: 'the member is back on the default' })
  @ApiProblems(400, [404, 'no member with this domain'])
  async clear(@Param('domain') domain: string, @Actor() actor: ActorContext) {
    await this.retention.clearForMember(domain, actor);
  }
}

/** Operators place and release legal holds, which suspend retention for matching records. */
@ApiTags('admin: message-log')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/message-log/holds')
export class AdminLegalHoldsController {
  constructor(private readonly holds: LegalHolds) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Hold every record of a member's network, of a participant or of a room (audited)" })
  @ApiBody({
    type: LegalHoldDto,
    examples: {
      participant: {
        summary: "one participant's records",
        value: { scope: 'participant', value: 'sip:alice@a.example.com', reason: 'case 2026-117' },
      },
    },
  })
  @ApiCreatedResponse({ type: LegalHoldResponse })
  @ApiProblems(400)
  async place(@Body() body: LegalHoldDto, @Actor() actor: ActorContext) {
    return toLegalHoldResponse(await this.holds.place(body, actor));
  }

  @Get()
  @ApiOperation({ summary: 'Legal holds, newest first (active=true: only those not released)' })
  @ApiOkResponse({ type: LegalHoldListResponse })
  @ApiProblems(400)
  async list(@Query() query: HoldsQueryDto) {
    return { items: (await this.holds.list(query.active === true)).map(toLegalHoldResponse) };
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release a hold: the next retention run may remove what it kept (audited)' })
  @ApiBody({ type: ReleaseHoldDto, examples: { closed: { summary: 'the case is closed', value: { reason: 'case closed' } } } })
  @ApiOkResponse({ type: LegalHoldResponse })
  @ApiProblems(400, [404, 'no such hold'], [409, 'already released'])
  async release(@Param('id') id: string, @Body() body: ReleaseHoldDto, @Actor() actor: ActorContext) {
    return toLegalHoldResponse(await this.holds.release(id, body.reason, actor));
  }
}
