import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readiness } from '@app/queue';

/** Public liveness/readiness for load balancers; they reveal nothing but up/down per dependency. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return this.readiness.live();
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.readiness.ready();
    void reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
