import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readiness, readinessHttpStatus } from '@app/queue';
import { ApiPublic } from '../common/openapi.decorators.js';
import { HealthResponse } from './health.schemas.js';

/** Public liveness/readiness for load balancers; they reveal nothing but up/down per dependency. */
@ApiTags('health')
@ApiPublic()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthResponse })
  live() {
    return this.readiness.live();
  }

  /**
   * Liveness stays 200 while the hub drains; readiness is the signal to route elsewhere.
   * Every route of the hub needs PostgreSQL and none needs the queue backend (work waits in the
   * outbox), so only PostgreSQL decides; a queue backend that is down is reported as degraded.
   */
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL answers (the queue backend is reported, but only degrades the hub)',
  })
  @ApiOkResponse({
    type: HealthResponse,
    description: 'ready: status ok, or degraded when the queue backend is down (work waits in the outbox)',
  })
  @ApiServiceUnavailableResponse({
    type: HealthResponse,
    description:
      'PostgreSQL is down (the same shape, status unavailable), or the hub is stopping (status draining, no checks): ' +
      'it finishes the requests it has and takes no more, so send new ones to another replica',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.readiness.ready({ queue: false });
    void reply.status(readinessHttpStatus(report));
    return report;
  }
}
