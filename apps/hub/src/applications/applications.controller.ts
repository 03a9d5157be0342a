import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '@app/auth';
import type { ActorContext } from '@app/common';
import { MembersService } from '@app/members';
import { ApiProblems, ApiPublic } from '../common/openapi.decorators.js';
import { CreateMemberDto } from '../members/member.dto.js';
import { ApplicationResponse, ApplicationStatusResponse } from '../members/member.schemas.js';

/** Unauthenticated: a Peer Network applies for membership. Rate-limited per client address. */
@ApiTags('applications')
@ApiPublic()
@ApiProblems(429)
@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @HttpCode(202)
  @RouteConfig({ rateLimit: {} })
  @ApiOperation({ summary: 'Apply for membership; an operator approves or rejects it' })
  @ApiBody({
    type: CreateMemberDto,
    examples: {
      application: {
        summary: 'a Peer Network applies',
        value: { domain: 'a.example.com', displayName: 'Example A Networks', protocols: ['sip', 'xmpp'] },
      },
    },
  })
  @ApiAcceptedResponse({ type: ApplicationResponse, description: 'the application, pending until an operator decides' })
  @ApiProblems(400, [409, 'the domain is already registered or applied for'])
  async apply(@Body() body: CreateMemberDto, @Actor() actor: ActorContext) {
    const member = await this.members.apply(body, actor);
    return { applicationId: member.id, domain: member.domain, status: member.status };
  }

  @Get(':id')
  @RouteConfig({ rateLimit: {} })
  @ApiOperation({ summary: 'Status of an application, by the id returned when applying' })
  @ApiOkResponse({ type: ApplicationStatusResponse })
  @ApiProblems(400, [404, 'no application with this id'])
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
