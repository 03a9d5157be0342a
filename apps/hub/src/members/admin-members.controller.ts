import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard } from '@app/auth';
import type { ActorContext } from '@app/common';
import { ApiKeysService, MembersService } from '@app/members';
import { CreateMemberDto, IssueKeyDto, LifecycleActionDto, ListMembersQueryDto, UpdateMemberDto } from './member.dto.js';
import { toApiKeyResponse, toIssuedApiKeyResponse, toMemberResponse } from './member.response.js';

/** Operators manage the registry. Reads: any operator; changes: admin operators. */
@ApiTags('admin: members')
@ApiBearerAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1/members')
export class AdminMembersController {
  constructor(
    private readonly members: MembersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a Peer Network (starts pending)' })
  async create(@Body() body: CreateMemberDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.create(body, actor));
  }

  @Get()
  @ApiOperation({ summary: 'List members, filtered by status, with cursor pagination' })
  async list(@Query() query: ListMembersQueryDto) {
    const page = await this.members.list(query);
    return { items: page.items.map(toMemberResponse), nextCursor: page.nextCursor };
  }

  @Get(':domain')
  async get(@Param('domain') domain: string) {
    return toMemberResponse(await this.members.get(domain));
  }

  @Patch(':domain')
  async update(@Param('domain') domain: string, @Body() body: UpdateMemberDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.update(domain, body, actor));
  }

  @Post(':domain/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'pending → active; returns the first API key (shown once)' })
  async approve(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    const { member, apiKey } = await this.members.approve(domain, body.reason ?? null, actor);
    return { member: toMemberResponse(member), apiKey: toIssuedApiKeyResponse(apiKey) };
  }

  @Post(':domain/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'active → suspended' })
  async suspend(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.changeStatus(domain, 'suspend', body.reason ?? null, actor));
  }

  @Post(':domain/reinstate')
  @HttpCode(200)
  @ApiOperation({ summary: 'suspended → active' })
  async reinstate(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.changeStatus(domain, 'reinstate', body.reason ?? null, actor));
  }

  @Post(':domain/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'any → withdrawn (terminal)' })
  async withdraw(@Param('domain') domain: string, @Body() body: LifecycleActionDto, @Actor() actor: ActorContext) {
    return toMemberResponse(await this.members.changeStatus(domain, 'withdraw', body.reason ?? null, actor));
  }

  @Get(':domain/keys')
  @ApiOperation({ summary: "List a member's API keys (never their secrets)" })
  async listKeys(@Param('domain') domain: string) {
    return { items: (await this.apiKeys.list(domain)).map(toApiKeyResponse) };
  }

  @Post(':domain/keys')
  @ApiOperation({ summary: 'Issue another API key (shown once)' })
  async issueKey(@Param('domain') domain: string, @Body() body: IssueKeyDto, @Actor() actor: ActorContext) {
    return toIssuedApiKeyResponse(await this.apiKeys.issue(domain, body.label ?? null, actor));
  }

  @Delete(':domain/keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; effective on the next request' })
  async revokeKey(
    @Param('domain') domain: string,
    @Param('keyId') keyId: string,
    @Body() body: LifecycleActionDto,
    @Actor() actor: ActorContext,
  ): Promise<void> {
    await this.apiKeys.revoke(domain, keyId, body?.reason ?? null, actor);
  }
}
