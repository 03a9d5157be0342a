import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import type { ActorContext } from '@app/common';
import {
  InterconnectDecisions,
  InterconnectVerification,
  MemberCredentialsService,
  PeeringPolicyService,
} from '@app/interconnect';
import { ApiMemberAuth, ApiProblems } from '../common/openapi.decorators.js';
import {
  AgreementListResponse,
  AgreementResponse,
  BlockListResponse,
  CredentialListResponse,
  CredentialResponse,
  DecisionResponse,
  VerificationResponse,
} from './interconnect.schemas.js';
import { BlockDto, CredentialDto, DecisionQueryDto, OfferDto, VerifyDto } from './interconnect.dto.js';
import { toAgreementResponse, toBlockResponse, toCredentialResponse } from './interconnect.responses.js';

/** The problems of every step an agreement's party takes (accept, reject, revoke). */
const ApiAgreementStepProblems = () =>
  ApiProblems(
    400,
    [403, 'the calling member is not active, or not the party that may do this'],
    [404, 'no such agreement of yours'],
    [409, 'the agreement is not in a state that allows this'],
  );

/** A member's side of interconnection, with its own API key (active members only). */
@ApiTags('interconnect')
@ApiMemberAuth()
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
  @ApiOkResponse({ type: DecisionResponse })
  @ApiProblems(400)
  decision(@Query() query: DecisionQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.decisions.asSeenBy(me.domain, me.domain, query.peer, query.service);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Is the party connecting to me, claiming a domain with this pin or key, authentic and allowed?' })
  @ApiBody({
    type: VerifyDto,
    examples: {
      pin: {
        summary: 'a TLS peer presenting a certificate',
        value: {
          claimedDomain: 'a.example.com',
          certificatePin: 'q8Yx0kq1cNnQn3m8lHq3d4y4bVb6bS2c3PZ9cW0m7Xo',
          service: 'presence',
        },
      },
    },
  })
  @ApiOkResponse({ type: VerificationResponse })
  @ApiProblems(400)
  verify(@Body() body: VerifyDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.verification.verify(me.domain, body);
  }

  @Post('offers')
  @ApiOperation({ summary: 'Offer peering to another member for some services' })
  @ApiBody({
    type: OfferDto,
    examples: {
      offer: {
        summary: 'presence and IM',
        value: { peer: 'b.example.org', services: ['presence', 'im'], expiresAt: '2027-12-31T00:00:00Z' },
      },
    },
  })
  @ApiCreatedResponse({ type: AgreementResponse })
  @ApiProblems(400, [404, 'no active member with this domain (or one hidden from the caller)'], 409)
  async offer(@Body() body: OfferDto, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.offer(me.domain, body.peer, body.services, body.expiresAt ?? null, actor));
  }

  @Get('agreements')
  @ApiOperation({ summary: 'The agreements you offered or were offered' })
  @ApiOkResponse({ type: AgreementListResponse })
  async agreements(@CurrentPrincipal() me: MemberPrincipal) {
    return { items: (await this.policy.agreementsOf(me.domain)).map((a) => toAgreementResponse(a)) };
  }

  @Post('agreements/:id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an offer made to you' })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiAgreementStepProblems()
  async accept(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.decide(id, me.domain, true, actor));
  }

  @Post('agreements/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject an offer made to you' })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiAgreementStepProblems()
  async reject(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.decide(id, me.domain, false, actor));
  }

  @Post('agreements/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an agreement you are party to' })
  @ApiOkResponse({ type: AgreementResponse })
  @ApiAgreementStepProblems()
  async revoke(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    return toAgreementResponse(await this.policy.revoke(id, me.domain, actor));
  }

  @Get('blocks')
  @ApiOperation({ summary: 'The peers you block' })
  @ApiOkResponse({ type: BlockListResponse })
  async blocks(@CurrentPrincipal() me: MemberPrincipal) {
    return { items: (await this.policy.blocks('member', me.domain)).map(toBlockResponse) };
  }

  @Post('blocks')
  @HttpCode(204)
  @ApiOperation({ summary: 'Block a peer: no interconnection, whatever agreements say' })
  @ApiBody({
    type: BlockDto,
    examples: { block: { summary: 'with a reason', value: { peer: 'c.example.net', reason: 'spam from this network' } } },
  })
  @ApiNoContentResponse({ description: 'blocked' })
  @ApiProblems(400, 404, [409, 'this block already exists'])
  async block(@Body() body: BlockDto, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    await this.policy.block('member', me.domain, body.peer, body.reason ?? null, actor);
  }

  @Delete('blocks/:peer')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift your block of a peer' })
  @ApiNoContentResponse({ description: 'unblocked' })
  @ApiProblems(400, [404, 'no such block'])
  async unblock(@Param('peer') peer: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    await this.policy.unblock('member', me.domain, peer, actor);
  }

  @Get('credentials')
  @ApiOperation({ summary: 'Your signing keys and certificate pins' })
  @ApiOkResponse({ type: CredentialListResponse })
  async listCredentials(@CurrentPrincipal() me: MemberPrincipal) {
    return { items: (await this.credentials.list(me.domain)).map(toCredentialResponse) };
  }

  @Post('credentials')
  @ApiOperation({ summary: 'Register a signing key (public JWK) or a TLS client-certificate pin' })
  @ApiBody({
    type: CredentialDto,
    examples: {
      jwk: {
        summary: 'an Ed25519 signing key',
        value: {
          kind: 'jwk',
          jwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'a-2026' },
          label: 'signer 2026',
        },
      },
      pin: {
        summary: 'a TLS client-certificate pin',
        value: {
          kind: 'certificate-pin',
          pinType: 'spki',
          sha256: 'q8Yx0kq1cNnQn3m8lHq3d4y4bVb6bS2c3PZ9cW0m7Xo',
          notAfter: '2027-06-30T00:00:00Z',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: CredentialResponse })
  @ApiProblems(400, [409, 'the key or certificate is already registered'])
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
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiProblems(400, [404, 'no such credential of yours'], [409, 'already revoked'])
  async revokeCredential(@Param('id') id: string, @CurrentPrincipal() me: MemberPrincipal, @Actor() actor: ActorContext) {
    await this.credentials.revoke(me.domain, id, null, actor);
  }
}
