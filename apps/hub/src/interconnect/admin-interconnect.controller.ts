import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, OperatorAuthGuard, OperatorRoles } from '@app/auth';
import { type ActorContext, normalizeDomain } from '@app/common';
import { InterconnectDecisions, PeeringGraph, PeeringPolicyService, TransparencyLog } from '@app/interconnect';
import { AdminDecisionQueryDto, DryRunDto, ModeDto, OperatorBlockDto, TransparencyQueryDto } from './interconnect.dto.js';
import { toBlockResponse, toPeeringGraphResponse, toTransparencyResponse } from './interconnect.responses.js';
import { ApiOperatorAuth, ApiProblems } from '../common/openapi.decorators.js';
import {
  BlockListResponse,
  DecisionResponse,
  DryRunResponse,
  ModeResponse,
  PeeringGraphResponse,
  TransparencyListResponse,
  TransparencyVerificationResponse,
} from './interconnect.schemas.js';

/** Operators set the federation policy, explain and dry-run decisions, and read the whole transparency log. */
@ApiTags('admin: interconnect')
@ApiOperatorAuth()
@UseGuards(OperatorAuthGuard)
@Controller('admin/v1')
export class AdminInterconnectController {
  constructor(
    private readonly decisions: InterconnectDecisions,
    private readonly policy: PeeringPolicyService,
    private readonly transparency: TransparencyLog,
    private readonly graph: PeeringGraph,
  ) {}

  @Get('federation/mode')
  @ApiOperation({ summary: 'The federation mode: open, or by agreement' })
  @ApiOkResponse({ type: ModeResponse })
  async mode() {
    return { mode: await this.policy.mode() };
  }

  @Put('federation/mode')
  @ApiOperation({ summary: 'Change the federation mode (admins; audited and logged in the transparency log)' })
  @ApiBody({
    type: ModeDto,
    examples: { mode: { summary: 'agreements required', value: { mode: 'agreement', reason: 'board decision 2026-12' } } },
  })
  @ApiOkResponse({ type: ModeResponse })
  @ApiProblems(400)
  async setMode(@Body() body: ModeDto, @Actor() actor: ActorContext) {
    await this.policy.setMode(body.mode, body.reason ?? null, actor);
    return { mode: body.mode };
  }

  @Post('federation/dry-run')
  @HttpCode(200)
  // a dry run changes nothing, so auditors may run it too
  @OperatorRoles('admin', 'auditor')
  @ApiOperation({ summary: 'The decision for a pair now and under a proposed policy change; nothing is stored' })
  @ApiBody({
    type: DryRunDto,
    examples: {
      block: {
        summary: 'what an operator block would change',
        value: {
          requestor: 'a.example.com',
          peer: 'b.example.org',
          service: 'presence',
          addOperatorBlock: { a: 'a.example.com', b: 'b.example.org' },
        },
      },
    },
  })
  @ApiOkResponse({ type: DryRunResponse })
  @ApiProblems(400)
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
  @ApiOkResponse({ type: DecisionResponse })
  @ApiProblems(400)
  decision(@Query() query: AdminDecisionQueryDto) {
    return this.decisions.decide(query.requestor, query.peer, query.service);
  }

  @Get('interconnect/graph')
  @ApiOperation({
    summary:
      'The peering graph: every member, and between members the agreements, open and refused offers, and operator and member blocks (the web console draws it; the decision for a pair is at interconnect/decisions)',
  })
  @ApiOkResponse({ type: PeeringGraphResponse })
  async peeringGraph() {
    return toPeeringGraphResponse(await this.graph.view());
  }

  @Get('blocks')
  @ApiOperation({ summary: 'Operator blocks between pairs of members' })
  @ApiOkResponse({ type: BlockListResponse })
  async blocks() {
    return { items: (await this.policy.blocks('operator')).map(toBlockResponse) };
  }

  @Post('blocks')
  @HttpCode(204)
  @ApiOperation({ summary: 'Block a pair of members from interconnecting (admins)' })
  @ApiBody({
    type: OperatorBlockDto,
    examples: {
      block: { summary: 'with a reason', value: { a: 'a.example.com', b: 'c.example.net', reason: 'sanctions list' } },
    },
  })
  @ApiNoContentResponse({ description: 'blocked' })
  @ApiProblems(400, [404, 'a member of the pair is unknown'], [409, 'this block already exists'])
  async block(@Body() body: OperatorBlockDto, @Actor() actor: ActorContext) {
    await this.policy.block('operator', body.a, body.b, body.reason ?? null, actor);
  }

  @Delete('blocks')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift an operator block (admins)' })
  @ApiBody({
    type: OperatorBlockDto,
    examples: { pair: { summary: 'the pair', value: { a: 'a.example.com', b: 'c.example.net' } } },
  })
  @ApiNoContentResponse({ description: 'unblocked' })
  @ApiProblems(400, [404, 'no such block'])
  async unblock(@Body() body: OperatorBlockDto, @Actor() actor: ActorContext) {
    await this.policy.unblock('operator', body.a, body.b, actor);
  }

  @Get('transparency')
  @ApiOperation({ summary: 'The whole transparency log with contents, 500 entries per page (afterSeq)' })
  @ApiOkResponse({ type: TransparencyListResponse })
  @ApiProblems(400)
  async log(@Query() query: TransparencyQueryDto) {
    return {
      items: (await this.transparency.list({ afterSeq: query.afterSeq?.toString(), limit: 500 })).map(toTransparencyResponse),
    };
  }

  @Get('transparency/verification')
  @ApiOperation({ summary: 'Recompute the whole chain and report the first broken link' })
  @ApiOkResponse({ type: TransparencyVerificationResponse })
  verifyLog() {
    return this.transparency.verify();
  }
}
