import { Body, Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { PEERING_SERVICES } from '@app/common';
import { AssertionsService, HubKeysService, MAX_ASSERTION_TTL_SECONDS } from '@app/interconnect';
import { ApiMemberAuth, ApiProblems, ApiPublic } from '../common/openapi.decorators.js';
import { AssertionResponse, JwksResponse } from './interconnect.schemas.js';
import { IsIntegerIn } from '../common/validation.js';

export class AssertionRequestDto {
  @ApiProperty({ example: 'b.example.org', description: 'the member the assertion is for (its audience)' })
  @IsString()
  @MaxLength(300)
  peer: string;

  @ApiProperty({ enum: PEERING_SERVICES }) @IsIn(PEERING_SERVICES) service: (typeof PEERING_SERVICES)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ASSERTION_TTL_SECONDS, default: MAX_ASSERTION_TTL_SECONDS })
  @IsOptional()
  @IsIntegerIn(1, MAX_ASSERTION_TTL_SECONDS)
  ttlSeconds?: number;
}

/** A member asks the hub to vouch for it towards a peer; the peer verifies offline with the hub's JWKS. */
@ApiTags('interconnect')
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/interconnect')
export class MemberAssertionsController {
  constructor(private readonly assertions: AssertionsService) {}

  @Post('assertions')
  @HttpCode(201)
  @ApiOperation({
    summary: 'A hub-signed JWS (iss = hub, sub = me, aud = peer, scope = service, at most 5 min) to present to the peer',
  })
  @ApiBody({
    type: AssertionRequestDto,
    examples: {
      presence: {
        summary: 'for presence with b.example.org',
        value: { peer: 'b.example.org', service: 'presence', ttlSeconds: 300 },
      },
    },
  })
  @ApiCreatedResponse({ type: AssertionResponse })
  @ApiProblems(400, [403, 'the calling member is not active, or the decision refuses this peer and service'])
  async issue(@Body() body: AssertionRequestDto, @CurrentPrincipal() me: MemberPrincipal) {
    const issued = await this.assertions.issue(me.domain, body.peer, body.service, body.ttlSeconds);
    return { assertion: issued.assertion, expiresAt: issued.expiresAt.toISOString(), kid: issued.kid };
  }
}

/** The hub's public keys, for anyone verifying hub-signed assertions. */
@ApiTags('interconnect')
@ApiPublic()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: HubKeysService) {}

  @Get('jwks.json')
  @Header('Content-Type', 'application/jwk-set+json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: "Public: the hub's signing keys (JWKS), including retired keys until their assertions expired" })
  @ApiProduces('application/jwk-set+json')
  @ApiOkResponse({ type: JwksResponse })
  jwks() {
    return this.keys.jwks();
  }
}
