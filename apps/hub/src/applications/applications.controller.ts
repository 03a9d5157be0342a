import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, bearerToken } from '@app/auth';
import type { ActorContext } from '@app/common';
import { ApiKeysService, MembersService } from '@app/members';
import { ApiProblems, ApiPublic } from '../common/openapi.decorators.js';
import { CreateMemberDto } from '../members/member.dto.js';
import { toIssuedApiKeyResponse } from '../members/member.response.js';
import { ApplicationCreatedResponse, ApplicationStatusResponse, IssuedApiKeyResponse } from '../members/member.schemas.js';

/**
 * Unauthenticated: a Peer Network applies for membership and asks for its status; after approval it
 * collects its API key with the claim secret it got when applying. Rate-limited per client address.
 */
@ApiTags('applications')
@ApiProblems(429)
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
  @ApiPublic()
  @ApiOperation({
    summary: 'Apply for membership; an operator approves or rejects it',
    description:
      'The answer carries `claimSecret`, shown only here: after approval it collects the API key at ' +
      '`POST /v1/applications/{domain}/api-key`.',
  })
  @ApiBody({
    type: CreateMemberDto,
    examples: {
      application: {
        summary: 'a Peer Network applies',
        value: { domain: 'a.example.com', displayName: 'Example A Networks', protocols: ['sip', 'xmpp'] },
      },
    },
  })
  @ApiAcceptedResponse({ type: ApplicationCreatedResponse, description: 'the application, pending until an operator decides' })
  @ApiProblems(400)
  async apply(@Body() body: CreateMemberDto, @Actor() actor: ActorContext) {
    const { application, claimSecret } = await this.members.apply(body, actor);
    return { applicationId: application.id, domain: application.domain, status: application.status, claimSecret };
  }

  @Get(':id')
  @RouteConfig({ rateLimit: {} })
  @ApiPublic()
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

  @Post(':domain/api-key')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @RouteConfig({ rateLimit: {} })
  @ApiBearerAuth('claimSecret')
  @ApiOperation({
    summary: "Collect an approved application's API key with the claim secret (once)",
    description:
      'Authorization: `Bearer <claimSecret>` from the application. Works once, after approval; the key is shown only in ' +
      'this answer. A wrong secret, an unknown domain, a pending application and a used secret all answer the same 404.',
  })
  @ApiOkResponse({ type: IssuedApiKeyResponse, description: 'the API key, with its secret `token`' })
  @ApiProblems([401, 'no `Authorization: Bearer` credentials'], [404, 'no approved application for this domain and claim secret'])
  async collectApiKey(
    @Param('domain') domain: string,
    @Headers('authorization') authorization: string | undefined,
    @Actor() actor: ActorContext,
  ) {
    const issued = await this.apiKeys.collect(domain, bearerToken(authorization), actor);
    return { apiKey: toIssuedApiKeyResponse(issued) };
  }
}
