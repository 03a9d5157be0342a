import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '@app/auth';
import type { ActorContext } from '@app/common';
import { MembersService } from '@app/members';
import { CreateMemberDto } from '../members/member.dto.js';

/** Unauthenticated: a Peer Network applies for membership. Rate-limited per client address. */
@ApiTags('applications')
@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @HttpCode(202)
  @RouteConfig({ rateLimit: {} })
  @ApiOperation({ summary: 'Apply for membership; an operator approves or rejects it' })
  async apply(@Body() body: CreateMemberDto, @Actor() actor: ActorContext) {
    const member = await this.members.apply(body, actor);
    return { applicationId: member.id, domain: member.domain, status: member.status };
  }

  @Get(':id')
  @RouteConfig({ rateLimit: {} })
  @ApiOperation({ summary: 'Status of an application, by the id returned when applying' })
  async status(@Param('id') id: string) {
    const member = await this.members.getApplication(id);
    return {
      applicationId: member.id,
      domain: member.domain,
      status: member.status,
      statusChangedAt: member.statusChangedAt.toISOString(),
    };
  }
}
