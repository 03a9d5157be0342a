import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import type { ActorContext } from '@app/common';
import {
  InterconnectDecisions,
  InterconnectVerification,
  MemberCredentialsService,
  PeeringPolicyService,
} from '@app/interconnect';
import { BlockDto, CredentialDto, DecisionQueryDto, OfferDto, VerifyDto } from './interconnect.dto.js';
import { toAgreementResponse, toBlockResponse, toCredentialResponse } from './interconnect.responses.js';

/** A member's side of interconnection, with its own API key (active members only). */
@ApiTags('interconnect')
@ApiBearerAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/interconnect')
export class MemberInterconnectController {
  constructor(
    private readonly decisions: InterconnectDecisions,
    private readonly policy: PeeringPolicyService,
    private readonly credentials: MemberCredentialsService,
    private readonly verification: InterconnectVerification,
  ) {}

  @Get('decisions')
  @ApiOperation({ summary: 'May I interconnect with this peer for this service now? With the rules that decided it' })
  decision(@Query() query: DecisionQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.decisions.asSeenBy(me.domain, me.domain, query.peer, query.service);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Is the party connecting to me, claiming a domain with this pin or key, authentic and allowed?' })
  verify(@Body() body: VerifyDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.verification.verify(me.domain, body);
  }

  @Post('offers')
  @ApiOperation({ summary: 'Offer peering to another member for some services' })
  async offer(@Body() body: OfferDto, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.offer(me.domain, body.peer, body.services, body.expiresAt ?? null, actor));
  }

  @Get('agreements')
  async agreements(@CurrentPrincipal() me: MemberPrincipal) {
    return { items: (await this.policy.agreementsOf(me.domain)).map((a) => toAgreementResponse(a)) };
  }

  @Post('agreements/:id/accept')
  @HttpCode(200)
  async accept(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.decide(id, me.domain, true, actor));
  }

  @Post('agreements/:id/reject')
  @HttpCode(200)
  async reject(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.decide(id, me.domain, false, actor));
  }

  @Post('agreements/:id/revoke')
  @HttpCode(200)
  async revoke(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.revoke(id, me.domain, actor));
  }

  @Get('blocks')
  async blocks(@CurrentPrincipal() me: MemberPrincipal) {
    return { items: (await this.policy.blocks('member', me.domain)).map(toBlockResponse) };
  }

  @Post('blocks')
  @HttpCode(204)
  async block(@Body() body: BlockDto, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    await this.policy.block('member', me.domain, body.peer, body.reason ?? null, actor);
  }

  @Delete('blocks/:peer')
  @HttpCode(204)
  async unblock(@Param('peer') peer: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    await this.policy.unblock('member', me.domain, peer, actor);
  }

  @Get('credentials')
  async listCredentials(@CurrentPrincipal() me: MemberPrincipal) {
    return { items: (await this.credentials.list(me.domain)).map(toCredentialResponse) };
  }

  @Post('credentials')
  @ApiOperation({ summary: 'Register a signing key (public JWK) or a TLS client-certificate pin' })
  async addCredential(@Body() body: CredentialDto, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    const validity = { notBefore: body.notBefore, notAfter: body.notAfter ?? null, label: body.label ?? null };
    const saved =
      body.kind === 'jwk'
        ? await this.credentials.addJwk(me.domain, body.jwk, validity, actor)
        : await this.credentials.addPin(
            me.domain,
            { type: body.pinType, sha256: body.sha256, certificatePem: body.certificatePem },
            validity,
            actor,
          );
    return toCredentialResponse(saved);
  }

  @Delete('credentials/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a credential; effective at once' })
  async revokeCredential(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    await this.credentials.revoke(me.domain, id, null, actor);
  }
}
