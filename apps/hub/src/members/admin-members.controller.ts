import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard } from '@app/auth';
import type { ActorContext } from '@app/common';
import { ApiKeysService, MembersService } from '@app/members';
import { CreateMemberDto, IssueKeyDto, LifecycleActionDto, ListMembersQueryDto, UpdateMemberDto } from './member.dto.js';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import {
  ApiKeyListResponse,
  ApprovedMemberResponse,
  IssuedApiKeyResponse,
  MemberPageResponse,
  MemberResponse,
} from './member.schemas.js';
import { toApiKeyResponse, toIssuedApiKeyResponse, toMemberResponse } from './member.response.js';

/** Operators manage the registry. Reads: any operator; changes: admin operators. */
@ApiTags('admin: members')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/members')
export class AdminMembersController {
  constructor(
    private readonly members: MembersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a Peer Network (starts pending)' })
  @ApiBody({
    type: CreateMemberDto,
    examples: {
      member: {
        summary: 'a Peer Network with contacts',
        value: {
          domain: 'a.example.com',
          displayName: 'Example A Networks',
          protocols: ['sip', 'xmpp'],
          contacts: { admin: ['mailto:admin@a.example.com'] },
        },
      },
    },
  })
  @ApiCreatedResponse({ type: MemberResponse })
  @ApiProblems(400, [409, 'the domain is already registered'])
  async create(@Body() body: CreateMemberDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.create(body, actor));
  }

  @Get()
  @ApiOperation({ summary: 'List members, filtered by status, with cursor pagination' })
  @ApiOkResponse({ type: MemberPageResponse })
  @ApiProblems(400)
  async list(@Query() query: ListMembersQueryDto) {
    const page = await this.members.list(query);
    return { items: page.items.map(toMemberResponse), nextCursor: page.nextCursor };
  }

  @Get(':domain')
  @ApiOperation({ summary: 'One member' })
  @ApiOkResponse({ type: MemberResponse })
  @ApiProblems(400, 404)
  async get(@Param('domain') domain: string) {
    return toMemberResponse(await this.members.get(domain));
  }

  @Patch(':domain')
  @ApiOperation({ summary: "Change a member's display name, protocols or contacts" })
  @ApiBody({
    type: UpdateMemberDto,
    examples: { rename: { summary: 'a new display name', value: { displayName: 'Example A Networks GmbH' } } },
  })
  @ApiOkResponse({ type: MemberResponse })
  @ApiProblems(400, 404)
  async update(@Param('domain') domain: string, @Body() body: UpdateMemberDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.update(domain, body, actor));
  }

  @Post(':domain/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'pending → active; returns the first API key (shown once)' })
  @ApiBody({
    type: LifecycleActionDto,
    required: false,
    examples: { reason: { summary: 'with a reason for the audit trail', value: { reason: 'vetted by the federation board' } } },
  })
  @ApiOkResponse({ type: ApprovedMemberResponse })
  @ApiProblems(400, 404, [409, 'the member is not in a state this transition starts from'])
  async approve(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    const { member, apiKey } = await this.members.approve(domain, body.reason ?? null, actor);
    return { member: toMemberResponse(member), apiKey: toIssuedApiKeyResponse(apiKey) };
  }

  @Post(':domain/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'active → suspended' })
  @ApiBody({
    type: LifecycleActionDto,
    required: false,
    examples: { reason: { summary: 'with a reason for the audit trail', value: { reason: 'abuse report #123' } } },
  })
  @ApiOkResponse({ type: MemberResponse })
  @ApiProblems(400, 404, [409, 'the member is not in a state this transition starts from'])
  async suspend(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.changeStatus(domain, 'suspend', body.reason ?? null, actor));
  }

  @Post(':domain/reinstate')
  @HttpCode(200)
  @ApiOperation({ summary: 'suspended → active' })
  @ApiBody({
    type: LifecycleActionDto,
    required: false,
    examples: { reason: { summary: 'with a reason for the audit trail', value: { reason: 'abuse report #123 resolved' } } },
  })
  @ApiOkResponse({ type: MemberResponse })
  @ApiProblems(400, 404, [409, 'the member is not in a state this transition starts from'])
  async reinstate(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.changeStatus(domain, 'reinstate', body.reason ?? null, actor));
  }

  @Post(':domain/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'any → withdrawn (terminal)' })
  @ApiBody({
    type: LifecycleActionDto,
    required: false,
    examples: { reason: { summary: 'with a reason for the audit trail', value: { reason: 'left the federation' } } },
  })
  @ApiOkResponse({ type: MemberResponse })
  @ApiProblems(400, 404, [409, 'the member is not in a state this transition starts from'])
  async withdraw(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.changeStatus(domain, 'withdraw', body.reason ?? null, actor));
  }

  @Get(':domain/keys')
  @ApiOperation({ summary: "List a member's API keys (never their secrets)" })
  @ApiOkResponse({ type: ApiKeyListResponse })
  @ApiProblems(400, 404)
  async listKeys(@Param('domain') domain: string) {
    return { items: (await this.apiKeys.list(domain)).map(toApiKeyResponse) };
  }

  @Post(':domain/keys')
  @ApiOperation({ summary: 'Issue another API key (shown once)' })
  @ApiBody({
    type: IssueKeyDto,
    required: false,
    examples: { labelled: { summary: 'a labelled key', value: { label: 'edge-proxy-2' } } },
  })
  @ApiCreatedResponse({ type: IssuedApiKeyResponse })
  @ApiProblems(400, 404, [409, 'the member is not active'])
  async issueKey(@Param('domain') domain: string, @Body() body: IssueKeyDto, @Actor() actor: ActorContext) {
    return toIssuedApiKeyResponse(await this.apiKeys.issue(domain, body.label ?? null, actor));
  }

  @Delete(':domain/keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; effective on the next request' })
  @ApiBody({
    type: LifecycleActionDto,
    required: false,
    examples: { reason: { summary: 'with a reason for the audit trail', value: { reason: 'key leaked' } } },
  })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiProblems(400, 404, [409, 'the key is already revoked'])
  async revokeKey(
    @Param('domain') domain: string,
    @Param('keyId') keyId: string,
    @Body() body: LifecycleActionDto,
    @Actor() actor: ActorContext,
  ): Promise<void> {
    await this.apiKeys.revoke(domain, keyId, body?.reason ?? null, actor);
  }
}
