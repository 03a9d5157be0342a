import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { MessageLogSearch, toLoggedRecordJson } from '@app/message-log';
import { exportFormatOf, sendExport } from './message-log-export-reply.js';
import { MessageLogExportQueryDto, MessageLogSearchQueryDto } from './message-log-query.dto.js';
import { ApiMemberAuth, ApiProblems } from '../common/openapi.decorators.js';
import { LoggedRecordPageResponse } from './message-log.schemas.js';

/**
 * A member reads the records its network is part of (origin, sender's or a recipient's network).
 * Separate from MessageLogController (POST, same path) so reads need no logging delegation.
 */
@ApiTags('message-log')
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/message-log')
export class MemberMessageLogSearchController {
  constructor(private readonly search: MessageLogSearch) {}

  @Get()
  @ApiOperation({ summary: 'Records the caller took part in, oldest first, with keyset pagination (nextCursor)' })
  @ApiOkResponse({ type: LoggedRecordPageResponse })
  @ApiProblems([400, 'an invalid filter, date or cursor'])
  async list(@Query() query: MessageLogSearchQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    const page = await this.search.searchAsMember(me.domain, query);
    return { items: page.items.map(toLoggedRecordJson), nextCursor: page.nextCursor };
  }

  @Get('export')
  @ApiOperation({ summary: 'Streamed export of a time range (at most 31 days) as JSON Lines or XML' })
  @ApiOkResponse({
    description: 'the records as an attachment, streamed',
    content: {
      'application/jsonl': { schema: { type: 'string', description: 'one record (as in search results) per line' } },
      'application/xml': { schema: { type: 'string', description: 'the message-log XML export (docs/message-log.md)' } },
    },
  })
  @ApiProblems([400, 'an invalid filter or date, or a range longer than 31 days'])
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
