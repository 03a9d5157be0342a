import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Actor, OperatorAuthGuard } from '@app/auth';
import { type ActorContext, InvalidInputError } from '@app/common';
import { administeredJobJson, QueueAdministration } from '@app/queue';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import { IsIntegerIn } from '../common/validation.js';
import { QueueJobPageResponse, QueueJobResponse, QueueOverviewResponse } from './queue.schemas.js';

export class QueueJobsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 100 }) @IsOptional() @IsIntegerIn(1, 100) limit: number = 50;
}

/** Job ids are the outbox's (`outbox-<uuid>`) or a job scheduler's (`repeat:…`): printable, short. */
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/;

function jobIdParam(value: string): string {
  if (!JOB_ID.test(value))
    throw InvalidInputError.forField('jobId', 'is not a job id (letters, digits, ":", ".", "_", "-"; at most 200)');
  return value;
}

const QUEUE_PARAM = ApiParam({
  name: 'queue',
  example: 'change-notifications',
  description: 'a queue of the job catalogue shown to operators',
});
const JOB_PARAM = ApiParam({ name: 'jobId', example: 'outbox-4f3c2d1e-9a8b-4c7d-8e6f-5a4b3c2d1e0f' });

/**
 * Jobs that failed for good, per queue: any operator may list them; only admins retry or discard
 * one (each audited). Works on both queue backends; the outbox, not the backend, says which jobs
 * are parked (docs/queues.md).
 */
@ApiTags('admin: queues')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/queues')
export class AdminQueuesController {
  constructor(private readonly queues: QueueAdministration) {}

  @Get()
  @ApiOperation({ summary: 'The operator-visible queues with their job counts and parked rows, and the queue backend in use' })
  @ApiOkResponse({ type: QueueOverviewResponse })
  @ApiProblems(503)
  async overview(): Promise<QueueOverviewResponse> {
    return { backend: this.queues.backend, queues: await this.queues.overview() };
  }

  @Get(':queue/failed')
  @QUEUE_PARAM
  @ApiOperation({
    summary: "The queue's failed set (what the queue backend holds), most recently failed first, with cursor pagination",
  })
  @ApiOkResponse({ type: QueueJobPageResponse })
  @ApiProblems(400, 404, 503)
  async failed(@Param('queue') queue: string, @Query() query: QueueJobsQueryDto): Promise<QueueJobPageResponse> {
    const page = await this.queues.failedJobs(queue, query);
    return { items: page.items.map(administeredJobJson), nextCursor: page.nextCursor };
  }

  @Get(':queue/parked')
  @QUEUE_PARAM
  @ApiOperation({
    summary:
      "The queue's parked outbox rows still waiting for an operator (failed for good, not discarded, no receipt), newest first, with cursor pagination",
  })
  @ApiOkResponse({ type: QueueJobPageResponse })
  @ApiProblems(400, 404, 503)
  async parked(@Param('queue') queue: string, @Query() query: QueueJobsQueryDto): Promise<QueueJobPageResponse> {
    const page = await this.queues.parkedJobs(queue, query);
    return { items: page.items.map(administeredJobJson), nextCursor: page.nextCursor };
  }

  @Post(':queue/jobs/:jobId/retry')
  @HttpCode(200)
  @QUEUE_PARAM
  @JOB_PARAM
  @ApiOperation({
    summary:
      'Admins: run a failed or parked job again with a fresh retry budget (added again from its outbox row if the backend lost it); audited',
  })
  @ApiOkResponse({ type: QueueJobResponse })
  @ApiProblems(400, 404, [409, 'the job is neither failed nor parked (already retried, running, done or discarded)'], 503)
  async retry(
    @Param('queue') queue: string,
    @Param('jobId') jobId: string,
    @Actor() actor: ActorContext,
  ): Promise<QueueJobResponse> {
    return administeredJobJson(await this.queues.retry(queue, jobIdParam(jobId), actor));
  }

  @Post(':queue/jobs/:jobId/discard')
  @HttpCode(200)
  @QUEUE_PARAM
  @JOB_PARAM
  @ApiOperation({
    summary: 'Admins: give a failed or parked job up: removed from the failed set, its outbox row kept as discarded; audited',
  })
  @ApiOkResponse({ type: QueueJobResponse })
  @ApiProblems(400, 404, [409, 'the job is neither failed nor parked'], 503)
  async discard(
    @Param('queue') queue: string,
    @Param('jobId') jobId: string,
    @Actor() actor: ActorContext,
  ): Promise<QueueJobResponse> {
    return administeredJobJson(await this.queues.discard(queue, jobIdParam(jobId), actor));
  }
}
