import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OperatorAuthGuard } from '@app/auth';
import type { UsageKind } from '@app/common';
import type { UsageRow } from '@app/db';
import { USAGE_GRANULARITIES, type UsageGranularity, UsageReport, type UsageReportResult } from '@app/members';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { UsageReportResponse } from './usage.schemas.js';

export class UsageQueryDto {
  @ApiProperty({ example: '2026-12-01', description: 'first UTC day (YYYY-MM-DD)' }) @IsString() @MaxLength(10) from: string;
  @ApiProperty({
    example: '2027-01-01',
    description: 'the day after the last (exclusive); at most 366 days after from by day, 3653 by month',
  })
  @IsString()
  @MaxLength(10)
  to: string;
  @ApiProperty({ enum: USAGE_GRANULARITIES }) @IsIn(USAGE_GRANULARITIES) granularity: UsageGranularity;
  @ApiPropertyOptional({ example: 'a.example.com', description: "one member's rows only" })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  member?: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: the same as Accept: text/csv' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

const COLUMNS: Array<[UsageKind, keyof Omit<UsageReportResponse['members'][number], 'period' | 'member'>]> = [
  ['messages-logged', 'messagesLogged'],
  ['chat-messages', 'chatMessages'],
  ['chat-deliveries', 'chatDeliveries'],
  ['provisioning-fetches', 'provisioningFetches'],
  ['assertions-issued', 'assertionsIssued'],
];

const toRow = (r: UsageRow) => ({
  period: r.period,
  member: r.member || null,
  ...(r.peer === null ? {} : { peer: r.peer }),
  ...Object.fromEntries(COLUMNS.map(([kind, name]) => [name, r.counts[kind]])),
});

/** Quoted only where needed (domains never need it, but the format must hold for any value). */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** One CSV table: a member's totals have an empty peer, a pair names it; anonymous fetches have an empty member. */
function toCsv(report: UsageReportResult): string {
  const header = ['period', 'member', 'peer', ...COLUMNS.map(([kind]) => kind.replaceAll('-', '_'))].join(',');
  const lines = [...report.members, ...report.pairs]
    .sort(
      (a, b) =>
        a.period.localeCompare(b.period) || a.member.localeCompare(b.member) || (a.peer ?? '').localeCompare(b.peer ?? ''),
    )
    .map((r) => [r.period, r.member, r.peer ?? '', ...COLUMNS.map(([kind]) => String(r.counts[kind]))].map(csvField).join(','));
  return `${[header, ...lines].join('\r\n')}\r\n`;
}

/** The settlement basis between members, from the counters PostgreSQL keeps with the work. Any operator may read it. */
@ApiTags('admin: usage')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/usage')
export class AdminUsageController {
  constructor(private readonly usage: UsageReport) {}

  @Get()
  @ApiOperation({
    summary:
      'Usage per member and per peering pair, per UTC day or month: messages logged, chat messages and deliveries, provisioning fetches, assertions issued; JSON or CSV (Accept: text/csv or format=csv)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: UsageReportResponse,
    description: 'JSON; as text/csv one table with the columns period, member, peer and one per kind',
  })
  @ApiProblems([
    400,
    'from, to, granularity, member or format is invalid (invalidParams names it), or the range is empty or too long',
  ])
  async report(
    @Query() query: UsageQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UsageReportResponse | string> {
    const report = await this.usage.report(query);
    const csv = query.format === 'csv' || (query.format === undefined && (request.headers.accept ?? '').includes('text/csv'));
    if (csv) {
      void reply.header('Content-Type', 'text/csv; charset=utf-8');
      void reply.header(
        'Content-Disposition',
        `attachment; filename="usage-${report.from}-${report.to}-${report.granularity}.csv"`,
      );
      return toCsv(report);
    }
    return {
      from: report.from,
      to: report.to,
      granularity: report.granularity,
      member: report.member,
      members: report.members.map(toRow) as UsageReportResponse['members'],
      pairs: report.pairs.map(toRow) as UsageReportResponse['pairs'],
    };
  }
}
