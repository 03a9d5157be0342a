import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readiness } from '@app/queue';
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

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and the queue backend answer' })
  @ApiOkResponse({ type: HealthResponse, description: 'every dependency is up' })
  @ApiServiceUnavailableResponse({
    type: HealthResponse,
    description: 'a dependency is down (the same shape, status unavailable)',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.readiness.ready();
    void reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
