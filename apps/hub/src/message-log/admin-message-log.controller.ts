import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, OperatorAuthGuard, OperatorRoles } from '@app/auth';
import type { ActorContext } from '@app/common';
import { MessageLogSearch, toLoggedRecordJson } from '@app/message-log';
import { exportFormatOf, sendExport } from './message-log-export-reply.js';
import { MessageLogExportQueryDto, MessageLogSearchQueryDto } from './message-log-query.dto.js';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { LoggedRecordPageResponse } from './message-log.schemas.js';

/** Operators (admins and auditors) search and export the whole log; every search and export is audited. */
@ApiTags('admin: message-log')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@OperatorRoles('admin', 'auditor')
@Controller('admin/v1/message-log')
export class AdminMessageLogController {
  constructor(private readonly search: MessageLogSearch) {}

  @Get()
  @ApiOperation({ summary: 'Search every record, oldest first, with keyset pagination (audited)' })
  @ApiOkResponse({ type: LoggedRecordPageResponse })
  @ApiProblems([400, 'an invalid filter, date or cursor'])
  async list(@Query() query: MessageLogSearchQueryDto, @Actor() actor: ActorContext) {
    const page = await this.search.searchAsOperator(actor, query);
    return { items: page.items.map(toLoggedRecordJson), nextCursor: page.nextCursor };
  }

  @Get('export')
  @ApiOperation({ summary: 'Streamed export of a time range (at most 31 days) as JSON Lines or XML (audited)' })
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
    @Actor() actor: ActorContext,
  ): Promise<void> {
    const { format: requested, ...filters } = query;
    const format = exportFormatOf(requested, request);
    await sendExport(reply, await this.search.exportAsOperator(actor, filters, format), format);
  }
}
