import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { QueueHealth } from '@app/queue';

/** Public liveness/readiness for load balancers; they reveal nothing but up/down per dependency. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueHealth,
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
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
