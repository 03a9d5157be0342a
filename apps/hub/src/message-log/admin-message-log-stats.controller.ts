import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorAuthGuard } from '@app/auth';
import { normalizeDomain } from '@app/common';
import { MessageLogStats } from '@app/message-log';
import { AdminStatsQueryDto } from './stats-query.dto.js';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { DailyStatListResponse } from './message-log.schemas.js';

/** Message-log volumes per member and day (counts only, no content): any operator may read them. */
@ApiTags('admin: message-log')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/message-log/stats')
export class AdminMessageLogStatsController {
  constructor(private readonly stats: MessageLogStats) {}

  @Get()
  @ApiOperation({ summary: 'Records logged per origin member and UTC day' })
  @ApiOkResponse({ type: DailyStatListResponse })
  @ApiProblems(400)
  async list(@Query() query: AdminStatsQueryDto) {
    const origin = query.origin === undefined ? undefined : normalizeDomain(query.origin, 'origin');
    return { items: await this.stats.daily({ origin, from: query.from, to: query.to }) };
  }
}
