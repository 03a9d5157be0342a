import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, bearerToken } from '@app/auth';
import type { ActorContext } from '@app/common';
import { ApiKeysService, MembersService } from '@app/members';
import { CreateMemberDto } from '../members/member.dto.js';
import { toIssuedApiKeyResponse } from '../members/member.response.js';

/** Unauthenticated: a Peer Network applies for membership. Rate-limited per client address. */
@ApiTags('applications')
@Controller('v1/applications')
export class ApplicationsController {
  constructor(
    private readonly members: MembersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  @HttpCode(202)
  @Header('Cache-Control', 'no-store')
  @RouteConfig({ rateLimit: {} })
  @ApiOperation({
    summary: 'Apply for membership; an operator approves or rejects it',
    description:
      'The answer carries `claimSecret`, shown only here: after approval it collects the API key at ' +
      '`POST /v1/applications/{domain}/api-key`.',
  })
  async apply(@Body() body: CreateMemberDto, @Actor() actor: ActorContext) {
    const { application, claimSecret } = await this.members.apply(body, actor);
    return { applicationId: application.id, domain: application.domain, status: application.status, claimSecret };
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

  @Post(':domain/api-key')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @RouteConfig({ rateLimit: {} })
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Collect an approved application's API key with the claim secret (once)",
    description:
      'Authorization: `Bearer <claimSecret>` from the application. Works once, after approval; the key is shown only in ' +
      'this answer. A wrong secret, an unknown domain, a pending application and a used secret all answer the same 404.',
  })
  @ApiResponse({ status: 200, description: 'the API key, with its secret `token`' })
  @ApiResponse({ status: 401, description: 'no `Authorization: Bearer` credentials' })
  @ApiResponse({ status: 404, description: 'no approved application for this domain and claim secret' })
  async collectApiKey(
    @Param('domain') domain: string,
    @Headers('authorization') authorization: string | undefined,
    @Actor() actor: ActorContext,
  ) {
    const issued = await this.apiKeys.collect(domain, bearerToken(authorization), actor);
    return { apiKey: toIssuedApiKeyResponse(issued) };
  }
}
