import { Controller, Get, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { InvalidInputError, UnprocessableError, UnsupportedMediaTypeError } from '@app/common';
import { type IngestResult, MessageLogIngest, MessageLogStats, parseJsonLines } from '@app/message-log';
import { StatsQueryDto } from './stats-query.dto.js';
import { JSON_LINES_MEDIA_TYPES } from './message-log-body.js';
import { ApiMemberAuth, ApiProblems, ApiRequestBody } from '../common/openapi.decorators.js';
import { DailyStatListResponse, INGEST_REQUEST_CONTENT, IngestResponse } from './message-log.schemas.js';

/** Central message logging for members that delegated it to the hub (active members only). */
@ApiTags('message-log')
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/message-log')
export class MessageLogController {
  constructor(
    private readonly ingest: MessageLogIngest,
    private readonly stats: MessageLogStats,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Log a batch of 1–1,000 records (JSON array, {"records":[…]}, or JSON Lines). 200: every accepted record is committed; duplicates and rejections are listed per record; 422 when every record was rejected',
  })
  @ApiRequestBody(INGEST_REQUEST_CONTENT, 'a batch of 1–1,000 records: a JSON array, {"records": [...]}, or JSON Lines')
  @ApiOkResponse({
    type: IngestResponse,
    description: 'every accepted record is committed; duplicates and rejections are listed',
  })
  @ApiProblems(
    [400, 'not a batch of 1 to 1,000 records'],
    [413, 'the batch exceeds 16 MiB'],
    [415, 'neither JSON nor JSON Lines'],
    [422, 'every record was rejected: the problem carries the per-record result (rejected, counts)'],
  )
  async log(@Req() request: FastifyRequest, @CurrentPrincipal() me: MemberPrincipal) {
    const result = await this.ingest.ingestFromMember(me.domain, takeRecords(request));
    if (result.accepted.length === 0 && result.duplicates.length === 0) {
      throw new UnprocessableError('every record of the batch was rejected', toIngestResponse(result));
    }
    return toIngestResponse(result);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Records logged for you (as origin) per UTC day, kept by the worker from committed batches' })
  @ApiOkResponse({ type: DailyStatListResponse })
  @ApiProblems(400)
  async myStats(@Query() query: StatsQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    return { items: await this.stats.daily({ origin: me.domain, from: query.from, to: query.to }) };
  }
}

/**
 * The batch's records, taken out of the request: the parsed body (up to 16 MiB) is not needed past
 * the checks, and without the request's reference its records can be collected while the batch
 * waits for its transaction.
 */
function takeRecords(request: FastifyRequest): unknown[] {
  const records = recordsOf(request);
  request.body = undefined;
  return records;
}

function recordsOf(request: FastifyRequest): unknown[] {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (JSON_LINES_MEDIA_TYPES.includes(mediaType)) return parseJsonLines(request.body as string);
  if (mediaType !== 'application/json') {
    throw new UnsupportedMediaTypeError(`send application/json or application/jsonl, not '${mediaType}'`);
  }
  const body = request.body as unknown;
  if (Array.isArray(body)) return body;
  const records = (body as { records?: unknown } | null)?.records;
  if (Array.isArray(records)) return records;
  throw InvalidInputError.forField('records', 'send a JSON array of records or an object {"records": [...]}');
}

export function toIngestResponse(r: IngestResult) {
  return {
    batchId: r.batchId,
    origin: r.origin,
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejected: r.rejected,
    counts: { accepted: r.accepted.length, duplicates: r.duplicates.length, rejected: r.rejected.length },
  };
}
