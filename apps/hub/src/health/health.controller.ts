import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { QueueHealth } from '@app/queue';
import { ApiPublic } from '../common/openapi.decorators.js';
import { HealthResponse } from './health.schemas.js';

/** Public liveness/readiness for load balancers; they reveal nothing but up/down per dependency. */
@ApiTags('health')
@ApiPublic()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueHealth,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthResponse })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and the queue backend answer' })
  @ApiOkResponse({ type: HealthResponse, description: 'every dependency is up' })
  @ApiServiceUnavailableResponse({
    type: HealthResponse,
    description: 'a dependency is down (the same shape, status unavailable)',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, queue] = await Promise.all([
      this.dataSource.query('SELECT 1').then(
        () => ({ ok: true }),
        (e: Error) => ({ ok: false, error: e.message }),
      ),
      this.queues.check(),
    ]);
    const ok = database.ok && queue.ok;
    void reply.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: { database: database.ok ? 'ok' : 'down', queue: queue.ok ? 'ok' : 'down' },
    };
  }
}
