import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { MessageLogSearch, toLoggedRecordJson } from '@app/message-log';
import { exportFormatOf, sendExport } from './message-log-export-reply.js';
import { MessageLogExportQueryDto, MessageLogSearchQueryDto } from './message-log-query.dto.js';

/**
 * A member reads the records its network is part of (origin, sender's or a recipient's network).
 * Separate from MessageLogController (POST, same path) so reads need no logging delegation.
 */
@ApiTags('message-log')
@ApiBearerAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/message-log')
export class MemberMessageLogSearchController {
  constructor(private readonly search: MessageLogSearch) {}

  @Get()
  @ApiOperation({ summary: 'Records the caller took part in, oldest first, with keyset pagination (nextCursor)' })
  async list(@Query() query: MessageLogSearchQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    const page = await this.search.searchAsMember(me.domain, query);
    return { items: page.items.map(toLoggedRecordJson), nextCursor: page.nextCursor };
  }

  @Get('export')
  @ApiProduces('application/jsonl', 'application/xml')
  @ApiOperation({ summary: 'Streamed export of a time range (at most 31 days) as JSON Lines or XML' })
  async export(
    @Query() query: MessageLogExportQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() me: MemberPrincipal,
  ): Promise<void> {
    const { format, ...filters } = query;
    await sendExport(reply, this.search.exportAsMember(me.domain, filters), exportFormatOf(format, request));
  }
}
