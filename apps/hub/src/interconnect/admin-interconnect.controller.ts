import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard, OperatorRoles } from '@app/auth';
import { type ActorContext, normalizeDomain } from '@app/common';
import { InterconnectDecisions, PeeringPolicyService, TransparencyLog } from '@app/interconnect';
import { AdminDecisionQueryDto, DryRunDto, ModeDto, OperatorBlockDto, TransparencyQueryDto } from './interconnect.dto.js';
import { toBlockResponse, toTransparencyResponse } from './interconnect.responses.js';

/** Operators set the federation policy, explain and dry-run decisions, and read the whole transparency log. */
@ApiTags('admin: interconnect')
@ApiBearerAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1')
export class AdminInterconnectController {
  constructor(
    private readonly decisions: InterconnectDecisions,
    private readonly policy: PeeringPolicyService,
    private readonly transparency: TransparencyLog,
  ) {}

  @Get('federation/mode')
  async mode() {
    return { mode: await this.policy.mode() };
  }

  @Put('federation/mode')
  async setMode(@Body() body: ModeDto, @Actor() actor: ActorContext) {
    await this.policy.setMode(body.mode, body.reason ?? null, actor);
    return { mode: body.mode };
  }

  @Post('federation/dry-run')
  @HttpCode(200)
  // a dry run changes nothing, so auditors may run it too
  @OperatorRoles('admin', 'auditor')
  @ApiOperation({ summary: 'The decision for a pair now and under a proposed policy change; nothing is stored' })
  dryRun(@Body() body: DryRunDto) {
    const pair = (x?: { a: string; b: string }) =>
      x ? { a: normalizeDomain(x.a, 'a'), b: normalizeDomain(x.b, 'b') } : undefined;
    return this.decisions.dryRun(body.requestor, body.peer, body.service, {
      mode: body.mode,
      addOperatorBlock: pair(body.addOperatorBlock),
      removeOperatorBlock: pair(body.removeOperatorBlock),
    });
  }

  @Get('interconnect/decisions')
  @ApiOperation({ summary: 'Explain the decision for any pair' })
  decision(@Query() query: AdminDecisionQueryDto) {
    return this.decisions.decide(query.requestor, query.peer, query.service);
  }

  @Get('blocks')
  async blocks() {
    return { items: (await this.policy.blocks('operator')).map(toBlockResponse) };
  }

  @Post('blocks')
  @HttpCode(204)
  async block(@Body() body: OperatorBlockDto, @Actor() actor: ActorContext) {
    await this.policy.block('operator', body.a, body.b, body.reason ?? null, actor);
  }

  @Delete('blocks')
  @HttpCode(204)
  async unblock(@Body() body: OperatorBlockDto, @Actor() actor: ActorContext) {
    await this.policy.unblock('operator', body.a, body.b, actor);
  }

  @Get('transparency')
  async log(@Query() query: TransparencyQueryDto) {
    return {
      items: (await this.transparency.list({ afterSeq: query.afterSeq?.toString(), limit: 500 })).map(toTransparencyResponse),
    };
  }

  @Get('transparency/verification')
  @ApiOperation({ summary: 'Recompute the whole chain and report the first broken link' })
  verifyLog() {
    return this.transparency.verify();
  }
}
